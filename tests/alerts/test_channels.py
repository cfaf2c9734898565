"""Every channel against a real local peer: HTTP servers speaking each API, and SMTP."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web as aioweb

from alerts import message as text
from alerts.email import EmailChannel
from alerts.matrix import MatrixChannel
from alerts.ntfy import NtfyChannel
from alerts.signal import SignalChannel
from alerts.telegram import TelegramChannel
from alerts.webhook import SIGNATURE_HEADER, TIMESTAMP_HEADER, WebhookChannel, signature
from monitor.errors import InvalidInput
from monitor.net import HttpClient
from monitor.registry import AlertMessage, Channel, ChannelError, Destination
from tests.support.collecting import config
from tests.support.localweb import LocalWeb
from tests.support.smtp import SmtpServer

FACTS = text.AlertFacts(
    key="12:new:high:3",
    kind="leak",
    severity="high",
    reason="new",
    incident_id=12,
    created_at=datetime(2026, 3, 1, tzinfo=UTC),
    playbook_id="intimate-images",
    playbook_title="Intimate images of you are published or threatened",
)
MESSAGE = text.build(FACTS, "en", "https://monitor.example")


async def send(channel: type[Channel], destination: Destination, **settings: Any) -> None:
    cfg = config(**settings)
    async with HttpClient(cfg) as http:
        await channel(cfg, http).send(MESSAGE, destination)


class Recorder:
    """Records each request's method, path, headers and JSON body; answers `status`."""

    def __init__(self, status: int = 200, body: Any = None) -> None:
        self.calls: list[dict[str, Any]] = []
        self.status = status
        self.body = body if body is not None else {"ok": True}

    async def __call__(self, request: aioweb.Request) -> aioweb.Response:
        raw = await request.read()
        self.calls.append(
            {
                "method": request.method,
                "path": request.path,
                "headers": dict(request.headers),
                "raw": raw,
                "json": json.loads(raw) if raw else None,
            }
        )
        return aioweb.json_response(self.body, status=self.status)


async def test_webhook_is_signed_and_carries_an_idempotency_key(web: LocalWeb) -> None:
    recorder = Recorder()
    url = web.handle("/hook", recorder)
    await send(WebhookChannel, Destination(url, "s3cret"))
    [call] = recorder.calls
    headers = call["headers"]
    assert headers[SIGNATURE_HEADER] == signature("s3cret", headers[TIMESTAMP_HEADER], call["raw"])
    assert headers["Idempotency-Key"] == "12:new:high:3"
    body = call["json"]
    assert (body["kind"], body["severity"], body["incident_id"]) == ("leak", "high", 12)
    assert body["incident_url"] == "https://monitor.example/incidents/12"
    assert body["playbook"]["url"] == "https://monitor.example/playbooks/intimate-images?lang=en"


async def test_webhook_without_a_secret_is_refused_not_sent_unsigned(web: LocalWeb) -> None:
    recorder = Recorder()
    url = web.handle("/hook", recorder)
    with pytest.raises(ChannelError) as caught:
        await send(WebhookChannel, Destination(url))
    assert not caught.value.retryable and recorder.calls == []


@pytest.mark.parametrize(("status", "retryable"), [(500, True), (429, True), (404, False)])
async def test_http_failures_say_whether_to_retry(
    web: LocalWeb, status: int, retryable: bool
) -> None:
    url = web.handle("/hook", Recorder(status=status))
    with pytest.raises(ChannelError) as caught:
        await send(WebhookChannel, Destination(url, "k"))
    assert caught.value.retryable is retryable and str(status) in caught.value.message


async def test_unreachable_endpoint_is_retryable() -> None:
    with pytest.raises(ChannelError) as caught:
        await send(WebhookChannel, Destination("http://127.0.0.1:9/hook", "k"))
    assert caught.value.retryable


async def test_ntfy_publishes_json_with_priority_click_and_playbook_action(
    web: LocalWeb,
) -> None:
    recorder = Recorder()
    web.handle("/", recorder)
    await send(NtfyChannel, Destination("alerts-x7q", "tk"), ntfy_url=web.url(""))
    [call] = recorder.calls
    body = call["json"]
    assert body["topic"] == "alerts-x7q" and body["priority"] == 4
    assert body["click"] == "https://monitor.example/incidents/12"
    assert body["actions"][0]["url"].endswith("/playbooks/intimate-images?lang=en")
    assert call["headers"]["Authorization"] == "Bearer tk"


