"""Faults: killed workers, a channel down, the database restarted, a full disk, skewed clocks.

Every test counts incidents, sightings and alerts against the ground truth of the feed farm
and prints its counts: nothing may be lost and nothing duplicated.
"""

from __future__ import annotations

import random
import resource
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import Cli
from tests.faults.conftest import (
    LEASE_SECONDS,
    NAME,
    Cluster,
    FeedFarm,
    Truth,
    Webhook,
    Worker,
    free_port,
    report,
    wait_until,
)
from tests.support.localweb import LocalWeb

pytestmark = pytest.mark.usefixtures("fault_env")


def _world(
    cluster: Cluster, web: LocalWeb, *, every: int = 10, **farm: int
) -> tuple[str, Cli, FeedFarm, Webhook]:
    """A fresh database on the cluster, populated by `_populate`."""
    db = cluster.new_database()
    cli = Cli(db)
    cli.ok("init")
    return (db, cli, *_populate(cli, web, every=every, **farm))


def _populate(cli: Cli, web: LocalWeb, *, every: int = 10, **farm: int) -> tuple[FeedFarm, Webhook]:
    """One activist, a webhook subscription and the farm's feeds, each checked every `every` s."""
    cli.ok("activist", "add", NAME)
    hook = Webhook(web)
    cli.ok(
        "subscription", "add", "--activist", "1", "--channel", "webhook", "--to", hook.url,
        "--secret", "k",
    )  # fmt: skip
    feeds = FeedFarm(web, **farm).start()
    for url in feeds.urls:
        cli.ok("source", "add", "feed", url, "--every", str(every))
    return feeds, hook


def _complete(cli: Cli, expected: int) -> bool:
    truth = Truth.read(cli)
    return truth.sightings == expected and truth.alerts_sent == truth.alerts == expected


def _assert_exact(truth: Truth, expected: int, hook: Webhook | None = None) -> None:
    assert truth.incidents == truth.sightings == truth.alerts == expected, truth
    assert truth.alerts_sent == expected and truth.chain_ok, truth
    if hook is not None:
        assert len(hook.accepted) == expected, "an alert was never delivered, or one extra"


def test_workers_killed_mid_cycle_lose_and_duplicate_nothing(
    cluster: Cluster, web: LocalWeb, capsys: pytest.CaptureFixture[str]
) -> None:
    db, cli, feeds, hook = _world(cluster, web)
    rng = random.Random(9)
    kills = 0
    for _ in range(6):
        worker = Worker(db)
        time.sleep(rng.uniform(1.5, 4.0))
        worker.kill()
        kills += 1
    survivor = Worker(db)
    wait_until(lambda: _complete(cli, feeds.expected_sightings), 120, "everything recorded")
    survivor.stop()
    truth = Truth.read(cli)
    _assert_exact(truth, feeds.expected_sightings, hook)
    resent = sum(hook.accepted.values()) - len(hook.accepted)
    report(
        capsys, "kill -9", kills=kills, expected=feeds.expected_sightings,
        incidents=truth.incidents, sightings=truth.sightings, alerts=truth.alerts,
        delivered_keys=len(hook.accepted), resent_same_key=resent, captures=truth.captures,
    )  # fmt: skip


def test_a_channel_down_for_a_while_gets_every_alert_once(
    cluster: Cluster, web: LocalWeb, capsys: pytest.CaptureFixture[str]
) -> None:
    db, cli, feeds, hook = _world(cluster, web, feeds=8)
    hook.down = True
    worker = Worker(db)
    wait_until(lambda: Truth.read(cli).sightings == feeds.expected_sightings, 60, "collection")
    wait_until(lambda: hook.refused >= feeds.expected_sightings, 60, "failed deliveries")
    hook.down = False
    wait_until(lambda: _complete(cli, feeds.expected_sightings), 90, "every alert delivered")
    worker.stop()
    truth = Truth.read(cli)
    _assert_exact(truth, feeds.expected_sightings, hook)
    assert set(hook.accepted.values()) == {1}
    report(
        capsys, "channel down", expected=feeds.expected_sightings, refused=hook.refused,
        delivered_once=len(hook.accepted), alerts=truth.alerts,
    )  # fmt: skip


def test_the_database_restarted_under_load(
    cluster: Cluster, web: LocalWeb, capsys: pytest.CaptureFixture[str]
) -> None:
    db, cli, feeds, hook = _world(cluster, web, feeds=30)
    worker = Worker(db)
    time.sleep(3.0)
    for _ in range(2):
        cluster.restart()
        time.sleep(1.5)
    try:
        wait_until(lambda: _complete(cli, feeds.expected_sightings), 120, "recovery")
    except AssertionError as exc:
        raise AssertionError(
            f"{exc}; {Truth.read(cli)}; worker log:\n{worker.stop()[-3000:]}"
        ) from exc
    assert worker.alive, "the worker gave up when the database went away"
    log = worker.stop()
    truth = Truth.read(cli)
    _assert_exact(truth, feeds.expected_sightings, hook)
    report(
        capsys, "database restarts", restarts=2, expected=feeds.expected_sightings,
        incidents=truth.incidents, sightings=truth.sightings, alerts=truth.alerts,
        outage_logged="database unavailable" in log,
    )  # fmt: skip


