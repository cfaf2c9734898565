"""The outbox end to end: incidents → alert rows → delivery, with failures and crashes."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web as aioweb
from sqlmodel import Session, select

from monitor import db
from monitor.models import Alert
from tests.alerts.test_channels import Recorder
from tests.conftest import Cli
from tests.support.localweb import LocalWeb
from tests.support.smtp import SmtpServer

NAME = "Gülnarə Mehdiyeva"
SMEAR = (
    "Qrant yeyən xain {name} yenə Avropada ölkəmizi pisləyib. Bu əxlaqsız qadın xarici "
    "agentdir və xalqa xəyanət edir, onun murdar fəaliyyəti ifşa olunmalıdır."
)
OTHER_SMEAR = (
    "Satqın {name} ailə dəyərlərinə qarşı çıxır. Əxlaqsız feministin yalanlarına inanmayın, "
    "o qrant yeyən xaindir və xarici ağalarına qulluq edir."
)


def _feed(title: str, body: str, guid: str) -> str:
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>'
        f"<item><title>{title}</title><link>https://smear.example/{guid}</link>"
        f"<guid>{guid}</guid><description>{body}</description></item></channel></rss>"
    )


def _smear_source(cli: Cli, web: LocalWeb, n: int, text: str = SMEAR, prefix: str = "") -> str:
    body = prefix + text.format(name=NAME)
    url = web.serve(
        f"/feed{n}.xml", _feed(f"{NAME} ifşa olundu", body, f"s{n}"), content_type="text/xml"
    )
    cli.ok("source", "add", "feed", url)
    return body


def _activist_with_webhook(cli: Cli, web: LocalWeb, recorder: Recorder, *extra: str) -> None:
    cli.ok("activist", "add", NAME, "--lang", "az")
    url = web.handle("/hook", recorder)
    cli.ok(
        "subscription", "add", "--activist", "1", "--channel", "webhook", "--to", url,
        "--secret", "k", *extra,
    )  # fmt: skip


def _make_due(db_url: str) -> None:
    """Time travel: every open alert is due now (instead of waiting out the backoff)."""
    engine = db.create_engine(db_url)
    with Session(engine) as session:
        for alert in session.exec(select(Alert).where(Alert.status != "sent")).all():
            alert.next_attempt_at = datetime.now(UTC) - timedelta(seconds=1)
            alert.lease_owner, alert.lease_expires_at = None, None
            session.add(alert)
        session.commit()
    engine.dispose()


def test_a_reposted_story_is_one_incident_one_alert_and_escalation_adds_one(
    monitor_cli: Cli, web: LocalWeb
) -> None:
    recorder = Recorder()
    _activist_with_webhook(monitor_cli, web, recorder)
    _smear_source(monitor_cli, web, 1)
    monitor_cli.ok("collect", "--once", "--all")
    assert monitor_cli.json("dispatch", "--once")["sent"] == 1
    for n, prefix in ((2, "TƏCİLİ! "), (3, "Paylaşın: ")):
        _smear_source(monitor_cli, web, n, prefix=prefix)
    monitor_cli.ok("collect", "--once", "--all")
    [incident] = monitor_cli.json("incidents")
    assert incident["sightings"] == 3 and len(incident["urls"]) == 3
    assert monitor_cli.json("dispatch", "--once")["sent"] == 1
    reasons = [call["json"]["reason"] for call in recorder.calls]
    assert reasons == ["new", "escalated"]
    assert [a["status"] for a in monitor_cli.json("alerts")] == ["sent", "sent"]
    assert monitor_cli.json("dispatch", "--once")["sent"] == 0


def test_failed_deliveries_are_retried_until_they_succeed(monitor_cli: Cli, web: LocalWeb) -> None:
    recorder = Recorder(status=500)
    _activist_with_webhook(monitor_cli, web, recorder)
    _smear_source(monitor_cli, web, 1)
    monitor_cli.ok("collect", "--once", "--all")
    for _ in range(2):
        assert monitor_cli.json("dispatch", "--once")["failed_attempts"] == 1
        [alert] = monitor_cli.json("alerts")
        assert alert["status"] == "pending" and "500" in alert["last_error"]
        assert monitor_cli.json("dispatch", "--once")["sent"] == 0  # backing off
        _make_due(monitor_cli.db)
    recorder.status = 200
    assert monitor_cli.json("dispatch", "--once")["sent"] == 1
    [alert] = monitor_cli.json("alerts")
    assert (alert["status"], alert["attempts"], alert["last_error"]) == ("sent", 3, None)
    assert len(recorder.calls) == 3


def test_permanent_failure_is_kept_visible_and_can_be_retried(
    monitor_cli: Cli, web: LocalWeb
) -> None:
    recorder = Recorder(status=410)
    _activist_with_webhook(monitor_cli, web, recorder)
    _smear_source(monitor_cli, web, 1)
    monitor_cli.ok("collect", "--once", "--all")
    monitor_cli.ok("dispatch", "--once")
    assert monitor_cli.json("alerts", "--status", "failed")[0]["last_error"]
    recorder.status = 200
    monitor_cli.ok("alerts", "--retry-failed")
    assert monitor_cli.json("dispatch", "--once")["sent"] == 1


def test_a_crash_between_send_and_commit_resends_with_the_same_key_once(
    monitor_cli: Cli, web: LocalWeb, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The dispatcher is killed (SIGKILL) while the webhook is receiving its alert, before it
    can record the delivery. After the lease expires the alert goes out again with the same
    Idempotency-Key, so the receiver sees one alert; it is then recorded and never sent again.
    """
    calls: list[str] = []
    victim: dict[str, subprocess.Popen[bytes]] = {}

    async def receiver(request: aioweb.Request) -> aioweb.Response:
        calls.append(request.headers["Idempotency-Key"])
        if len(calls) == 1:
            victim["process"].send_signal(signal.SIGKILL)
            await asyncio.sleep(0.5)
        return aioweb.json_response({"ok": True})

    monitor_cli.ok("activist", "add", NAME)
    url = web.handle("/hook", receiver)
    monitor_cli.ok("subscription", "add", "--activist", "1", "--channel", "webhook", "--to", url)
    _smear_source(monitor_cli, web, 1)
    monitor_cli.ok("collect", "--once", "--all")
    monkeypatch.setenv("MONITOR_LEASE_SECONDS", "1")
    command = [sys.executable, "-m", "monitor", "--db", monitor_cli.db, "dispatch", "--once"]
    victim["process"] = subprocess.Popen(command, env=os.environ.copy())
    assert victim["process"].wait(30) == -signal.SIGKILL
    [alert] = monitor_cli.json("alerts")
    assert alert["status"] == "pending"
    time.sleep(1.2)
    assert monitor_cli.json("dispatch", "--once")["sent"] == 1
    assert monitor_cli.json("dispatch", "--once")["sent"] == 0
    assert len(calls) == 2 and len(set(calls)) == 1
    assert monitor_cli.json("alerts")[0]["status"] == "sent"


