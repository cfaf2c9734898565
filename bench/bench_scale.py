"""Scale-out on PostgreSQL: 1, 2 and 4 `monitor run` workers sharing 5,000 sources.

For each worker count, on a fresh database: a feed server (its own process) publishes N feeds
and counts every poll; W workers start together and the time until every source has been
checked once gives sources per second; polls beyond one per feed are duplicates (must be 0).
Then, with the workers still running, items naming a registered activist appear on a few fast
sources (checked every `--interval` seconds) and the webhook that receives their alerts gives
the end-to-end latency from publication to delivery (target: the poll interval + 2 s).
The baseline in the same run is one worker.

    .venv/bin/python bench/bench_scale.py --pg postgresql://postgres@127.0.0.1:5432/test
    .venv/bin/python bench/bench_scale.py --sources 1000 --workers 1,2 --probes 5
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import psycopg
from aiohttp import web
from sqlalchemy.engine import make_url

from monitor import config as config_module
from monitor.activists import RegistrationInput, validate
from monitor.storage import activists as activist_store
from monitor.storage import sources as source_store
from monitor.storage import subscriptions as subscription_store
from monitor.storage.subscriptions import NewSubscription
from monitor.store import initialise

NAME = "Gülnarə Mehdiyeva"


def serve(port: int, ready: multiprocessing.Event) -> None:  # type: ignore[valid-type]
    """Feeds with ETags; /probe/<n> feeds grow on /publish/<n>; /hook records deliveries."""
    polls: dict[str, int] = {}
    published: dict[str, float] = {}
    delivered: dict[str, float] = {}
    probes: dict[int, list[str]] = {}

    async def feed(request: web.Request) -> web.Response:
        n = request.match_info["n"]
        polls[n] = polls.get(n, 0) + 1
        etag = f'"{n}"'
        if request.headers.get("If-None-Match") == etag:
            return web.Response(status=304, headers={"ETag": etag})
        items = "".join(
            f"<item><title>News {n}-{i}</title><link>https://bench.example/{n}/{i}</link>"
            f"<guid>{n}-{i}</guid><description>Weather and prices, item {i}.</description></item>"
            for i in range(5)
        )
        body = f'<rss version="2.0"><channel><title>{n}</title>{items}</channel></rss>'
        return web.Response(text=body, content_type="application/rss+xml", headers={"ETag": etag})

    async def probe(request: web.Request) -> web.Response:
        n = int(request.match_info["n"])
        items = "".join(
            f"<item><title>{key}</title><link>https://probe.example/{key}</link>"
            f"<guid>{key}</guid><description>Xain qrantyeyən {NAME} {key} yenə xalqa xəyanət "
            "edir.</description></item>"
            for key in probes.get(n, [])
        )
        body = f'<rss version="2.0"><channel><title>p{n}</title>{items}</channel></rss>'
        return web.Response(text=body, content_type="application/rss+xml")

    async def publish(request: web.Request) -> web.Response:
        n = int(request.match_info["n"])
        key = f"story{n}x{random.randrange(10**9)}"
        probes.setdefault(n, []).append(key)
        published[key] = time.time()
        return web.json_response({"key": key})

    async def hook(request: web.Request) -> web.Response:
        body = await request.json()
        delivered.setdefault(body.get("incident_url", ""), time.time())
        return web.json_response({"ok": True})

    async def stats(request: web.Request) -> web.Response:
        return web.json_response({"polls": polls, "published": published, "delivered": delivered})

    app = web.Application()
    app.router.add_get("/feed/{n}.xml", feed)
    app.router.add_get("/probe/{n}.xml", probe)
    app.router.add_post("/publish/{n}", publish)
    app.router.add_post("/hook", hook)
    app.router.add_get("/stats", stats)
    ready.set()
    web.run_app(app, host="127.0.0.1", port=port, access_log=None, print=None)


def call(url: str, method: str = "GET") -> dict:
    request = urllib.request.Request(url, method=method, data=b"" if method == "POST" else None)
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def fresh_database(admin: str) -> str:
    name = f"bench_scale_{random.randrange(10**9)}"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    return make_url(admin).set(database=name).render_as_string(hide_password=False)


def drop_database(admin: str, url: str) -> None:
    name = make_url(url).database
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def prepare(db: str, base: str, sources: int, probes: int, interval: int) -> None:
    """Register the activist, the webhook and the sources through the library."""
    store, _ = initialise(config_module.load(overrides={"db": db}))
    activist_store.add(store, validate(RegistrationInput(name=NAME)))
    subscription_store.add(
        store,
        NewSubscription(activist_id=1, channel="webhook", destination=f"{base}/hook", secret="b"),
    )
    for n in range(sources):
        source_store.add(store, source_store.NewSource("feed", f"{base}/feed/{n}.xml", 3600))
    for n in range(probes):
        source_store.add(store, source_store.NewSource("feed", f"{base}/probe/{n}.xml", interval))
    store.close()


def checked(db: str) -> int:
    with psycopg.connect(db.replace("+psycopg", "")) as connection:
        row = connection.execute(
            "SELECT count(*) FROM source WHERE last_checked_at IS NOT NULL"
        ).fetchone()
        return int(row[0]) if row else 0


def measure(workers: int, args: argparse.Namespace, base: str, env: dict[str, str]) -> dict:
    db = fresh_database(args.pg)
    total = args.sources + args.probes
    try:
        prepare(db, base, args.sources, args.probes, args.interval)
        before = call(f"{base}/stats")["polls"]
        started = time.monotonic()
        command = [sys.executable, "-m", "monitor", "--db", db, "run", "--no-web"]
        quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
        processes = [subprocess.Popen(command, env=env, **quiet) for _ in range(workers)]
        try:
            while checked(db) < total:
                time.sleep(0.2)
            elapsed = time.monotonic() - started
            latencies = probe_latency(base, args)
        finally:
            for process in processes:
                process.terminate()
            for process in processes:
                process.wait(60)
        polls = call(f"{base}/stats")["polls"]
        fresh = {k: v - before.get(k, 0) for k, v in polls.items()}
        duplicates = sum(max(0, count - 1) for count in fresh.values())
        return {
            "workers": workers,
            "sources": total,
            "first_pass_seconds": round(elapsed, 1),
            "sources_per_second": round(total / elapsed, 1),
            "duplicate_polls": duplicates,
            "latency_median_s": round(statistics.median(latencies), 2) if latencies else None,
            "latency_max_s": round(max(latencies), 2) if latencies else None,
        }
    finally:
        drop_database(args.pg, db)


def probe_latency(base: str, args: argparse.Namespace) -> list[float]:
    """One at a time, at a random moment of the poll cycle, publish an item naming the
    activist on a probe feed and time it until its alert reaches the webhook."""
    latencies = []
    for n in range(args.probes):
        time.sleep(random.uniform(0, args.interval))
        known = len(call(f"{base}/stats")["delivered"])
        key = call(f"{base}/publish/{n}", "POST")["key"]
        deadline = time.monotonic() + args.interval * 3 + 30
        while time.monotonic() < deadline:
            stats = call(f"{base}/stats")
            if len(stats["delivered"]) > known:
                newest = max(stats["delivered"].values())
                latencies.append(newest - stats["published"][key])
                break
            time.sleep(0.05)
    return latencies


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--pg",
        default=os.environ.get("MONITOR_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test"),
    )
    parser.add_argument("--sources", type=int, default=5000)
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--probes", type=int, default=10)
    parser.add_argument("--interval", type=int, default=10, help="Poll interval of probe feeds.")
    args = parser.parse_args()
    port = 19000 + random.randint(0, 999)
    base = f"http://127.0.0.1:{port}"
    ready = multiprocessing.Event()
    server = multiprocessing.Process(target=serve, args=(port, ready), daemon=True)
    server.start()
    ready.wait(10)
    time.sleep(0.5)
    with tempfile.TemporaryDirectory() as home:
        env = {
            **os.environ,
            "MONITOR_CONFIG_DIR": str(Path(home) / "config"),
            "MONITOR_ALLOW_PRIVATE_ADDRESSES": "1",
            "MONITOR_HTTP_PER_HOST": "64",
            "MONITOR_COLLECT_CONCURRENCY": "48",
            "MONITOR_LOG_LEVEL": "WARNING",
        }
        os.environ.update(env)  # the library calls in this process use the same settings
        results = []
        try:
            for count in (int(w) for w in args.workers.split(",")):
                results.append(measure(count, args, base, env))
                print(json.dumps(results[-1]), file=sys.stderr)
        finally:
            server.terminate()
    baseline = results[0]["sources_per_second"]
    print(f"{'workers':>7} {'sources/s':>10} {'× baseline':>10} {'duplicates':>10} "
          f"{'latency median':>15} {'latency max':>12}")  # fmt: skip
    for r in results:
        print(
            f"{r['workers']:>7} {r['sources_per_second']:>10} "
            f"{r['sources_per_second'] / baseline:>10.2f} {r['duplicate_polls']:>10} "
            f"{r['latency_median_s']!s:>15} {r['latency_max_s']!s:>12}"
        )
    print(json.dumps({"interval_s": args.interval, "results": results}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
