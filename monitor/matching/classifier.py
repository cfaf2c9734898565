"""Classify a mention: which kind of harm the text does to the person, how sure, how severe.

The text around the person's hits is cut into folded word tokens and run through the cue
lexicons; sentence, paragraph and quotation boundaries are looked up for the cues found. Each
cue's weight is scaled by how close it stands to the nearest hit of this person:

* tokens between cue and hit: 1 / (1 + d/30), so a cue next to the name counts fully and one 30
  words away half;
* sentences between: 0.85 per sentence, never below 0.5;
* another paragraph: 0.3 (a headline counts as part of the first paragraph), but 0.7 in a short
  post (80 words or fewer), which is about one thing, and in a comment thread or chat, whose
  lines answer one another (see `Window.thread`);
* a smear word inside quotation marks is somebody being quoted: half weight; a "quoted" term
  (scare quotes around "activist", «правозащитница») counts as smear only there, and a
  reporting word there («доклады») is mocked, not reported, so it does not count;
* a negation just before (не, not, deyil) weakens smear, leak and doxxing cues.

Intimidation rarely says "threat": "we know which school your son goes to", "the park is badly
lit these evenings". So details of the person's private life (`private` cues: children, family,
school, home, daily routine) and a hint of menace (any `threat` cue, even "we know", "you",
"should remember") each say little, but together they are a threat: the product of the two,
doubled, is added to the threat cues. Private details without any menace stay doxxing (or
nothing).

A sentence that opens by calling the person by name ("Nigar Eyvazova, your daughter…") speaks to
them: a weak threat cue, a hint of menace for the rule above. An account named like the person
but not registered to them (@tural_eyvazov_az, t.me/jala_humbatova_real), compared by consonants
so that every transliteration counts, is an impersonation cue, strong with "official", "real"
or "new" in it.

Scare quotes are a smear of their own: a short lower-case phrase in quotation marks near the
name ('shelters', «права женщин», “müstəqil jurnalistika”) holds the person's own words up to
ridicule. Each distinct one within the person's windows is a smear cue of full weight, however
far from the name (they colour the whole piece); capitalised quotations (organisations, titles)
and longer ones (somebody being quoted) are not.

Per kind, cue contributions combine as a noisy OR: 1 - Π(1 - c). Reporting cues (condemned,
campaign, pro-government) damp smear most, then phishing, threat, leak and doxxing: an
independent outlet describing a smear campaign names the person without smearing her. Phone
numbers and e-mail addresses of the person printed in the text are doxxing evidence of their
own, and so is a vehicle registration plate near the name. These are the `cue_scores` of a mention.

The kind model (see `model`) then decides the kind from the cue scores and the words around the
person; the mention's `score` is the model's probability of that kind and `reasons` name what
weighed most. Where the cues point to phishing, they decide (`CUES_DECIDE`). Without the
model (`rules_only`), the strongest kind at 0.5 or above wins, and below that the mention is a
neutral `mention`.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from monitor.matching import variants
from monitor.matching.lexicon import Lexicon, Term, default_lexicon
from monitor.matching.matcher import Hit
from monitor.matching.model import (
    KindModel,
    default_model,
    feature_map,
    named_features,
    word_keys,
)
from monitor.matching.normalize import OPENING_QUOTES, fold
from monitor.matching.windows import Spans, Window, Words, merge_spans

HARMFUL = ("smear", "leak", "doxxing", "threat", "impersonation", "phishing")
KINDS = (*HARMFUL, "mention")
SEVERITIES = ("info", "low", "medium", "high", "critical")
BASE_SEVERITY = {
    "threat": "high",
    "leak": "high",
    "doxxing": "high",
    "phishing": "high",
    "impersonation": "medium",
    "smear": "medium",
    "mention": "info",
}
THRESHOLD = 0.5
CLOSE_CALL = 0.1
# Below these the decision is unsure and severity steps down: a cue score, or the model's
# probability. Held out in turn (blind-9 … 24), the model's harmful kinds were right 96% of the
# time at 0.6 and above, 78% between 0.5 and 0.6, and 60% below 0.5.
UNSURE_CUES = 0.65
UNSURE_MODEL = 0.6
# Kinds the cues decide even with a model: password, SMS-code and login-link phrases near the
# person are a lure, or the person's report of one, and both are phishing incidents; the model,
# trained on corpora that label reports of lures as mentions, reads most of them so. Its own
# phishing class finds the lures the lexicons have no words for. Leave-one-corpus-out over
# mentions-dev and blind-1 … 71: lures read as phishing 12 of 18 with the model alone, 14 so.
CUES_DECIDE = frozenset({"phishing"})
# How much independent-reporting context takes off each kind's score.
REPORT_DAMPING = {
    "smear": 0.85,
    "threat": 0.5,
    "leak": 0.3,
    "doxxing": 0.3,
    "phishing": 0.6,
    "impersonation": 0.0,
}
# Identifiers of the person printed in the text: publishing them is doxxing.
IDENTIFIER_CUES = {"phone": 0.45, "email": 0.15}
SCARE_QUOTE = 0.3
OTHER_PARAGRAPH = 0.3
ADDRESS = 0.25
ADDRESSED = "<addressed by name>"  # the term of that cue
LOOKALIKE = 0.4
LOOKALIKE_MARKED = 0.65
PLATE = 0.6
PLATE_TERM = "<a vehicle registration plate>"
CARD = 0.5
CARD_TERM = "<a payment card number>"
# A text this short (in words, when one window covers it all) is a post about one thing.
SHORT_POST_WORDS = 80
SHORT_POST_PARAGRAPH = 0.7
_SCARE_QUOTE_WORDS = 3
# Private life and menace together: how much their product adds to the threat cues.
INTIMIDATION = 4.0
INTIMIDATION_CAP = 0.9
_NEGATORS = frozenset({"не", "ни", "нет", "not", "no", "never", "deyil", "yox", "hec", "don't"})
_NEGATABLE = frozenset({"smear", "leak", "doxxing"})
_WINDOW = 400


@dataclass(frozen=True)
class Cue:
    """One lexicon term that fired, and how much it counted for this person.

    `lang` is the lexicon's language, or "*" for evidence that is not a word (a phone number).
    """

    kind: str
    term: str
    lang: str
    weight: float
    distance: int
    contribution: float
    start: int
    end: int


@dataclass(frozen=True)
class Mention:
    """What a text does to one person: the hits, the kind, why, and how bad."""

    activist_id: int
    hits: tuple[Hit, ...]
    kind: str
    score: float
    severity: str
    cues: tuple[Cue, ...]
    # What decided: the kind model's probability per class, or, where the cues decided
    # (phishing, or `rules_only`), the cue scores. `score` is the kind's entry here.
    scores: Mapping[str, float] = field(default_factory=dict)
    context: float = 0.0  # strength of independent-reporting context, 0..1
    cue_scores: Mapping[str, float] = field(default_factory=dict)  # per kind, from the cues
    reasons: tuple[tuple[str, float], ...] = ()  # the model's strongest features for `kind`


@dataclass(frozen=True)
class Evidence:
    """What a text says about one person before a kind is decided: the lexicon cues, their
    score per kind, independent-reporting context, the keys of the words around the person
    (their own name excepted; see `model.word_keys`) and the person's standing among the
    registered people found in the text (see `standings`), which the kind model reads."""

    hits: tuple[Hit, ...]
    cues: tuple[Cue, ...]
    cue_scores: Mapping[str, float]
    context: float
    words: frozenset[str]
    standing: str

    def features(self) -> dict[str, float]:
        """The kind model's input (see `model.feature_map`)."""
        return feature_map(self.cue_scores, self.context, self._hows(), self.standing, self.words)

    def named_features(self) -> dict[str, float]:
        """The kind model's input but the words (see `KindModel.predict_parts`)."""
        return named_features(self.cue_scores, self.context, self._hows(), self.standing)

    def _hows(self) -> set[str]:
        return {h.how for h in self.hits}


