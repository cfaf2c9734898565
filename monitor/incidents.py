"""The incident book's decisions: which story a sighting belongs to, how severe it is, and
whether the change deserves an alert.

Pure functions; `monitor.storage.incidents` applies them inside one transaction.

Stories. A smear is reposted with small edits (a new headline, a channel signature, trimmed
paragraphs), so exact hashes miss reposts. Each text gets a bottom-k sketch of its word
shingles under a keyed hash; two texts whose sketches estimate a Jaccard similarity of at
least `SAME_STORY` are one story. The hash is keyed so that a sketch in the database cannot be
used to confirm a guessed text.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta

from monitor.models import SEVERITIES

SKETCH_SIZE = 64
SHINGLE_WORDS = 4
SAME_STORY = 0.45
STORY_WINDOW = timedelta(days=30)
TAKEOVER_WINDOW = timedelta(days=7)
# A story seen on this many distinct sources is spreading: one severity level up per step.
SPREAD_STEPS = (3, 10)
QUIET_KINDS = frozenset({"mention"})
_WORD = re.compile(r"\w+", re.UNICODE)


def rank(severity: str) -> int:
    return SEVERITIES.index(severity)


def raise_by(severity: str, levels: int) -> str:
    return SEVERITIES[min(len(SEVERITIES) - 1, rank(severity) + levels)]


def sketch(text: str, key: bytes) -> tuple[int, ...]:
    """The `SKETCH_SIZE` smallest keyed hashes of the text's word shingles."""
    words = _WORD.findall(text.casefold())
    size = SHINGLE_WORDS if len(words) >= SHINGLE_WORDS * 2 else 1
    shingles = {" ".join(words[i : i + size]) for i in range(max(1, len(words) - size + 1))}
    hashes = {
        int.from_bytes(hashlib.blake2b(s.encode(), digest_size=8, key=key).digest(), "big")
        for s in shingles
        if s
    }
    return tuple(sorted(hashes)[:SKETCH_SIZE])


def similarity(a: Sequence[int], b: Sequence[int]) -> float:
    """Estimated Jaccard similarity of the texts behind two bottom-k sketches."""
    if not a or not b:
        return 0.0
    union_bottom = sorted(set(a) | set(b))[:SKETCH_SIZE]
    both = set(a) & set(b)
    return sum(1 for h in union_bottom if h in both) / len(union_bottom)


def encode_sketch(values: Iterable[int]) -> str:
    return ",".join(format(v, "x") for v in values)


def decode_sketch(text: str) -> tuple[int, ...]:
    return tuple(int(v, 16) for v in text.split(",") if v)


@dataclass(frozen=True)
class Candidate:
    """An existing incident a new sighting might belong to."""

    id: int
    story_key: str
    sketch: tuple[int, ...]


def same_story(
    story_key: str, new_sketch: Sequence[int], candidates: Iterable[Candidate]
) -> int | None:
    """The incident this sighting continues: the same story key, else the most similar text."""
    best, best_score = None, SAME_STORY
    for candidate in candidates:
        if candidate.story_key == story_key:
            return candidate.id
        score = similarity(new_sketch, candidate.sketch)
        if score >= best_score:
            best, best_score = candidate.id, score
    return best


def window_for(kind: str) -> timedelta:
    return TAKEOVER_WINDOW if kind == "account_takeover" else STORY_WINDOW


@dataclass(frozen=True)
class SeverityInputs:
    kind: str
    base: str
    distinct_sources: int
    signals: frozenset[str]


def decide_severity(inputs: SeverityInputs) -> str:
    """Severity from the kind and classifier, raised as the story spreads.

    Neutral mentions stay `info`. Intimate images, canary hits and government-backed attack
    warnings are critical on first sight. Otherwise each spread step (3, then 10 distinct
    sources) raises the severity one level.
    """
    if inputs.kind in QUIET_KINDS:
        return "info"
    if inputs.signals & {"intimate_image", "canary_hit", "government_attack"}:
        return "critical"
    steps = sum(1 for threshold in SPREAD_STEPS if inputs.distinct_sources >= threshold)
    return raise_by(inputs.base, steps)


def alert_reason(kind: str, severity: str, alerted: str | None) -> str | None:
    """`new` for a first alert, `escalated` when severity rose above what was alerted."""
    if kind in QUIET_KINDS:
        return None
    if alerted is None:
        return "new"
    if rank(severity) > rank(alerted):
        return "escalated"
    return None


def merge_signals(existing: str, new: Iterable[str]) -> str:
    merged = [s for s in existing.split(",") if s]
    merged += [s for s in new if s and s not in merged]
    return ",".join(merged)
