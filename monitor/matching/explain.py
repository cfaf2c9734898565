"""Human-readable reasons for a mention, for `monitor match` and for trainers tuning things."""

from __future__ import annotations

from collections.abc import Mapping

from monitor.matching.classifier import Mention

_HOW = {
    "name": "name",
    "nickname": "nickname",
    "handle": "handle",
    "email": "e-mail address",
    "phone": "phone number",
    "profile_url": "profile URL",
    "domain": "organisation domain",
}
_STANDING = {"alone": "the only person found", "minor": "named less often than another person"}
_PART = {"surname": " (surname alone, supporting)", "given": " (given name alone, supporting)"}


def explain(mention: Mention, text: str) -> list[str]:
    """One line per reason: what matched and how, the decision, then each cue that counted."""
    lines = [
        f"activist {mention.activist_id}: {mention.kind} "
        f"(score {mention.score:.2f}, severity {mention.severity})"
    ]
    for hit in mention.hits:
        note = f" ({hit.note})" if hit.note else ""
        lines.append(f"  matched {hit.matched!r} as {_HOW[hit.how]}{note}{_PART.get(hit.part, '')}")
    for cue in mention.cues:
        away = "next to the name" if cue.distance == 0 else f"{cue.distance} words away"
        lines.append(
            f"  cue {text[cue.start : cue.end]!r} ({cue.term}, {cue.lang}) → {cue.kind}, "
            f"weight {cue.weight:.2f}, {away}, counts {cue.contribution:.2f}"
        )
    if mention.context:
        lines.append(
            f"  independent-reporting context {mention.context:.2f} damps smear and threat"
        )
    if mention.reasons:
        pushes = ", ".join(f"{_reason(name)} +{push:.2f}" for name, push in mention.reasons)
        lines.append(f"  the kind model chose {mention.kind} mostly for: {pushes}")
    lines.append("  scores: " + _ranked(mention.scores))
    if mention.cue_scores and mention.cue_scores != mention.scores:
        lines.append("  cue scores: " + _ranked(mention.cue_scores))
    return lines


def _ranked(scores: Mapping[str, float]) -> str:
    return ", ".join(f"{k} {v:.2f}" for k, v in sorted(scores.items(), key=lambda kv: -kv[1]))


def _reason(feature: str) -> str:
    """A model feature in words: "cues:smear" is the smear cue score ("cues:mention", one less
    the strongest harmful one), "word:agento" the words beginning agento near the person,
    "found:phone" that the person was found by phone, "people:minor" their standing among the
    people found in the text."""
    family, _, value = feature.partition(":")
    if family == "word":
        return f"words {value}…"
    if family == "found":
        return f"found by {_HOW.get(value, value)}"
    if family == "people":
        return _STANDING.get(value, value)
    if value == "mention":
        return "no harmful cues"
    return "reporting context" if value == "report" else f"{value} cues"
