"""Match throughput of the PDQ hash index against a linear scan, with 100,000 registered hashes.

Usage: python bench/bench_images.py [--size 100000] [--queries 2000] [--runs 5] [--seed 7]
                                    [--threshold 31]

Registers `size` random 256-bit hashes (spread over 1,000 activists) in a `HashIndex` and
times, in the same run and on the same queries:

* `index`: `HashIndex.matches` (multi-index hashing: 16 tables of 16-bit chunks);
* `linear`: `monitor.images.linear_matches`, the pure-Python scan the index must agree with;
* `numpy`: a vectorised scan (XOR and popcount over a (size, 4) uint64 array), the fastest
  linear scan at hand, so the index is not only compared with a slow baseline.

Half the queries are registered hashes with 0-`threshold` bits flipped (each must be found),
half are unrelated random hashes. Throughput is queries per second on one core, the median of
`runs` runs. Prints a table, the ratios, then the figures as JSON.

Random hashes are the easy case for the chunk tables (buckets of ~1.5 hashes); real PDQ
hashes cluster somewhat, which makes buckets fuller, but the cost still depends on how many
registered hashes share a near-identical chunk with the query, not on how many there are.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time
from collections.abc import Callable

import numpy as np

from monitor.images import HASH_BYTES, Entry, HashIndex, linear_matches, to_bytes


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=2_000)
    parser.add_argument("--linear-queries", type=int, default=100)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--threshold", type=int, default=31)
    return parser.parse_args()


def registered(size: int, rng: random.Random) -> list[Entry]:
    return [Entry(i % 1000, i, rng.getrandbits(256)) for i in range(size)]


def queries(entries: list[Entry], count: int, threshold: int, rng: random.Random) -> list[int]:
    result = []
    for number in range(count):
        if number % 2:
            result.append(rng.getrandbits(256))
            continue
        bits = rng.choice(entries).bits
        for position in rng.sample(range(256), rng.randint(0, threshold)):
            bits ^= 1 << position
        result.append(bits)
    return result


class NumpyScan:
    """All registered hashes as a (size, 4) uint64 array: one XOR and popcount per query."""

    def __init__(self, entries: list[Entry]) -> None:
        raw = b"".join(to_bytes(e.bits) for e in entries)
        words = np.frombuffer(raw, dtype=">u8").astype(np.uint64)
        self.words = words.reshape(len(entries), HASH_BYTES // 8)
        self.ids = np.array([e.hash_id for e in entries])

    def matches(self, query: int, threshold: int) -> list[int]:
        words = np.frombuffer(to_bytes(query), dtype=">u8").astype(np.uint64)
        gaps = np.bitwise_count(self.words ^ words).sum(axis=1)
        return self.ids[gaps <= threshold].tolist()


def throughput(run: Callable[[int], object], batch: list[int], runs: int) -> float:
    rates = []
    for _ in range(runs):
        start = time.perf_counter()
        for query in batch:
            run(query)
        rates.append(len(batch) / (time.perf_counter() - start))
    return statistics.median(rates)


def main() -> None:
    args = parse_args()
    rng = random.Random(args.seed)
    entries = registered(args.size, rng)
    batch = queries(entries, args.queries, args.threshold, rng)
    start = time.perf_counter()
    index = HashIndex(entries)
    build_seconds = time.perf_counter() - start
    scan = NumpyScan(entries)
    small = batch[: args.linear_queries]
    for query in small:  # the three must agree before their speed means anything
        expected = linear_matches(entries, query, args.threshold)
        assert index.matches(query, args.threshold) == expected
        assert sorted(scan.matches(query, args.threshold)) == sorted(m.hash_id for m in expected)
    found = sum(bool(index.matches(q, args.threshold)) for q in batch)
    rates = {
        "index": throughput(lambda q: index.matches(q, args.threshold), batch, args.runs),
        "linear": throughput(
            lambda q: linear_matches(entries, q, args.threshold), small, args.runs
        ),
        "numpy": throughput(lambda q: scan.matches(q, args.threshold), small, args.runs),
    }
    print(
        f"{args.size} registered hashes, threshold {args.threshold}, {found}/{len(batch)} "
        f"queries matched, index built in {build_seconds:.2f} s"
    )
    print(f"{'method':8} {'queries/s':>12} {'index is x faster':>18}")
    for name, rate in rates.items():
        print(f"{name:8} {rate:12.0f} {rates['index'] / rate:18.1f}")
    figures = {
        "size": args.size,
        "threshold": args.threshold,
        "queries": len(batch),
        "queries_matched": found,
        "runs": args.runs,
        "build_seconds": round(build_seconds, 3),
        "queries_per_second": {name: round(rate, 1) for name, rate in rates.items()},
        "index_vs_linear": round(rates["index"] / rates["linear"], 1),
        "index_vs_numpy": round(rates["index"] / rates["numpy"], 1),
    }
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