def classify(
    text: str, hits: Sequence[Hit], lexicon: Lexicon | None = None, rules_only: bool = False
) -> Mention:
    """Kind, score, severity and cues of the mention of one person (all `hits` are theirs),
    read as the only person found in the text (see `standings`; `analyse` sees everyone)."""
    if not hits:
        raise ValueError("classify needs at least one hit")
    return classify_all(text, [hits], lexicon, rules_only)[0]


def classify_all(
    text: str,
    people: Sequence[Sequence[Hit]],
    lexicon: Lexicon | None = None,
    rules_only: bool = False,
) -> list[Mention]:
    """`classify` for each person's hits in one text; `rules_only` decides by the lexicon
    cues alone, without the kind model."""
    model = None if rules_only else default_model()
    return [decide(evidence, model) for evidence in gather_all(text, people, lexicon)]


def gather_all(
    text: str, people: Sequence[Sequence[Hit]], lexicon: Lexicon | None = None
) -> list[Evidence]:
    """The evidence about each person's hits in one text. The windows of people named close
    together overlap, so the text they cover is cut into words once for all of them."""
    lexicon = lexicon or default_lexicon()
    plans = []
    for hits in people:
        ordered = sorted(hits, key=lambda h: h.start)
        plans.append((hits, ordered, _windows(ordered, len(text))))
    words = Words(text, merge_spans(span for _, _, spans in plans for span in spans))
    return [
        _evidence(lexicon, words, *plan, standing)
        for plan, standing in zip(plans, standings([len(h) for h in people]), strict=True)
    ]


