"""Hostile text: a registered person named in every sentence, at growing sizes.

Usage: python bench/bench_hostile.py [--sizes 0.25,1,4] [--runs 3]

A page that names one registered person thousands of times (a spam page, a campaign against
them, a long archive page) must cost what any text of its size costs, not the square of it:
every step of `analyse` that compares each of a person's hits with each other one turns a
5 MB page into minutes (2026-11-24: a repeated threat took 48 s at 1.6 MB before the lexicon's
token count and the classifier's term nesting became single passes). For each kind of
sentence and size this prints the median throughput of `analyse` (MB of UTF-8 per CPU second)
on the hostile text and, as the baseline in the same run, on the same sentences with the
name replaced by one nobody registered, and their ratio. Linear cost shows as a throughput
that does not fall with size.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time

from monitor.matching import Matcher, Registration, analyse

PEOPLE = [
    Registration(
        1,
        ("Leyla Kərimova", "Лейла Керимова"),
        handles=(("telegram", "leyla_k"),),
        emails=("leyla@mail.example",),
        phones=("+994501234567",),
        nicknames=("Qaranquş",),
    ),
    Registration(2, ("Orxan Həsənov",)),
]
# Sentences naming the person, each with a stand-in for the name nobody registered.
SENTENCES = {
    "az threat": ("Leyla Kərimova, səni tapacağıq, evin bəllidir: Nizami küçəsi 5. ", "Leyla"),
    "ru cases": ("Лейлу Керимову вызвали. Керимовой угрожают, её адрес известен. ", "Лейлу"),
    "en smear": ("Leyla Kerimova is a traitor and a liar. @leyla_k_official ", "Leyla"),
    "identifiers": ("Qaranquş: leyla@mail.example, +994 50 123 45 67, Orxan Həsənov. ", "Qaranquş"),
}
STAND_INS = {"Leyla": "Nərmin", "Лейлу": "Нину", "Qaranquş": "Bayquş"}


def unregistered(sentence: str, word: str) -> str:
    """The sentence with the person's name and identifiers swapped for nobody's."""
    out = sentence.replace(word, STAND_INS[word]).replace("Kərimova", "Əliyeva")
    out = out.replace("Керимов", "Алиев").replace("Kerimova", "Aliyeva")
    out = out.replace("Həsənov", "Quliyev")
    return out.replace("leyla", "nermin").replace("123 45 67", "765 43 21")


def throughput(matcher: Matcher, text: str, runs: int) -> float:
    """Median MB per CPU second of `analyse` over `runs` calls."""
    times = []
    for _ in range(runs):
        start = time.process_time()
        analyse(matcher, text)
        times.append(time.process_time() - start)
    return len(text.encode()) / statistics.median(times) / 1e6


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="0.25,1,4", help="MB of text per measurement")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    matcher = Matcher.build(PEOPLE)
    rows = []
    print(f"{'sentences':<12} {'MB':>5} {'hostile MB/s':>13} {'baseline MB/s':>14} {'ratio':>6}")
    for kind, (sentence, word) in SENTENCES.items():
        for mb in (float(s) for s in args.sizes.split(",")):
            repeat = max(1, int(mb * 1e6 / len(sentence.encode())))
            hostile = throughput(matcher, sentence * repeat, args.runs)
            plain = throughput(matcher, unregistered(sentence, word) * repeat, args.runs)
            rows.append({"sentences": kind, "mb": mb, "hostile_mb_s": round(hostile, 2),
                         "baseline_mb_s": round(plain, 2)})  # fmt: skip
            print(f"{kind:<12} {mb:>5} {hostile:>13.2f} {plain:>14.2f} {hostile / plain:>6.2f}")
    print(json.dumps(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
