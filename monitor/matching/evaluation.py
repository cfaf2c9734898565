"""Scoring matching and classification against a labelled mentions corpus.

A corpus folder holds registry.json, labels.jsonl and feeds/*.xml in the format of
../shared/corpus/mentions-dev. Each feed item is read the way the feed collector reads it
(title, then the entry's text) and runs through the matcher and the classifier: `examples`
keeps each mention's evidence with its label, so that `predictions` can decide them with the
shipped kind model, another model (training's cross-validation) or the cues alone. The
predictions are compared with the labels: per-kind precision and recall, attribution (who,
kind ignored) precision/recall/F1, harmful-kind precision/recall (kinds other than `mention`;
an `also` kind counts as correct), and false alarms (harmful kinds on items that name nobody).

`bench/eval_corpus.py` prints these figures; the tests hold the corpora to the issue's targets,
and the end-to-end test scores a collected incident log with `evaluate` too.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import feedparser

from collectors.feed import entry_data
from monitor.matching import Matcher, Registration, by_person
from monitor.matching.classifier import HARMFUL, KINDS, Evidence, decide, gather_all
from monitor.matching.model import KindModel, default_model


@dataclass
class Corpus:
    """Registrations, item texts by link, and expected (activist key → kinds) per link."""

    registrations: list[Registration]
    keys: dict[int, str]
    texts: dict[str, str]
    labels: dict[str, dict[str, set[str]]]
    primary: dict[str, dict[str, str]] = field(default_factory=dict)


def load(folder: Path) -> Corpus:
    """Read a corpus folder into registrations, item texts and labels."""
    registry = json.loads((folder / "registry.json").read_text(encoding="utf-8"))
    registrations, keys = [], {}
    for i, entry in enumerate(registry, 1):
        keys[i] = entry["key"]
        registrations.append(
            Registration(
                activist_id=i,
                names=(entry["name"], *entry.get("aliases", ())),
                nicknames=tuple(entry.get("nicknames", ())),
                handles=tuple(tuple(h.split(":", 1)) for h in entry.get("handles", ())),
                emails=tuple(entry.get("emails", ())),
                phones=tuple(entry.get("phones", ())),
                domains=tuple(entry.get("domains", ())),
            )
        )
    texts = {}
    for feed in sorted((folder / "feeds").glob("*.xml")):
        for raw in feedparser.parse(feed.read_bytes()).entries:
            entry = entry_data(raw, "")
            texts[raw.link] = f"{entry.title}\n{entry.text}" if entry.title else entry.text
    labels: dict[str, dict[str, set[str]]] = {}
    primary: dict[str, dict[str, str]] = {}
    for line in (folder / "labels.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            labels[row["link"]] = {
                e["activist"]: {e["kind"], *e.get("also", ())} for e in row["expect"]
            }
            primary[row["link"]] = {e["activist"]: e["kind"] for e in row["expect"]}
    return Corpus(registrations, keys, texts, labels, primary)


def predict(corpus: Corpus) -> dict[str, dict[str, str]]:
    """link → {activist key: predicted kind}, decided by the shipped kind model."""
    return predictions(examples(corpus), default_model())


@dataclass(frozen=True)
class Example:
    """One mention in one labelled item: what the model reads, and what it should say."""

    link: str
    key: str
    evidence: Evidence
    kind: str | None  # the labelled kind, None if the person is not labelled in this item


def examples(corpus: Corpus) -> list[Example]:
    """Every mention the matcher finds in the corpus, with its label."""
    matcher = Matcher.build(corpus.registrations)
    out = []
    for link, text in corpus.texts.items():
        hits = matcher.find(text)
        for evidence in gather_all(text, by_person(hits)) if hits else ():
            key = corpus.keys[evidence.hits[0].activist_id]
            out.append(Example(link, key, evidence, corpus.primary.get(link, {}).get(key)))
    return out


def predictions(found: Iterable[Example], model: KindModel | None) -> dict[str, dict[str, str]]:
    """link → {activist key: kind}, as `evaluation.evaluate` takes them."""
    out: dict[str, dict[str, str]] = {}
    for example in found:
        out.setdefault(example.link, {})[example.key] = decide(example.evidence, model).kind
    return out


def _ratio(a: int, b: int) -> float:
    return a / b if b else 1.0


def evaluate(corpus: Corpus, predicted: dict[str, dict[str, str]]) -> dict[str, Any]:
    """All figures as a JSON-ready dict."""
    counts: Counter[str] = Counter()
    per_kind: dict[str, Counter[str]] = {k: Counter() for k in KINDS}
    errors = []
    for link, expected in corpus.labels.items():
        got = predicted.get(link, {})
        primary = corpus.primary[link]
        for key, kind in got.items():
            allowed = expected.get(key)
            counts["attr_pred"] += 1
            counts["attr_tp"] += allowed is not None
            per_kind[kind]["pred"] += 1
            per_kind[kind]["pred_ok"] += allowed is not None and kind in allowed
            if kind in HARMFUL:
                counts["harm_pred"] += 1
                counts["harm_tp"] += allowed is not None and kind in allowed
                counts["false_alarms"] += not expected
            if allowed is None or kind not in allowed:
                errors.append(
                    {"link": link, "activist": key, "got": kind, "want": primary.get(key)}
                )
        for key, kind in primary.items():
            counts["attr_gold"] += 1
            per_kind[kind]["gold"] += 1
            hit = key in got and got[key] in expected[key]
            per_kind[kind]["gold_ok"] += hit
            if kind in HARMFUL:
                counts["harm_gold"] += 1
                counts["harm_found"] += hit
            if key not in got:
                errors.append({"link": link, "activist": key, "got": None, "want": kind})
    precision = _ratio(counts["attr_tp"], counts["attr_pred"])
    recall = _ratio(counts["attr_tp"], counts["attr_gold"])
    return {
        "items": len(corpus.texts),
        "per_kind": {
            k: {
                "precision": round(_ratio(c["pred_ok"], c["pred"]), 3),
                "recall": round(_ratio(c["gold_ok"], c["gold"]), 3),
                "predicted": c["pred"],
                "labelled": c["gold"],
            }
            for k, c in per_kind.items()
        },
        "attribution": {
            "precision": round(precision, 3),
            "recall": round(recall, 3),
            "f1": round(2 * precision * recall / (precision + recall or 1), 3),
        },
        "harmful": {
            "precision": round(_ratio(counts["harm_tp"], counts["harm_pred"]), 3),
            "recall": round(_ratio(counts["harm_found"], counts["harm_gold"]), 3),
        },
        "false_alarms": counts["false_alarms"],
        "errors": errors,
    }


def report(result: dict[str, Any]) -> str:
    """The figures as a small text table."""
    lines = [f"{'kind':<14}{'precision':>10}{'recall':>8}{'pred':>6}{'gold':>6}"]
    for kind, row in result["per_kind"].items():
        lines.append(
            f"{kind:<14}{row['precision']:>10.3f}{row['recall']:>8.3f}"
            f"{row['predicted']:>6}{row['labelled']:>6}"
        )
    a, h = result["attribution"], result["harmful"]
    lines.append(
        f"attribution   precision {a['precision']:.3f} recall {a['recall']:.3f} F1 {a['f1']:.3f}"
    )
    lines.append(f"harmful kinds precision {h['precision']:.3f} recall {h['recall']:.3f}")
    lines.append(f"false alarms  {result['false_alarms']} on items naming nobody")
    for e in result["errors"]:
        lines.append(f"  miss: {e['link']} {e['activist']}: got {e['got']}, want {e['want']}")
    return "\n".join(lines)