def standings(counts: Sequence[int]) -> list[str]:
    """Each person's standing among the registered people found in one text, from their
    numbers of hits (any identifier, supporting hits included): "alone" when nobody else was
    found, "minor" when someone else has more hits, else "" (a main person). A harmful story is
    mostly about its main person: the relative, lawyer or colleague quoted beside them is
    rarely its target, though its cues stand near them too."""
    if len(counts) <= 1:
        return ["alone"] * len(counts)
    most = max(counts)
    return ["minor" if count < most else "" for count in counts]


def _evidence(
    lexicon: Lexicon,
    words: Words,
    hits: Sequence[Hit],
    ordered: list[Hit],
    windows: list[tuple[int, int]],
    standing: str,
) -> Evidence:
    starts = [h.start for h in ordered]
    cues: list[Cue] = []
    around: set[str] = set()
    for lo, hi in windows:
        window = words.window(lo, hi)
        inside = ordered[bisect.bisect_left(starts, lo) : bisect.bisect_left(starts, hi)]
        anchors = sorted(window.span(h.start, h.end) for h in inside)
        cues += _word_cues(lexicon, window, anchors) + _scare_quotes(window, anchors)
        cues += _shapes(window, anchors)
        around.update(_words_around(window, anchors))
    cues = _best_per_term(cues) + _identifier_cues(hits) + _address_cue(words.text, ordered)
    cues += _lookalike_handles(words.text, ordered)
    scores, context = _scores(cues)
    return Evidence(tuple(hits), tuple(cues), scores, context, frozenset(around), standing)


def _words_around(window: Window, anchors: list[tuple[int, int]]) -> set[str]:
    """The keys of the window's words but the person's own: the stretches between the
    (sorted) token spans of their hits."""
    if not anchors:
        return set()
    stretches, at = [], 0
    for first, last in anchors:
        stretches.append(window.words[at:first])
        at = max(at, last + 1)
    stretches.append(window.words[at:])
    return word_keys(itertools.chain.from_iterable(stretches))


