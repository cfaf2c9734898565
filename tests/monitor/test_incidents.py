"""The incident book's pure rules: story grouping, severity, alert decisions."""

from __future__ import annotations

import pytest

from monitor import incidents as book

KEY = b"k" * 32
SMEAR = (
    "Qadın hüquqları fəalı Gülnarə Mehdiyeva xarici qrantlarla dolanan əxlaqsız bir xaindir, "
    "deyir anonim mənbələr. Onun fəaliyyəti cəmiyyətə ziyan vurur və ailə dəyərlərini dağıdır."
)


def test_reposts_with_small_edits_are_one_story() -> None:
    repost = "SON DƏQİQƏ! " + SMEAR.replace("deyir anonim mənbələr", "yazır kanalımız") + " #paylaş"
    assert book.similarity(book.sketch(SMEAR, KEY), book.sketch(repost, KEY)) >= book.SAME_STORY


def test_different_texts_are_different_stories() -> None:
    other = (
        "Bakıda hava sabah küləkli olacaq, temperatur 12 dərəcəyə qədər enəcək, yağış gözlənilir."
    )
    assert book.similarity(book.sketch(SMEAR, KEY), book.sketch(other, KEY)) < 0.1


def test_sketch_depends_on_the_key() -> None:
    assert book.sketch(SMEAR, KEY) != book.sketch(SMEAR, b"j" * 32)


def test_same_story_prefers_the_exact_key_then_the_most_similar() -> None:
    sketch = book.sketch(SMEAR, KEY)
    candidates = [
        book.Candidate(1, "other", book.sketch("unrelated words entirely here today", KEY)),
        book.Candidate(2, "other2", sketch),
        book.Candidate(3, "story", ()),
    ]
    assert book.same_story("story", sketch, candidates) == 3
    assert book.same_story("new", sketch, candidates) == 2
    assert book.same_story("new", book.sketch("nothing alike at all", KEY), candidates[:1]) is None


@pytest.mark.parametrize(
    ("kind", "base", "sources", "signals", "expected"),
    [
        ("mention", "high", 20, (), "info"),
        ("smear", "medium", 1, (), "medium"),
        ("smear", "medium", 3, (), "high"),
        ("smear", "medium", 10, (), "critical"),
        ("leak", "high", 1, ("intimate_image",), "critical"),
        ("account_takeover", "high", 1, ("canary_hit",), "critical"),
        ("threat", "critical", 50, (), "critical"),
    ],
)
def test_severity(
    kind: str, base: str, sources: int, signals: tuple[str, ...], expected: str
) -> None:
    inputs = book.SeverityInputs(kind, base, sources, frozenset(signals))
    assert book.decide_severity(inputs) == expected


@pytest.mark.parametrize(
    ("kind", "severity", "alerted", "expected"),
    [
        ("smear", "medium", None, "new"),
        ("smear", "medium", "medium", None),
        ("smear", "high", "medium", "escalated"),
        ("smear", "low", "medium", None),
        ("mention", "info", None, None),
    ],
)
def test_alert_reason(kind: str, severity: str, alerted: str | None, expected: str | None) -> None:
    assert book.alert_reason(kind, severity, alerted) == expected


def test_sketch_round_trips_through_text() -> None:
    sketch = book.sketch(SMEAR, KEY)
    assert book.decode_sketch(book.encode_sketch(sketch)) == sketch
    assert book.merge_signals("a,b", ["b", "c"]) == "a,b,c"
