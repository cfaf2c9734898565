"""The labelled mentions corpus, and scoring an incident log against its labels.

Shared by the end-to-end test and `bench/eval_corpus.py`-style checks: an incident counts for
an item when its activist is the labelled one and the item's link is among its URLs.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests import DATA

CORPUS = DATA / "mentions-dev"


def registry(root: Path = CORPUS) -> list[dict[str, Any]]:
    return list(json.loads((root / "registry.json").read_text(encoding="utf-8")))


def labels(root: Path = CORPUS) -> list[dict[str, Any]]:
    lines = (root / "labels.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


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


@dataclass
class Score:
    attribution_precision: float
    attribution_recall: float
    harmful_precision: float
    harmful_recall: float
    false_alarms: int
    per_kind: dict[str, tuple[float, float]] = field(default_factory=dict)

    @property
    def attribution_f1(self) -> float:
        p, r = self.attribution_precision, self.attribution_recall
        return 2 * p * r / (p + r) if p + r else 0.0


def score(
    incidents: list[dict[str, Any]], ids: dict[str, int], gold: list[dict[str, Any]]
) -> Score:
    key_of = {v: k for k, v in ids.items()}
    predicted: dict[tuple[str, str], dict[str, Any]] = {}
    for incident in incidents:
        for url in incident["urls"]:
            predicted[(url, key_of[incident["activist_id"]])] = incident
    expected = {(g["link"], e["activist"]): e for g in gold for e in g["expect"]}
    empty_links = {g["link"] for g in gold if not g["expect"]}

    def accepted(pair: tuple[str, str]) -> set[str]:
        entry = expected[pair]
        return {entry["kind"], *entry.get("also", [])}

    hits = predicted.keys() & expected.keys()
    harmful_pred = {p for p, i in predicted.items() if i["kind"] != "mention"}
    harmful_gold = {p for p, e in expected.items() if e["kind"] != "mention"}
    right = {p for p in hits if predicted[p]["kind"] in accepted(p)}
    return Score(
        attribution_precision=len(hits) / max(1, len(predicted)),
        attribution_recall=len(hits) / max(1, len(expected)),
        harmful_precision=len(harmful_pred & right) / max(1, len(harmful_pred)),
        harmful_recall=len(harmful_gold & right) / max(1, len(harmful_gold)),
        false_alarms=sum(
            1
            for (link, _), i in predicted.items()
            if link in empty_links and i["severity"] not in ("info", "low")
        ),
        per_kind=_per_kind(predicted, expected, right),
    )


def _per_kind(
    predicted: dict[tuple[str, str], dict[str, Any]],
    expected: dict[tuple[str, str], dict[str, Any]],
    right: set[tuple[str, str]],
) -> dict[str, tuple[float, float]]:
    pred_counts = Counter(i["kind"] for i in predicted.values())
    gold_counts = Counter(e["kind"] for e in expected.values())
    correct = Counter(predicted[p]["kind"] for p in right)
    kinds = sorted(pred_counts.keys() | gold_counts.keys())
    return {
        k: (correct[k] / max(1, pred_counts[k]), correct[k] / max(1, gold_counts[k])) for k in kinds
    }
