"""Collection cycles: failures become source health, the others carry on, backoff grows."""

from __future__ import annotations

import asyncio
import gzip
import random
from datetime import UTC, datetime, timedelta

import pytest
from aiohttp import web as aioweb

from monitor import scheduler
from tests.conftest import Cli
from tests.support.localweb import LocalWeb

GOOD_FEED = """<?xml version="1.0"?><rss version="2.0"><channel><title>ok</title>
<item><title>Weather</title><link>https://ok.example/1</link><guid>ok-1</guid>
<description>Sunny tomorrow.</description></item></channel></rss>"""


def test_next_check_after_success_is_the_interval_with_jitter_never_later() -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    delays = {scheduler.next_check(now, 600, 0, random.Random(i)) - now for i in range(50)}
    assert all(timedelta(seconds=540) <= d <= timedelta(seconds=600) for d in delays)
    assert len(delays) > 1


def test_backoff_doubles_per_failure_and_is_capped() -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    rng = random.Random(0)

    def delay(failures: int) -> float:
        return (scheduler.next_check(now, 300, failures, rng) - now).total_seconds()

    assert 270 <= delay(1) <= 330
    assert 540 <= delay(2) <= 660
    assert 1080 <= delay(3) <= 1320
    assert delay(40) <= timedelta(hours=24).total_seconds() * 1.1
    assert delay(1) >= 54  # never hammer a failing source


async def _slow(request: aioweb.Request) -> aioweb.Response:
    await asyncio.sleep(3)
    return aioweb.Response(text=GOOD_FEED)


async def _loop(request: aioweb.Request) -> aioweb.Response:
    raise aioweb.HTTPFound(request.path)


def _hostile_web(web: LocalWeb) -> dict[str, str]:
    bomb = gzip.compress(b"\0" * 50_000_000)
    return {
        "good": web.serve("/good.xml", GOOD_FEED, content_type="application/rss+xml"),
        "http_status": web.serve("/500.xml", "oops", status=500),
        "timeout": web.handle("/slow.xml", _slow),
        "too_large": web.serve("/big.xml", b"x" * 300_000, content_type="text/xml"),
        "decompression_bomb": web.serve(
            "/bomb.xml", bomb, content_type="text/xml", headers={"Content-Encoding": "gzip"}
        ),
        "bad_encoding": web.serve(
            "/badgzip.xml", b"\x1f\x8bnot gzip", headers={"Content-Encoding": "gzip"}
        ),
        "redirect_loop": web.handle("/loop.xml", _loop),
        "parse": web.serve("/garbage.xml", b"\x00\x01{{", content_type="text/xml"),
    }


def test_each_failure_is_recorded_on_its_source_and_the_others_carry_on(
    monitor_cli: Cli, web: LocalWeb, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MONITOR_HTTP_TIMEOUT", "1")
    monkeypatch.setenv("MONITOR_HTTP_MAX_BYTES", "200000")
    urls = _hostile_web(web)
    for name, url in urls.items():
        monitor_cli.ok("source", "add", "feed", url, "--name", name)
    report = monitor_cli.json("collect", "--once", "--all")
    assert report["sources"] == len(urls)
    assert report["ok"] == 1 and report["failed"] == len(urls) - 1
    assert report["new_items"] == 1
    health = {s["name"]: s for s in monitor_cli.json("source", "list")}
    assert health["good"]["health"] == "ok" and health["good"]["last_error"] is None
    for name in urls.keys() - {"good"}:
        assert health[name]["health"] == "failing", name
        assert health[name]["last_error_code"] == name, (name, health[name])
        assert health[name]["last_error"], name
        assert health[name]["consecutive_failures"] == 1
    assert "HTTP 500" in health["http_status"]["last_error"]
    table = monitor_cli.ok("source", "list").stdout
    assert "failing" in table


def test_failures_accumulate_and_success_resets(monitor_cli: Cli, web: LocalWeb) -> None:
    url = web.serve("/flaky.xml", "down", status=503)
    monitor_cli.ok("source", "add", "feed", url)
    monitor_cli.ok("collect", "--once", "--all")
    monitor_cli.ok("collect", "--once", "--all")
    [source] = monitor_cli.json("source", "list")
    assert source["consecutive_failures"] == 2
    first_retry = datetime.fromisoformat(source["next_check_at"])
    assert first_retry > datetime.now(UTC) + timedelta(seconds=500)
    web.serve("/flaky.xml", GOOD_FEED, content_type="application/rss+xml")
    monitor_cli.ok("collect", "--once", "--all")
    [source] = monitor_cli.json("source", "list")
    assert source["consecutive_failures"] == 0 and source["health"] == "ok"


def test_only_due_sources_are_collected_without_all(monitor_cli: Cli, web: LocalWeb) -> None:
    url = web.serve("/feed.xml", GOOD_FEED, content_type="application/rss+xml")
    monitor_cli.ok("source", "add", "feed", url)
    assert monitor_cli.json("collect", "--once")["sources"] == 1
    assert monitor_cli.json("collect", "--once")["sources"] == 0
    assert monitor_cli.json("collect", "--once", "--all")["sources"] == 1
    assert web.hits["/feed.xml"] == 2
