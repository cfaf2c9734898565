"""Signed webhooks."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import ClassVar
from urllib.parse import urlsplit

from alerts._http import delivered
from monitor.errors import InvalidInput
from monitor.registry import AlertMessage, Channel, ChannelError, Destination

SIGNATURE_HEADER = "X-Monitor-Signature"
TIMESTAMP_HEADER = "X-Monitor-Timestamp"


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """`sha256=<hex>` of HMAC-SHA256 over `<timestamp>.<body>` (the receiver recomputes it)."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + digest.hexdigest()


class WebhookChannel(Channel):
    """POSTs the alert as JSON to a URL, signed with HMAC-SHA256.

    DESTINATION is an https:// (or http://) URL; the key is the subscription's --secret or the
    webhook_secret setting. Headers: X-Monitor-Timestamp, X-Monitor-Signature
    (`sha256=` HMAC of `<timestamp>.<body>`) and Idempotency-Key, the same on every retry.
    """

    kind: ClassVar[str] = "webhook"
    destination_help: ClassVar[str] = "URL"
    settings: ClassVar[tuple[str, ...]] = ("webhook_secret",)
    user_supplied_url: ClassVar[bool] = True

    @classmethod
    def validate_destination(cls, address: str) -> str:
        parts = urlsplit(address.strip())
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise InvalidInput(f"{address!r} is not a webhook URL (http:// or https://).")
        return address.strip()

    async def send(self, message: AlertMessage, destination: Destination) -> None:
        secret = destination.secret or self.config.webhook_secret
        if not secret:
            raise ChannelError("webhook: no signing secret configured", retryable=False)
        body = json.dumps(message.to_json(), ensure_ascii=False).encode()
        timestamp = str(int(time.time()))
        headers = {
            "Content-Type": "application/json",
            TIMESTAMP_HEADER: timestamp,
            SIGNATURE_HEADER: signature(secret, timestamp, body),
            "Idempotency-Key": message.key,
        }
        await delivered(
            self.http.request("POST", destination.address, data=body, headers=headers), "webhook"
        )
