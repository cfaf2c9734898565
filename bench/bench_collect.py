"""Collection throughput: N feeds of M entries from a local server, first cycle and 304 cycle.

Runs the real service path (scheduler → feed collector → pipeline → SQLite) against a feed
server in a separate process, on a fresh database per run, and reports the median feeds per
second of a first cycle (every entry new: matched, some producing incidents with captures)
and of a second cycle (every feed answers 304), plus the process's peak memory. The baseline
in the same run is a bare aiohttp loop fetching the same feeds with the same concurrency and
doing nothing else: the distance to it is what matching, evidence and storage cost.

    .venv/bin/python bench/bench_collect.py            # 2,000 feeds x 20 entries, 3 runs
    .venv/bin/python bench/bench_collect.py --feeds 200 --runs 1
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import multiprocessing
import random
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

import aiohttp
from aiohttp import web

from monitor import config as config_module
from monitor import service
from monitor.activists import RegistrationInput, validate
from monitor.storage import activists as activist_store
from monitor.storage import sources as source_store
from monitor.store import initialise

GIVEN = [
    "Aysel", "Leyla", "Nigar", "Sevinc", "Gunel", "Rena", "Samira", "Lala", "Turkan", "Ulviyya",
    "Narmin", "Konul", "Gulnara", "Aytan", "Fidan", "Khayala", "Shabnam", "Gunay", "Sabina", "Jala",
]  # fmt: skip
SURNAMES = [
    "Aliyeva", "Mammadova", "Hasanova", "Huseynova", "Guliyeva", "Ismayilova", "Karimova",
    "Abbasova", "Rustamova", "Safarova", "Jafarova", "Bagirova",
]  # fmt: skip
FILLER = (
    "The city council discussed the budget on Tuesday. Rain is expected in the evening. "
    "Prices of bread rose slightly, traders said. The football club signed a new coach. "
)
SMEAR = "{name} is a traitor and a foreign agent who lives on grants, the channel claims. "


def people(count: int) -> list[str]:
    """`count` distinct invented full names (given name x surname, seeded)."""
    pairs = [f"{given} {surname}" for given in GIVEN for surname in SURNAMES]
    random.Random(7).shuffle(pairs)
    return sorted(pairs[:count])


def feed_body(index: int, entries: int, names: list[str]) -> bytes:
    rng = random.Random(index)
    items = []
    for n in range(entries):
        text = FILLER * rng.randint(2, 5)
        if rng.random() < 0.05:
            text = SMEAR.format(name=rng.choice(names)) + text
        items.append(
            f"<item><title>Item {index}-{n}</title><link>https://news{index}.example/{n}</link>"
            f"<guid>{index}-{n}</guid><description>{text}</description></item>"
        )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>F{index}</title>'
        + "".join(items)
        + "</channel></rss>"
    ).encode()


def serve(port: int, entries: int, names: list[str], ready: multiprocessing.Event) -> None:  # type: ignore[valid-type]
    cache: dict[int, tuple[bytes, str]] = {}

    async def handler(request: web.Request) -> web.Response:
        index = int(request.match_info["n"])
        if index not in cache:
            body = feed_body(index, entries, names)
            cache[index] = (body, '"' + hashlib.sha256(body).hexdigest()[:16] + '"')
        body, etag = cache[index]
        if request.headers.get("If-None-Match") == etag:
            return web.Response(status=304, headers={"ETag": etag})
        return web.Response(body=body, content_type="application/rss+xml", headers={"ETag": etag})

    app = web.Application()
    app.router.add_get("/feed/{n}.xml", handler)
    ready.set()
    web.run_app(app, host="127.0.0.1", port=port, access_log=None, print=None)


async def baseline(port: int, feeds: int, concurrency: int) -> float:
    """Seconds for a bare aiohttp loop to fetch every feed once (no parsing, no storage)."""
    limit = asyncio.Semaphore(concurrency)
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def one(n: int) -> None:
            async with limit, session.get(f"http://127.0.0.1:{port}/feed/{n}.xml") as response:
                await response.read()

        started = time.perf_counter()
        await asyncio.gather(*(one(n) for n in range(feeds)))
        return time.perf_counter() - started


def prepare(folder: Path, port: int, feeds: int, names: list[str], concurrency: int):  # type: ignore[no-untyped-def]
    settings = config_module.load(
        overrides={
            "db": str(folder / "bench.db"),
            "config_dir": str(folder / "config"),
            "allow_private_addresses": True,
            "http_per_host": concurrency,
            "collect_concurrency": concurrency,
            "log_level": "WARNING",
        }
    )
    store, _ = initialise(settings)
    for name in names:
        activist_store.add(store, validate(RegistrationInput(name=name)))
    for n in range(feeds):
        url = f"http://127.0.0.1:{port}/feed/{n}.xml"
        source_store.add(store, source_store.NewSource("feed", url, 600))
    return store


def one_run(port: int, feeds: int, names: list[str], concurrency: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder:
        store = prepare(Path(folder), port, feeds, names, concurrency)
        timings = {}
        for label in ("first", "second"):
            started = time.perf_counter()
            report = asyncio.run(service.collect(store, once=True, every_source=True))
            elapsed = time.perf_counter() - started
            assert report.failed == 0, report.errors
            if label == "second":
                assert report.not_modified == feeds, report.to_dict()
            timings[label] = feeds / elapsed
            timings[f"{label}_sightings"] = report.passes.sightings
        store.close()
        return timings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--feeds", type=int, default=2000)
    parser.add_argument("--entries", type=int, default=20)
    parser.add_argument("--activists", type=int, default=100)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    names = people(args.activists)
    port = 18000 + random.randint(0, 999)
    ready = multiprocessing.Event()
    server = multiprocessing.Process(target=serve, args=(port, args.entries, names, ready))
    server.start()
    ready.wait(10)
    time.sleep(0.5)
    try:
        base = [
            args.feeds / asyncio.run(baseline(port, args.feeds, args.concurrency))
            for _ in range(args.runs)
        ]
        runs = [one_run(port, args.feeds, names, args.concurrency) for _ in range(args.runs)]
    finally:
        server.terminate()
        server.join()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result = {
        "feeds": args.feeds,
        "entries_per_feed": args.entries,
        "activists": args.activists,
        "runs": args.runs,
        "first_cycle_feeds_per_s": round(statistics.median(r["first"] for r in runs), 1),
        "second_cycle_feeds_per_s": round(statistics.median(r["second"] for r in runs), 1),
        "baseline_raw_fetch_feeds_per_s": round(statistics.median(base), 1),
        "sightings_first_cycle": runs[0]["first_sightings"],
        "peak_rss_mb": round(peak_mb, 1),
    }
    print(f"{'measure':36} {'median':>10}")
    for key in (
        "first_cycle_feeds_per_s",
        "second_cycle_feeds_per_s",
        "baseline_raw_fetch_feeds_per_s",
        "peak_rss_mb",
    ):
        print(f"{key:36} {result[key]:>10}")
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
