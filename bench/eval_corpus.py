"""Evaluate matching and classification against a labelled mentions corpus.

Usage: python bench/eval_corpus.py [CORPUS_DIR] [--json]

CORPUS_DIR holds registry.json, labels.jsonl and feeds/*.xml in the format of
../shared/corpus/mentions-dev (the default). Each feed item's text is its title and its
description with HTML stripped; `monitor.matching.analyse` runs on it and its mentions are
compared with the labels. Printed: per-kind precision and recall, attribution (who, kind
ignored) precision/recall/F1, harmful-kind precision/recall (kinds other than `mention`; an
`also` kind counts as correct), and false alarms (harmful kinds on items that name nobody).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import feedparser
from selectolax.lexbor import LexborHTMLParser

from monitor.matching import Matcher, Registration, analyse

DEFAULT_CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "mentions-dev"
HARMFUL = ("smear", "leak", "doxxing", "threat", "impersonation", "phishing")
KINDS = (*HARMFUL, "mention")
_BLOCK_END = re.compile(r"(?i)<br\s*/?>|</(?:p|div|li|h\d|blockquote|tr)\s*>")


@dataclass
class Corpus:
    """Registrations, item texts by link, and expected (activist key → kinds) per link."""

    registrations: list[Registration]
    keys: dict[int, str]
    texts: dict[str, str]
    labels: dict[str, dict[str, set[str]]]
    primary: dict[str, dict[str, str]] = field(default_factory=dict)


def html_text(html: str) -> str:
    """Text of an HTML fragment, one line per block, inline markup dropped."""
    if "<" not in html and "&" not in html:
        return html
    return LexborHTMLParser(_BLOCK_END.sub("\n", html)).text(separator="").strip()


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
        for item in feedparser.parse(feed.read_bytes()).entries:
            texts[item.link] = item.get("title", "") + "\n" + html_text(item.get("description", ""))
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
    """link → {activist key: predicted kind}."""
    matcher = Matcher.build(corpus.registrations)
    return {
        link: {corpus.keys[m.activist_id]: m.kind for m in analyse(matcher, text)}
        for link, text in corpus.texts.items()
    }


def _ratio(a: int, b: int) -> float:
    return a / b if b else 1.0


def evaluate(corpus: Corpus, predicted: dict[str, dict[str, str]]) -> dict:
    """All figures as a JSON-ready dict."""
    counts: Counter[str] = Counter()
    per_kind = {k: Counter() for k in KINDS}
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


def report(result: dict) -> str:
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--json", action="store_true", help="print JSON only")
    args = parser.parse_args(argv)
    if not (args.corpus / "registry.json").is_file():
        print(
            f"no corpus at {args.corpus}: give the folder that holds registry.json", file=sys.stderr
        )
        return 2
    corpus = load(args.corpus)
    result = evaluate(corpus, predict(corpus))
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        print(report(result))
        print(json.dumps({k: v for k, v in result.items() if k != "errors"}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
