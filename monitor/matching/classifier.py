"""Classify a mention: which kind of harm the text does to the person, how sure, how severe.

The text around the person's hits is cut into folded word tokens and run through the cue
lexicons; sentence, paragraph and quotation boundaries are looked up for the cues found. Each
cue's weight is scaled by how close it stands to the nearest hit of this person:

* tokens between cue and hit: 1 / (1 + d/30), so a cue next to the name counts fully and one 30
  words away half;
* sentences between: 0.85 per sentence, never below 0.5;
* another paragraph: 0.3 (a headline counts as part of the first paragraph);
* a smear word inside quotation marks is somebody being quoted: half weight; a "quoted" term
  (scare quotes around "activist", «правозащитница») counts as smear only there;
* a negation just before (не, not, deyil) weakens smear, leak and doxxing cues.

Per kind, cue contributions combine as a noisy OR: 1 - Π(1 - c). Reporting cues (condemned,
campaign, pro-government) damp smear most, then phishing, threat, leak and doxxing: an
independent outlet describing a smear campaign names the person without smearing her. The
strongest kind at 0.5 or above wins; below that the mention is a neutral `mention`. Phone
numbers and e-mail addresses of the person printed in the text are doxxing evidence of their
own.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from monitor.matching.lexicon import Lexicon, Term, default_lexicon
from monitor.matching.matcher import Hit
from monitor.matching.windows import Window, Words, merge_spans

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
    scores: Mapping[str, float] = field(default_factory=dict)
    context: float = 0.0  # strength of independent-reporting context, 0..1


def classify(text: str, hits: Sequence[Hit], lexicon: Lexicon | None = None) -> Mention:
    """Kind, score, severity and cues of the mention of one person (all `hits` are theirs)."""
    if not hits:
        raise ValueError("classify needs at least one hit")
    return classify_all(text, [hits], lexicon)[0]


def classify_all(
    text: str, people: Sequence[Sequence[Hit]], lexicon: Lexicon | None = None
) -> list[Mention]:
    """`classify` for each person's hits in one text. The windows of people named close
    together overlap, so the text they cover is cut into words once for all of them."""
    lexicon = lexicon or default_lexicon()
    plans = []
    for hits in people:
        ordered = sorted(hits, key=lambda h: h.start)
        plans.append((hits, ordered, _windows(ordered, len(text))))
    words = Words(text, merge_spans(span for _, _, spans in plans for span in spans))
    return [_mention(lexicon, words, *plan) for plan in plans]


def _mention(
    lexicon: Lexicon,
    words: Words,
    hits: Sequence[Hit],
    ordered: list[Hit],
    windows: list[tuple[int, int]],
) -> Mention:
    starts = [h.start for h in ordered]
    cues: list[Cue] = []
    for lo, hi in windows:
        window = words.window(lo, hi)
        inside = ordered[bisect.bisect_left(starts, lo) : bisect.bisect_left(starts, hi)]
        cues += _word_cues(lexicon, window, sorted(window.span(h.start, h.end) for h in inside))
    cues = _best_per_term(cues) + _identifier_cues(hits)
    scores, context = _scores(cues)
    kind, score = _decide(scores)
    ranked = sorted(cues, key=lambda c: (-c.contribution, c.start))
    return Mention(
        activist_id=hits[0].activist_id,
        hits=tuple(hits),
        kind=kind,
        score=round(score, 3),
        severity=_severity(kind, score, [c for c in cues if c.kind == kind]),
        cues=tuple(c for c in ranked if c.contribution >= 0.05),
        scores={k: round(v, 3) for k, v in scores.items()},
        context=round(context, 3),
    )


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


def _best_per_term(cues: list[Cue]) -> list[Cue]:
    """A term repeated counts once, where it counts most."""
    best: dict[tuple[str, str], Cue] = {}
    for cue in cues:
        key = (cue.kind, cue.term)
        if key not in best or cue.contribution > best[key].contribution:
            best[key] = cue
    return list(best.values())


def _longest(matches: Iterable[tuple[int, int, Term]]) -> list[tuple[int, int, Term]]:
    """Drop a term found inside a longer term of the same section at the same place."""
    kept: list[tuple[int, int, Term]] = []
    for match in sorted(matches, key=_start_then_longest):
        first, last, term = match
        for a, b, longer in kept:
            if longer.section == term.section and a <= first and last <= b and b - a > last - first:
                break
        else:
            kept.append(match)
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
    elif kind == "quoted":
        return None
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
            factor *= 0.3
        if factor > best[1]:
            best = (distance, factor)
    return best


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
    by_kind: dict[str, list[float]] = {kind: [] for kind in (*HARMFUL, "report")}
    for c in cues:
        by_kind.setdefault(c.kind, []).append(c.contribution)
    context = _noisy_or(by_kind["report"])
    scores = {}
    for kind in HARMFUL:
        raw = _noisy_or(by_kind[kind])
        scores[kind] = raw * (1 - REPORT_DAMPING[kind] * context)
    scores["mention"] = 1 - max(scores.values())
    return scores, context


def _decide(scores: dict[str, float]) -> tuple[str, float]:
    kind = max(HARMFUL, key=lambda k: scores[k])
    if scores[kind] >= THRESHOLD:
        return kind, scores[kind]
    return "mention", scores["mention"]


def _severity(kind: str, score: float, cues: list[Cue]) -> str:
    """Base severity of the kind, one step up on overwhelming evidence, down on weak."""
    level = SEVERITIES.index(BASE_SEVERITY[kind])
    if kind != "mention":
        strong = sum(1 for c in cues if c.contribution >= 0.3)
        if score >= 0.97 and strong >= 3:
            level += 1
        elif score < 0.65:
            level -= 1
    return SEVERITIES[max(1 if kind != "mention" else 0, min(level, len(SEVERITIES) - 1))]
