"""Train the kind model on the labelled corpora in tests/data and write monitor/matching/model.json.

Usage:
  python scripts/train_model.py                    # train on training.TRAINED_ON, write model.json
  python scripts/train_model.py --cross-validate   # hold each training corpus out in turn
  python scripts/train_model.py --held-out DIR...  # train, then score corpora not trained on

The figures are harmful-kind precision / recall (an `also` kind counts) and attribution F1, with
the cue lexicons alone ("rules") and with the model. Needs scikit-learn (the test extras).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from monitor.matching import evaluation, training
from monitor.matching.model import KindModel

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
MODEL = ROOT / "monitor" / "matching" / "model.json"


def _row(name: str, figures: dict) -> str:
    cells = []
    for how in ("rules", "model"):
        result = figures[how]
        harm = result["harmful"]
        cells.append(f"{harm['precision']:>6.3f} {harm['recall']:>6.3f}")
    f1 = figures["model"]["attribution"]["f1"]
    return f"{name:<16}{cells[0]:>16}{cells[1]:>16}{f1:>8.3f}"


def _table(results: dict[str, dict]) -> None:
    print(f"{'corpus':<16}{'rules P / R':>16}{'model P / R':>16}{'attr F1':>8}")
    for name, figures in results.items():
        print(_row(name, figures))


def _dump(document: dict) -> str:
    """JSON with one feature per line, so that a retrained model reads as a diff."""
    head = {k: v for k, v in sorted(document.items()) if k != "weights"}
    lines = [json.dumps(head, ensure_ascii=False)[:-1] + ', "weights": {']
    rows = sorted(document["weights"].items())
    lines += [
        f"{json.dumps(name, ensure_ascii=False)}: {json.dumps(row)}"
        + ("," if i < len(rows) - 1 else "")
        for i, (name, row) in enumerate(rows)
    ]
    return "\n".join([*lines, "}}"]) + "\n"


def _held_out(folders: list[Path], model: KindModel) -> dict[str, dict]:
    trained = {(DATA / name).resolve() for name in training.TRAINED_ON}
    results = {}
    for folder in folders:
        if folder.resolve() in trained:
            raise SystemExit(f"{folder} is in training.TRAINED_ON: it is not held out")
        corpus = evaluation.load(folder)
        results[folder.name] = training.compare(corpus, evaluation.examples(corpus), model)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--cross-validate", action="store_true")
    mode.add_argument("--held-out", nargs="+", type=Path, default=[])
    args = parser.parse_args()
    corpora = {name: evaluation.load(DATA / name) for name in training.TRAINED_ON}
    found = {name: evaluation.examples(corpus) for name, corpus in corpora.items()}
    if args.cross_validate:
        _table(training.cross_validate(corpora, found))
        return
    document = training.fit(e for rows in found.values() for e in rows)
    document["trained_on"] = list(training.TRAINED_ON)
    if args.held_out:
        _table(_held_out(args.held_out, KindModel.from_json(document)))
        return
    MODEL.write_text(_dump(document), encoding="utf-8")
    print(
        f"wrote {MODEL.relative_to(ROOT)}: {len(document['weights'])} features, "
        f"{document['examples']} examples"
    )


if __name__ == "__main__":
    main()