def test_a_worker_started_while_the_database_is_down_waits_for_it(
    cluster: Cluster, web: LocalWeb, capsys: pytest.CaptureFixture[str]
) -> None:
    db, cli, feeds, hook = _world(cluster, web, feeds=6)
    worker = _started_while_down(cluster, db, "the worker")
    wait_until(lambda: _complete(cli, feeds.expected_sightings), 120, "collection")
    log = worker.stop()
    truth = Truth.read(cli)
    _assert_exact(truth, feeds.expected_sightings, hook)
    assert "start: database reachable again" in log, log[-2000:]
    report(
        capsys, "database down at start", expected=feeds.expected_sightings,
        incidents=truth.incidents, alerts=truth.alerts,
    )  # fmt: skip


def test_a_web_server_started_while_the_database_is_down_serves_once_it_is_back(
    cluster: Cluster, web: LocalWeb
) -> None:
    db, _cli, _feeds, _hook = _world(cluster, web, feeds=1)
    port = free_port()
    server = _started_while_down(cluster, db, "monitor serve", ("serve", "--port", str(port)))
    wait_until(lambda: _answers(f"http://127.0.0.1:{port}/login"), 60, "the web interface")
    assert "start: database reachable again" in server.stop()


def _started_while_down(
    cluster: Cluster, db: str, who: str, command: tuple[str, ...] = ("run", "--no-web")
) -> Worker:
    """`monitor COMMAND` started with the cluster stopped, seen waiting for it; the cluster
    is started again whatever happens, and the process stopped if it did not wait."""
    cluster.ctl("stop", "-m", "fast")
    process = Worker(db, command=command)
    try:
        wait_until(lambda: "start: database unavailable" in process.logged(), 60, "the wait")
        assert process.alive, f"{who} gave up on a database that was down when it started"
    except BaseException:
        process.stop()
        raise
    finally:
        cluster.ctl("start")
    return process


def _answers(url: str) -> bool:
    """Whether a web server answers at `url`, with any status."""
    try:
        with urllib.request.urlopen(url, timeout=2):
            return True
    except urllib.error.HTTPError:
        return True
    except OSError:
        return False


def test_workers_with_skewed_clocks_never_poll_a_source_twice(
    cluster: Cluster,
    web: LocalWeb,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Leases as long as in service: the short ones of the takeover tests lapse when a loaded
    # machine starves a worker for a few seconds, and a lapsed lease is another matter.
    monkeypatch.setenv("MONITOR_LEASE_SECONDS", "300")
    db, cli, feeds, hook = _world(cluster, web, every=3600, feeds=20)
    workers = [Worker(db, skew="+3h"), Worker(db, skew="-2h"), Worker(db)]
    wait_until(lambda: _complete(cli, feeds.expected_sightings), 120, "collection")
    time.sleep(3)
    for worker in workers:
        worker.stop()
    polls = [web.hits[f"/farm/{n}.xml"] for n in range(feeds.feeds)]
    assert polls == [1] * feeds.feeds, polls
    truth = Truth.read(cli)
    _assert_exact(truth, feeds.expected_sightings, hook)
    report(
        capsys, "clock skew", skews=["+3h", "-2h", "0"], polls=sum(polls),
        duplicate_polls=sum(p - 1 for p in polls), sightings=truth.sightings,
    )  # fmt: skip


def _files_size(folder: Path) -> int:
    return max(p.stat().st_size for p in folder.iterdir() if p.name.startswith("monitor.db"))


def test_a_full_disk_while_writing_captures_loses_nothing(
    sqlite_path: Path, web: LocalWeb, capsys: pytest.CaptureFixture[str]
) -> None:
    cli = Cli(str(sqlite_path))
    cli.ok("init")
    feeds, _ = _populate(cli, web, feeds=16, items=8)
    limit = _files_size(sqlite_path.parent) + 48 * 1024

    def small_disk() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    full = subprocess.run(
        [sys.executable, "-m", "monitor", "--db", str(sqlite_path), "collect", "--once", "--all"],
        preexec_fn=small_disk,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert full.returncode != 0
    assert "could not be reached or written" in full.stderr, full.stderr[-2000:]
    assert "Traceback" not in full.stderr
    partial = Truth.read(cli)
    assert partial.chain_ok and partial.sightings < feeds.expected_sightings
    skipped = cli.json("collect", "--once", "--all")["leased_elsewhere"]
    time.sleep(LEASE_SECONDS + 0.5)  # the failed run's leases lapse
    cli.ok("collect", "--once", "--all")
    truth = Truth.read(cli)
    assert truth.incidents == truth.sightings == feeds.expected_sightings and truth.chain_ok
    report(
        capsys, "disk full", limit_bytes=limit, before_full=partial.sightings,
        skipped_while_leased=skipped, expected=feeds.expected_sightings,
        after=truth.sightings, captures=truth.captures,
    )  # fmt: skip