def decide(evidence: Evidence, model: KindModel | None) -> Mention:
    """The mention: the kind the model gives, how sure, how bad, and why. The cues decide
    without a model, when they point to phishing (`CUES_DECIDE`), and when they point to a kind
    the model has no class for."""
    cue_scores = evidence.cue_scores
    kind, score = _decide(cue_scores)
    scores: Mapping[str, float] = cue_scores
    reasons: list[tuple[str, float]] = []
    unsure = UNSURE_CUES
    if model is not None and kind in model.classes and kind not in CUES_DECIDE:
        scores, reasons = model.predict_parts(evidence.named_features(), evidence.words)
        kind = max(model.classes, key=lambda k: scores[k])
        score, unsure = scores[kind], UNSURE_MODEL
    cues = evidence.cues
    own = [c for c in cues if c.kind == kind]
    ranked = sorted(cues, key=lambda c: (-c.contribution, c.start))
    return Mention(
        activist_id=evidence.hits[0].activist_id,
        hits=evidence.hits,
        kind=kind,
        score=round(score, 3),
        severity=_severity(kind, cue_scores.get(kind, 0.0), score < unsure or _on_a_hint(own), own),
        cues=tuple(c for c in ranked if c.contribution >= 0.05),
        scores={k: round(v, 3) for k, v in scores.items()},
        context=round(evidence.context, 3),
        cue_scores={k: round(v, 3) for k, v in cue_scores.items()},
        reasons=tuple(reasons),
    )


def _on_a_hint(own: Sequence[Cue]) -> bool:
    """Whether the only cue of the kind decided is the hint of a sentence that addresses the
    person by name: the model may read menace in the words around it, but no lexicon phrase
    says so, so the decision counts as unsure (a question put to someone is not a sure threat)."""
    return bool(own) and all(c.term == ADDRESSED for c in own)


def _windows(hits: Sequence[Hit], size: int) -> list[tuple[int, int]]:
    """Spans of text worth reading: around the hits, merged; far-off text counts too little."""
    return merge_spans((max(0, h.start - _WINDOW), min(size, h.end + _WINDOW)) for h in hits)


# -- cues ----------------------------------------------------------------------------------


def _word_cues(lexicon: Lexicon, window: Window, anchors: list[tuple[int, int]]) -> list[Cue]:
    if not window.words or not anchors:
        return []
    cues = []
    for first, last, term in _longest(lexicon.find(window.words)):
        cue = _cue(window, anchors, first, last, term)
        if cue is not None:
            cues.append(cue)
    return cues


def _scare_quotes(window: Window, anchors: list[tuple[int, int]]) -> list[Cue]:
    """Smear cues for scare quotes near the person (see the module docstring)."""
    if not window.words or not anchors or not _QUOTE_MARKS.search(window.work, *window.bounds):
        return []
    cues = []
    for a, b in window.quotes:
        inner = window.work[a + 1 : b - 1].strip()
        if not inner or not inner[0].islower() or len(inner.split()) > _SCARE_QUOTE_WORDS:
            continue
        tokens = window.tokens_within(a, b)
        if tokens is None:
            continue
        first, last = tokens
        distance, _ = _closeness(window, anchors, first, last)
        start, end = window.original(first, last)
        term = f"“{inner.lower()}”"  # full weight anywhere near: they colour the whole piece
        cues.append(Cue("smear", term, "*", SCARE_QUOTE, distance, SCARE_QUOTE, start, end))
    return cues


_QUOTE_MARKS = re.compile(f"[{re.escape(OPENING_QUOTES)}]")


def _shapes(window: Window, anchors: list[tuple[int, int]]) -> list[Cue]:
    """Cues that are shapes of text, not words, so no lexicon says them, in every language.
    A vehicle registration plate near the person tells anyone which car to look for
    (doxxing): Azerbaijani plates (10-AS-218, 90 TB 512) and Russian ones (А123ВС 77,
    О777ОО177). A payment card number near the person is, in the corpora, a fund-raising scam
    in their name ("my old card is blocked, send to this one"): impersonation."""
    if not window.words or not anchors:
        return []
    cues = []
    for pattern, kind, term, base in _SHAPES:
        for match in pattern.finditer(window.work, *window.bounds):
            tokens = window.tokens_within(*match.span())
            if tokens is None:
                continue
            first, last = tokens
            distance, closeness = _closeness(window, anchors, first, last)
            start, end = window.original(first, last)
            weight = round(base * closeness, 4)
            cues.append(Cue(kind, term, "*", base, distance, weight, start, end))
    return cues