async def test_telegram_bot_api(web: LocalWeb) -> None:
    recorder = Recorder()
    web.handle("/bot123:ABC/sendMessage", recorder)
    await send(
        TelegramChannel,
        Destination("987654"),
        telegram_api_url=web.url(""),
        telegram_bot_token="123:ABC",
    )
    [call] = recorder.calls
    assert call["json"]["chat_id"] == "987654" and call["json"]["disable_web_page_preview"]
    assert "incidents/12" in call["json"]["text"]


async def test_telegram_without_a_token_is_a_clear_error() -> None:
    with pytest.raises(ChannelError, match="telegram_bot_token"):
        await send(TelegramChannel, Destination("1"))


async def test_signal_rest_bridge(web: LocalWeb) -> None:
    recorder = Recorder(status=201)
    web.handle("/v2/send", recorder)
    await send(
        SignalChannel,
        Destination("+994505551207"),
        signal_url=web.url(""),
        signal_number="+994500000001",
    )
    [call] = recorder.calls
    assert call["json"]["recipients"] == ["+994505551207"]
    assert call["json"]["number"] == "+994500000001"


async def test_matrix_uses_the_alert_key_as_transaction_id(web: LocalWeb) -> None:
    recorder = Recorder(body={"event_id": "$1"})

    async def room(request: aioweb.Request) -> aioweb.Response:
        return await recorder(request)

    web.handle("/_matrix/client/v3/rooms/!room:x.org/send/m.room.message/12:new:high:3", room)
    await send(
        MatrixChannel,
        Destination("!room:x.org"),
        matrix_url=web.url(""),
        matrix_token="tok",
    )
    [call] = recorder.calls
    assert call["method"] == "PUT" and call["json"]["msgtype"] == "m.text"
    assert call["headers"]["Authorization"] == "Bearer tok"


@pytest.mark.parametrize("mode", ["none", "starttls", "tls"])
async def test_email_over_real_smtp(tmp_path: Path, mode: str) -> None:
    with SmtpServer(tmp_path, mode) as server:
        settings = {k.removeprefix("MONITOR_").lower(): v for k, v in server.settings().items()}
        settings["smtp_port"] = int(settings["smtp_port"])
        await send(EmailChannel, Destination("activist@example.org"), **settings)
    [mail] = server.inbox.messages
    assert mail["To"] == "activist@example.org"
    assert mail["Subject"] == MESSAGE.subject
    assert mail["Message-ID"] == "<12.new.high.3@activist-monitor>"
    assert "incidents/12" in mail.get_payload(decode=True).decode()


async def test_email_refused_recipient_is_final(tmp_path: Path) -> None:
    with SmtpServer(tmp_path) as server:
        server.inbox.refuse = True
        settings = {k.removeprefix("MONITOR_").lower(): v for k, v in server.settings().items()}
        settings["smtp_port"] = int(settings["smtp_port"])
        with pytest.raises(ChannelError) as caught:
            await send(EmailChannel, Destination("nobody@example.org"), **settings)
    assert not caught.value.retryable


@pytest.mark.parametrize(
    ("channel", "good", "bad"),
    [
        (EmailChannel, "a@example.org", "not-mail"),
        (WebhookChannel, "https://hooks.example/x", "ftp://x"),
        (NtfyChannel, "my_topic-1", "bad topic!"),
        (TelegramChannel, "-100123", "someone"),
        (SignalChannel, "+994 50 555 12 07", "0505551207"),
        (MatrixChannel, "!abc:matrix.org", "#room:matrix.org"),
    ],
)
def test_destinations_are_validated(channel: type[Channel], good: str, bad: str) -> None:
    assert channel.validate_destination(good)
    with pytest.raises(InvalidInput):
        channel.validate_destination(bad)


def _all_text(message: AlertMessage) -> str:
    return json.dumps(message.to_json(), ensure_ascii=False)


def test_messages_in_each_language() -> None:
    az = text.build(FACTS, "az", "https://m.example")
    ru = text.build(FACTS, "ru", "https://m.example")
    assert "şəxsi materialların yayılması" in az.subject and "yüksək" in az.subject
    assert "утечка личных материалов" in ru.subject and "высокая" in ru.subject
    assert text.build(FACTS, "fr", "https://m.example").lang == "en"


def test_digest_lists_every_held_alert_most_severe_first() -> None:
    low = text.build(
        text.AlertFacts("1:new:low:1", "smear", "low", "new", 1, FACTS.created_at), "en", "u"
    )
    digest = text.digest("digest:x", [low, MESSAGE], "en")
    assert digest.subject.startswith("2 alert(s)")
    assert digest.text.index("#12") < digest.text.index("#1,")
