"""Evaluate matching and classification against a labelled mentions corpus.

Usage: python bench/eval_corpus.py [CORPUS_DIR] [--json]

CORPUS_DIR holds registry.json, labels.jsonl and feeds/*.xml in the format of
../shared/corpus/mentions-dev (the default). The figures and how they are computed are
`monitor.matching.evaluation`'s; this prints them.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from monitor.matching.evaluation import evaluate, load, predict, report

DEFAULT_CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "mentions-dev"


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