def _quiet_window_around_now() -> str:
    now = datetime.now(UTC)
    start, end = now - timedelta(hours=1), now + timedelta(hours=1)
    return f"{start:%H:%M}-{end:%H:%M}"


def test_quiet_hours_hold_alerts_for_one_digest(monitor_cli: Cli, web: LocalWeb) -> None:
    recorder = Recorder()
    _activist_with_webhook(monitor_cli, web, recorder, "--quiet", _quiet_window_around_now())
    _smear_source(monitor_cli, web, 1)
    _smear_source(monitor_cli, web, 2, text=OTHER_SMEAR)
    monitor_cli.ok("collect", "--once", "--all")
    assert len(monitor_cli.json("incidents")) == 2
    assert {a["status"] for a in monitor_cli.json("alerts")} == {"held"}
    assert monitor_cli.json("dispatch", "--once")["sent"] == 0
    _make_due(monitor_cli.db)
    report = monitor_cli.json("dispatch", "--once")
    assert (report["sent"], report["digests"]) == (2, 1)
    [call] = recorder.calls
    assert call["json"]["reason"] == "digest"
    assert call["json"]["text"].count("/incidents/") == 2
    assert {a["status"] for a in monitor_cli.json("alerts")} == {"sent"}


def test_alerts_use_the_subscribers_language(monitor_cli: Cli, web: LocalWeb) -> None:
    recorder = Recorder()
    _activist_with_webhook(monitor_cli, web, recorder, "--lang", "ru")
    _smear_source(monitor_cli, web, 1)
    monitor_cli.ok("collect", "--once", "--all")
    monitor_cli.ok("dispatch", "--once")
    [call] = recorder.calls
    assert call["json"]["lang"] == "ru" and "Новый инцидент" in call["json"]["summary"]
    assert "lang=ru" in call["json"]["playbook"]["url"]


