"""The labelled mentions corpus for the end-to-end test: registering its people through the
CLI, and turning the collected incident log into predictions that `monitor.matching.evaluation`
scores like the classifier's own (an incident counts for an item when its activist is the
labelled one and the item's link is among its URLs)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests import DATA

CORPUS = DATA / "mentions-dev"


def registry(root: Path = CORPUS) -> list[dict[str, Any]]:
    return list(json.loads((root / "registry.json").read_text(encoding="utf-8")))


def add_args(person: dict[str, Any]) -> list[str]:
    """`monitor activist add` arguments for a registry entry."""
    args = [person["name"], "--lang", person["lang"]]
    for option, key in (
        ("--alias", "aliases"),
        ("--handle", "handles"),
        ("--email", "emails"),
        ("--phone", "phones"),
    ):
        for value in person.get(key, []):
            args += [option, value]
    return args


def predicted(incidents: list[dict[str, Any]], ids: dict[str, int]) -> dict[str, dict[str, str]]:
    """An incident log (`monitor incidents --json`) as `evaluation.evaluate` takes predictions:
    link → {activist key: kind}, one entry per URL an incident was sighted at."""
    key_of = {activist_id: key for key, activist_id in ids.items()}
    found: dict[str, dict[str, str]] = {}
    for incident in incidents:
        for url in incident["urls"]:
            found.setdefault(url, {})[key_of[incident["activist_id"]]] = incident["kind"]
    return found