# Letters on Russian plates are the twelve Cyrillic capitals that look like Latin ones. Written
# to begin with one character class, a plate's first character, and to pick the branch by it:
# the search runs on every window, and a leading look-behind or alternation is scanned for at
# every position, twice as slow.
_PLATE_LETTER = "АВЕКМНОРСТУХ"
_PLATE = re.compile(
    rf"[\d{_PLATE_LETTER}](?<![\w-].)(?:(?<=\d)\d[- ]?[A-Z]{{2}}[- ]?\d{{3}}"
    rf"|(?<=[{_PLATE_LETTER}]) ?\d{{3}} ?[{_PLATE_LETTER}]{{2}} ?\d{{2,3}})(?![\w-])"
)
# Sixteen digits in groups of four, the groups all split alike (by a space, a hyphen or not).
_CARD = re.compile(r"\d(?<![\d-]\d)\d{3}([ -]?)\d{4}\1\d{4}\1\d{4}(?![\d-])")
_SHAPES = (
    (_PLATE, "doxxing", PLATE_TERM, PLATE),
    (_CARD, "impersonation", CARD_TERM, CARD),
)


def _best_per_term(cues: list[Cue]) -> list[Cue]:
    """A term repeated counts once, where it counts most."""
    best: dict[tuple[str, str], Cue] = {}
    for cue in cues:
        key = (cue.kind, cue.term)
        if key not in best or cue.contribution > best[key].contribution:
            best[key] = cue
    return list(best.values())


def _longest(matches: Iterable[tuple[int, int, Term]]) -> list[tuple[int, int, Term]]:
    """Drop a term found inside a longer term of the same section at the same place.

    Matches come by start, so a kept one that holds the next starts no later: it is enough to
    know, per section, how far kept terms reach and the earliest start among those that reach
    that far (a text of thousands of cues costs one pass, not a comparison of every pair)."""
    kept: list[tuple[int, int, Term]] = []
    reach: dict[str, tuple[int, int]] = {}  # section → (furthest end, earliest start to it)
    for match in sorted(matches, key=_start_then_longest):
        first, last, term = match
        end, start = reach.get(term.section, (-1, -1))
        if end > last or (end == last and start < first):
            continue
        kept.append(match)
        if last > end:
            reach[term.section] = (last, first)
    return kept


def _start_then_longest(match: tuple[int, int, Term]) -> tuple[int, int]:
    return match[0], match[0] - match[1]


def _cue(
    window: Window, anchors: list[tuple[int, int]], first: int, last: int, term: Term
) -> Cue | None:
    kind = term.section
    factor = 1.0
    if kind in ("quoted", "smear") and window.quoted(first, last):
        kind, factor = "smear", (1.0 if kind == "quoted" else 0.5)
    elif kind == "quoted" or (kind == "report" and window.quoted(first, last)):
        return None  # a reporting word in scare quotes («доклады») is mocked, not reported
    if kind in _NEGATABLE and first > 0 and window.words[first - 1] in _NEGATORS:
        factor *= 0.4
    distance, closeness = _closeness(window, anchors, first, last)
    if kind == "report":
        closeness = max(closeness, 0.5)  # framing belongs to the whole piece
    start, end = window.original(first, last)
    return Cue(
        kind=kind,
        term=term.text,
        lang=term.lang,
        weight=term.weight,
        distance=distance,
        contribution=round(term.weight * factor * closeness, 4),
        start=start,
        end=end,
    )


