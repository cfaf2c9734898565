"""Canary tokens end to end: a real HTTP request to `monitor serve` opens a critical incident
and queues an alert; status and metrics report it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from monitor import canaries
from tests.conftest import Cli


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def served(monitor_cli: Cli, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """`monitor serve` as its own process on a free port; yields its base URL."""
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    monkeypatch.setenv("MONITOR_BASE_URL", base)
    command = [
        sys.executable,
        "-m",
        "monitor",
        "--db",
        monitor_cli.db,
        "serve",
        "--port",
        str(port),
    ]
    process = subprocess.Popen(command, env=os.environ.copy(), stderr=subprocess.PIPE)
    try:
        _wait(base + "/healthz")
        yield base
    finally:
        process.terminate()
        process.wait(10)
        log = process.stderr.read().decode() if process.stderr else ""
        assert "/c/" not in log.replace("/c/{token}", ""), "a canary token reached the log"


def _wait(url: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(url)


def _get(url: str, agent: str = "curl/8") -> tuple[int, bytes, str]:
    request = urllib.request.Request(url, headers={"User-Agent": agent})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, response.read(), response.headers["Content-Type"]


def test_a_canary_hit_is_a_critical_incident_with_an_alert(
    monitor_cli: Cli, served: str, tmp_path: Path
) -> None:
    monitor_cli.ok("activist", "add", "Gülnarə Mehdiyeva")
    monitor_cli.ok(
        "subscription", "add", "--activist", "1", "--channel", "ntfy", "--to", "canary-topic"
    )
    created = monitor_cli.json(
        "canary", "new", "--activist", "1", "--label", "Gmail backup codes",
        "--out", str(tmp_path / "decoys"),
    )  # fmt: skip
    assert created["url"].startswith(served + canaries.PATH_PREFIX)
    decoy = Path(created["decoys"][0]).read_text()
    assert created["url"] in decoy and "<img" in decoy
    status, body, kind = _get(created["url"], agent="Mozilla/5.0 intruder")
    assert (status, body, kind) == (200, canaries.PIXEL, "image/gif")
    [incident] = monitor_cli.json("incidents")
    assert (incident["kind"], incident["severity"]) == ("account_takeover", "critical")
    assert incident["signals"] == ["canary_hit"]
    assert "page-deleted" not in incident["playbooks"] and incident["playbooks"]
    shown = monitor_cli.json("incident", "show", str(incident["id"]))
    evidence = shown["sightings_detail"][0]["evidence"]
    assert evidence["user_agent"] == "Mozilla/5.0 intruder" and evidence["client"] == "127.0.0.1"
    assert shown["sightings_detail"][0]["capture_sha256"]
    [alert] = monitor_cli.json("alerts")
    assert (alert["severity"], alert["status"]) == ("critical", "pending")
    _get(created["url"])
    [again] = monitor_cli.json("incidents")
    assert again["sightings"] == 2 and len(monitor_cli.json("alerts")) == 1
    assert monitor_cli.json("canary", "list")[0]["hits"] == 2
    assert monitor_cli.json("verify", "--store")["ok"]


def test_unknown_tokens_look_the_same_and_record_nothing(monitor_cli: Cli, served: str) -> None:
    status, body, _ = _get(served + canaries.PATH_PREFIX + "not-a-real-token")
    assert (status, body) == (200, canaries.PIXEL)
    assert monitor_cli.json("incidents") == []


def test_status_and_metrics_report_counts(monitor_cli: Cli, served: str) -> None:
    monitor_cli.ok("source", "add", "feed", "https://a.example/rss")
    status = monitor_cli.json("status")
    assert (status["sources"], status["sources_due"], status["incidents"]) == (1, 1, 0)
    _, body, kind = _get(served + "/metrics")
    text = body.decode()
    assert kind.startswith("text/plain")
    assert "monitor_sources 1.0" in text and 'monitor_alerts{status="pending"} 0.0' in text
