"""Distance distributions behind the PDQ match threshold, on generated photo-like images.

Usage: python bench/image_distances.py [--photos 12] [--strangers 30]

For each kind of repost (tests/monitor/test_images.py: REPOSTS must match, LIMITS are measured
but not promised) and for pairs of unrelated photos of similar composition, prints the
min / median / max Hamming distance between the registered photo and the image met:

* `plain`: PDQ of the original against PDQ of the repost, as any PDQ tool compares them;
* `monitor`: what the service compares: the registered photo and its edits (crops, small
  turns) against the repost's dihedral forms and caption-bar trims (the smallest distance).

Then the same figures as JSON. Run from the repository root (it imports the test generators).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from monitor.images import DEFAULT_THRESHOLD, distance
from tests.monitor.test_images import (
    LIMITS,
    REPOSTS,
    original,
    photo_distance,
    registered,
    repost,
    seen,
)


def summary(values: list[int]) -> dict[str, float]:
    return {"min": min(values), "median": statistics.median(values), "max": max(values)}


def row(pairs: list[tuple[int, bytes]]) -> dict[str, dict[str, float]]:
    """`pairs`: (registered seed, bytes met) for every comparison of one row."""
    return {
        "plain": summary([distance(registered(s).bits, seen(data).bits) for s, data in pairs]),
        "monitor": summary([photo_distance(registered(s), data) for s, data in pairs]),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=int, default=12)
    parser.add_argument("--strangers", type=int, default=30)
    args = parser.parse_args()
    photos = range(args.photos)
    strangers = range(1000, 1000 + args.strangers)
    table: dict[str, dict[str, dict[str, float]]] = {}
    for name in [*REPOSTS, *LIMITS]:
        label = name if name in REPOSTS else f"(limit) {name}"
        table[label] = row([(s, repost(name, s)) for s in photos])
    table["unrelated, similar composition"] = row(
        [(s, original(other)) for s in photos for other in strangers]
    )
    print(f"threshold {DEFAULT_THRESHOLD}; {args.photos} photos, {args.strangers} strangers")
    print(f"{'':48} {'plain PDQ':>18} {'monitor':>18}")
    print(f"{'':48} {'min  med  max':>18} {'min  med  max':>18}")
    for label, figures in table.items():
        cells = [
            f"{f['min']:>4.0f} {f['median']:>4.0f} {f['max']:>4.0f}"
            for f in (figures["plain"], figures["monitor"])
        ]
        print(f"{label:48} {cells[0]:>18} {cells[1]:>18}")
    print(json.dumps({"threshold": DEFAULT_THRESHOLD, "distances": table}, indent=2))


if __name__ == "__main__":
    main()
