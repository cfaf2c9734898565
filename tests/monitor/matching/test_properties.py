"""Properties: any text is handled, and matching does not depend on case or transliteration."""

import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from monitor.matching import Matcher, Registration, analyse
from monitor.matching.classifier import KINDS, SEVERITIES
from monitor.matching.matcher import HOW

REGISTRY = [
    Registration(
        1,
        ("Gülnarə Mehdiyeva",),
        handles=(("instagram", "gulnara.m"),),
        emails=("g.mehdiyeva@mail.example",),
        phones=("+994505551207",),
    ),
    Registration(2, ("Xəyalə Rüstəmli",)),
    Registration(3, ("Sadıqzadə Fidan",)),
]
MATCHER = Matcher.build(REGISTRY)

FRAGMENTS = [
    "Gülnarə Mehdiyeva",
    "Mehdiyevanın",
    "Гюльнары Мехдиевой",
    "@gulnara.m",
    "+994 50 555 12 07",
    "g.mehdiyeva@mail.example",
    "Xəyalə",
    "Rüstəmli",
    "\u200b",
    "\u0308",
    "\u00ad",
    "ə",
    "İ",
    "ı",
    "\n\n",
    ". ",
    "«",
    "»",
    "(",
    "'",
    "’",
    "Mеhdiyeva",
    "xain",
    "интим",
    "threat",
    "\x00",
    "\ud800",
]
ANY_CHAR = st.one_of(st.characters(exclude_categories=()), st.characters(categories=["Cs"]))
TEXTS = st.lists(
    st.one_of(st.text(ANY_CHAR, max_size=12), st.sampled_from(FRAGMENTS)), max_size=40
).map("".join)


def check(text: str) -> None:
    for mention in analyse(MATCHER, text):
        assert mention.kind in KINDS
        assert mention.severity in SEVERITIES
        assert 0 <= mention.score <= 1
        for hit in mention.hits:
            assert text[hit.start : hit.end] == hit.matched
            assert hit.how in HOW
        for cue in mention.cues:
            assert 0 <= cue.start <= cue.end <= len(text)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXTS)
def test_any_text_is_analysed_without_error(text: str) -> None:
    check(text)


def test_empty_and_degenerate_texts() -> None:
    for text in ("", " ", "\n", "\ud800", "\x00" * 100, "@" * 1000, "." * 1000, "ə" * 1000):
        check(text)


def _huge(seed: int, noise: str) -> str:
    rng = random.Random(seed)
    words = "bu gün xəbər Bakı Mehdiyev Gülnarə hesabat это новости today report 050 12"
    parts = []
    size = 0
    while size < 5_000_000:
        chunk = " ".join(rng.choices(words.split(), k=200))
        if rng.random() < 0.05:
            chunk += " Gülnarə Mehdiyevanın xain yazısı."
        parts.append(chunk + noise)
        size += len(chunk) * 2
    return "\n".join(parts)


def test_huge_input_is_handled() -> None:
    text = _huge(1, "")
    mentions = analyse(MATCHER, text)
    assert [m.activist_id for m in mentions] == [1]
    assert len([h for h in mentions[0].hits if h.part == "full"]) > 10


def test_huge_hostile_input_is_handled() -> None:
    text = _huge(2, "\u200b\u0308Mеh")
    check(text)


SPELLINGS = [
    "Gülnarə Mehdiyeva",
    "Gulnara Mehdiyeva",
    "Gulnare Mehdiyeva",
    "Gülnare Mehdiyeva",
    "Гюльнара Мехдиева",
    "Гюльнары Мехдиевой",
    "G. Mehdiyeva",
    "Gülnarə Mehdiyevanın",
    "Mehdiyeva Gülnarə",
]
CONTEXTS = [
    "{}",
    "Dünən {} çıxış edib.",
    "Вчера {} выступила.",
    "Yesterday {} spoke.",
    "«{}»",
    "Xəbər\n{} haqqında",
]


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(SPELLINGS), st.sampled_from(CONTEXTS))
def test_every_spelling_finds_the_same_person(spelling: str, context: str) -> None:
    text = context.format(spelling)
    assert {h.activist_id for h in MATCHER.find(text) if h.part == "full"} == {1}


@settings(max_examples=150, deadline=None)
@given(
    st.sampled_from(SPELLINGS),
    st.sampled_from(CONTEXTS),
    st.sampled_from(["upper", "lower", "title", "same"]),
)
def test_matching_does_not_depend_on_case(spelling: str, context: str, case: str) -> None:
    text = context.format(spelling)
    changed = text if case == "same" else getattr(text, case)()
    assert {h.activist_id for h in MATCHER.find(changed)} == {
        h.activist_id for h in MATCHER.find(text)
    }


@settings(max_examples=100, deadline=None)
@given(
    st.sampled_from(
        [
            "Xəyalə Rüstəmli",
            "Khayala Rustamli",
            "Hayala Rustamli",
            "Xayala Rustamli",
            "Хаяла Рустамли",
            "XƏYALƏ RÜSTƏMLİ",
        ]
    )
)
def test_transliterations_of_an_azerbaijani_only_registration(spelling: str) -> None:
    assert {h.activist_id for h in MATCHER.find(f"Bu gün {spelling} danışdı.")} == {2}
