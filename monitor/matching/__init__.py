"""Matching and classification: which registered activists a text names, and what kind of harm.

Pure functions, no I/O. Build a `Matcher` once per registry version, then call `analyse` per
text. See docs/matching.md.
"""

from __future__ import annotations

from collections import defaultdict

from monitor.matching.classifier import Cue, Mention, classify, classify_all
from monitor.matching.explain import explain
from monitor.matching.matcher import Hit, Matcher, Registration

__all__ = [
    "Cue",
    "Hit",
    "Matcher",
    "Mention",
    "Registration",
    "analyse",
    "by_person",
    "classify",
    "classify_all",
    "explain",
]


def analyse(matcher: Matcher, text: str) -> list[Mention]:
    """Find every registered activist in `text` and classify each mention, by activist id."""
    hits = matcher.find(text)
    if not hits:
        return []  # most texts name nobody
    return classify_all(text, by_person(hits))


def by_person(hits: list[Hit]) -> list[list[Hit]]:
    """Hits grouped per activist, in activist id order."""
    groups: dict[int, list[Hit]] = defaultdict(list)
    for hit in hits:
        groups[hit.activist_id].append(hit)
    return [group for _, group in sorted(groups.items())]
