"""Human-readable reasons for a mention, for `monitor match` and for trainers tuning things."""

from __future__ import annotations

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
    ranked = sorted(mention.scores.items(), key=lambda kv: -kv[1])
    lines.append("  scores: " + ", ".join(f"{k} {v:.2f}" for k, v in ranked))
    return lines