def _closeness(
    window: Window, anchors: list[tuple[int, int]], first: int, last: int
) -> tuple[int, float]:
    """(token distance, weight factor) to the nearest hit. `anchors` are sorted token spans;
    only the two hits on either side of the cue can be nearest."""
    best = (len(window.words), 0.0)
    sentence, paragraph = window.sentence(first), window.paragraph(first)
    at = bisect.bisect_left(anchors, (first, first))
    for a, b in anchors[max(0, at - 2) : at + 2]:
        if b < first:
            distance, near = first - b - 1, b
        elif a > last:
            distance, near = a - last - 1, a
        else:
            distance, near = 0, a
        factor = 1 / (1 + distance / 30)
        factor *= max(0.5, 0.85 ** abs(sentence - window.sentence(near)))
        if paragraph != window.paragraph(near):
            factor *= _other_paragraph(window)
        if factor > best[1]:
            best = (distance, factor)
    return best


def _other_paragraph(window: Window) -> float:
    """Weight of a cue in another paragraph than the name: low in an article, where a new
    paragraph often turns to someone else, but not in a short post, which is about one thing,
    nor in a comment thread or chat, whose lines answer one another."""
    if len(window.words) <= SHORT_POST_WORDS or window.thread:
        return SHORT_POST_PARAGRAPH
    return OTHER_PARAGRAPH


def _address_cue(text: str, hits: Sequence[Hit]) -> list[Cue]:
    """A sentence that opens by calling the person by name ("Nigar Eyvazova, your daughter…")
    speaks to them: in hostile text, a hint of menace (see the intimidation rule)."""
    for hit in hits:
        lo = max(0, hit.start - 40)
        before = text[lo : hit.start].rstrip(_OPENERS)
        opens = before[-1:] in _SENTENCE_ENDS if before else lo == 0
        if opens and text[hit.end : hit.end + 1] == ",":
            return [Cue("threat", ADDRESSED, "*", ADDRESS, 0, ADDRESS, hit.start, hit.end + 1)]
    return []


_OPENERS = " \t\"«“„'‘(—–-"
_SENTENCE_ENDS = ("\n", "\r", ".", "!", "?", "…")


def _lookalike_handles(text: str, hits: Sequence[Hit]) -> list[Cue]:
    """An account or an e-mail address that carries the person's name but is not one they
    registered (@tural_eyvazov_az, t.me/jala_humbatova_real, ramin.cafarli.vekil@mailbox.example)
    is likely an impersonation, more so with a word like "official" or "real" in it: a fake
    letter or profile gives itself away by where it was sent from. Handles are compared by
    consonant skeletons, so every transliteration of the name finds them (see `_skeleton`)."""
    if "@" not in text and "/" not in text:
        return []
    names = _name_keys(hits)
    registered = Spans((h.start, h.end) for h in hits if h.how in _OWN_IDENTIFIERS)
    for pattern, term in _LOOKALIKES:
        for m in pattern.finditer(text):
            if registered.overlaps(m.start(), m.end()):
                continue
            written = fold(m.group(1))  # the handle, or the address before its "@"
            skeleton = _skeleton(written)
            if any(all(key in skeleton for key in keys) for keys in names):
                weight = LOOKALIKE_MARKED if _MARKERS.search(written) else LOOKALIKE
                return [Cue("impersonation", term, "*", weight, 0, weight, m.start(), m.end())]
    return []


def _name_keys(hits: Sequence[Hit]) -> set[tuple[str, ...]]:
    """What a handle must contain to be named like the person: the first four consonants of
    the surname, in any Latin spelling (a case ending only adds letters after them); for a
    short surname, its consonants and the given name's together."""
    keys: set[tuple[str, ...]] = set()
    for hit in hits:
        words = hit.matched.split()
        if hit.how != "name" or hit.part != "full" or len(words) < 2:
            continue
        given = {_skeleton(fold(v)) for v, _ in variants.spellings(words[0])}
        for spelling, _ in variants.spellings(words[-1]):
            surname = _skeleton(fold(spelling))
            if len(surname) >= 4:
                keys.add((surname[:4],))
            elif surname:
                keys.update((surname, g) for g in given if len(g) >= 2)
    return {k for k in keys if all(part.isascii() for part in k)}


def _skeleton(word: str) -> str:
    """The consonants of a folded word, with the letters transliteration varies on evened out:
    h dropped (gh, kh, sh), q as g, x as k."""
    return _NOT_CONSONANT.sub("", word).translate(_EVEN_OUT)