def _windows(text: str, size: int = 12) -> set[str]:
    flat = " ".join(text.split())
    return {flat[i : i + size] for i in range(len(flat) - size + 1)}


def test_no_payload_carries_the_matched_text_or_captured_content(
    monitor_cli: Cli, web: LocalWeb, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    recorder = Recorder()
    _activist_with_webhook(monitor_cli, web, recorder)
    with SmtpServer(tmp_path) as smtp:
        for name, value in smtp.settings().items():
            monkeypatch.setenv(name, value)
        monitor_cli.ok(
            "subscription", "add", "--activist", "1", "--channel", "email", "--to", "g@example.org"
        )
        body = _smear_source(monitor_cli, web, 1)
        monitor_cli.ok("collect", "--once", "--all")
        assert monitor_cli.json("dispatch", "--once")["sent"] == 2
    payloads = [call["raw"].decode() for call in recorder.calls]
    payloads += [mail.as_string() for mail in smtp.inbox.messages]
    assert len(payloads) == 2
    captured = _windows(body) | _windows(f"{NAME} ifşa olundu")
    for payload in payloads:
        decoded = json.dumps(json.loads(payload), ensure_ascii=False) if "{" in payload else payload
        for fragment in (NAME, "Mehdiyeva", "Gülnarə", "xain", "əxlaqsız"):
            assert fragment not in decoded
        assert not any(window in decoded for window in captured)


def test_a_broken_channel_does_not_hold_up_another(
    monitor_cli: Cli, web: LocalWeb, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def hang(request: aioweb.Request) -> aioweb.Response:
        await asyncio.sleep(5)
        return aioweb.json_response({})

    ntfy = Recorder()
    monkeypatch.setenv("MONITOR_ALERT_TIMEOUT", "1")
    monkeypatch.setenv("MONITOR_NTFY_URL", web.url("/ntfy"))
    web.handle("/ntfy/", ntfy)
    monitor_cli.ok("activist", "add", NAME)
    hanging = web.handle("/slow", hang)
    monitor_cli.ok(
        "subscription", "add", "--activist", "1", "--channel", "webhook", "--to", hanging,
        "--secret", "k",
    )  # fmt: skip
    monitor_cli.ok("subscription", "add", "--activist", "1", "--channel", "ntfy", "--to", "t1")
    _smear_source(monitor_cli, web, 1)
    monitor_cli.ok("collect", "--once", "--all")
    started = time.monotonic()
    report: dict[str, Any] = monitor_cli.json("dispatch", "--once")
    assert time.monotonic() - started < 4
    assert (report["sent"], report["failed_attempts"]) == (1, 1)
    assert len(ntfy.calls) == 1
    assert "timed out" in monitor_cli.json("alerts", "--status", "pending")[0]["last_error"]


def test_subscription_validation(monitor_cli: Cli) -> None:
    monitor_cli.ok("activist", "add", NAME)
    for args, message in (
        (["--channel", "pager", "--to", "x"], "Unknown channel"),
        (["--channel", "email", "--to", "nope"], "not an email"),
        (["--channel", "email", "--to", "a@b.example", "--quiet", "25:00-07:00"], "22:00-07:00"),
        (["--channel", "email", "--to", "a@b.example", "--tz", "Mars/Base"], "time zone"),
    ):
        result = monitor_cli("subscription", "add", "--activist", "1", *args)
        assert result.exit_code == 2 and message in result.stderr
    assert monitor_cli.json("subscription", "list") == []
    created = monitor_cli.json(
        "subscription",
        "add",
        "--activist",
        "1",
        "--channel",
        "webhook",
        "--to",
        "https://h.example",
    )
    assert len(created["secret"]) > 30