_ACCOUNT = re.compile(
    r"(?:(?<![\w.])@|\b(?:t\.me|instagram\.com|facebook\.com|x\.com|twitter\.com|tiktok\.com)/"
    r"|\byoutube\.com/@?)([A-Za-z0-9_.]{3,40})"
)
_EMAIL_LOCAL = re.compile(r"(?<![\w.+-])([A-Za-z0-9][A-Za-z0-9_.+-]{2,63})@[A-Za-z0-9-]+\.[A-Za-z]")
_LOOKALIKES = (
    (_ACCOUNT, "<an unregistered account named like the person>"),
    (_EMAIL_LOCAL, "<an unregistered address named like the person>"),
)
_OWN_IDENTIFIERS = ("handle", "profile_url", "email")
_MARKERS = re.compile(
    r"official|real|original|true|rasmi|new|yeni|backup|private|vip|[._]az\b|\d$|_$"
)
_NOT_CONSONANT = re.compile(r"[^bcdfgjklmnpqrstvwxz]")
_EVEN_OUT = str.maketrans({"q": "g", "x": "k"})


def _identifier_cues(hits: Sequence[Hit]) -> list[Cue]:
    cues = []
    for how, weight in IDENTIFIER_CUES.items():
        found = [h for h in hits if h.how == how]
        if found:
            h = found[0]
            cues.append(
                Cue("doxxing", f"<{how} of the person>", "*", weight, 0, weight, h.start, h.end)
            )
    return cues


# -- decision ------------------------------------------------------------------------------


def _noisy_or(values: list[float]) -> float:
    remaining = 1.0
    for v in values:
        remaining *= 1 - min(v, 0.99)
    return 1 - remaining


def _scores(cues: list[Cue]) -> tuple[dict[str, float], float]:
    by_kind: dict[str, list[float]] = {kind: [] for kind in (*HARMFUL, "report", "private")}
    for c in cues:
        by_kind.setdefault(c.kind, []).append(c.contribution)
    context = _noisy_or(by_kind["report"])
    by_kind["threat"].append(_intimidation(by_kind["threat"], by_kind["private"]))
    scores = {}
    for kind in HARMFUL:
        raw = _noisy_or(by_kind[kind])
        scores[kind] = raw * (1 - REPORT_DAMPING[kind] * context)
    scores["mention"] = 1 - max(scores.values())
    return scores, context


def _intimidation(menace: list[float], private: list[float]) -> float:
    """What private-life details add to the threat cues near them (see the module docstring)."""
    return min(INTIMIDATION_CAP, INTIMIDATION * _noisy_or(menace) * _noisy_or(private))


def _decide(scores: Mapping[str, float]) -> tuple[str, float]:
    """The strongest kind at THRESHOLD or above, else `mention`. Kinds within CLOSE_CALL of the
    strongest are a close call, settled for the more severe kind: a post that mocks a woman
    while printing her phone number is doxxing first."""
    best = max(scores[k] for k in HARMFUL)
    if best < THRESHOLD:
        return "mention", scores["mention"]
    close = [k for k in HARMFUL if scores[k] >= max(THRESHOLD, best - CLOSE_CALL)]
    kind = max(close, key=lambda k: (SEVERITIES.index(BASE_SEVERITY[k]), scores[k]))
    return kind, scores[kind]


def _severity(kind: str, evidence: float, unsure: bool, cues: list[Cue]) -> str:
    """Base severity of the kind, one step up on overwhelming cue evidence (`evidence`, the
    kind's cue score), one step down when the decision was unsure."""
    level = SEVERITIES.index(BASE_SEVERITY[kind])
    if kind != "mention":
        strong = sum(1 for c in cues if c.contribution >= 0.3)
        if evidence >= 0.97 and strong >= 3:
            level += 1
        elif unsure:
            level -= 1
    return SEVERITIES[max(1 if kind != "mention" else 0, min(level, len(SEVERITIES) - 1))]
