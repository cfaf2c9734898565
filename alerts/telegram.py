"""Telegram messages through a bot."""

from __future__ import annotations

import re
from typing import ClassVar

from alerts._http import delivered
from monitor.errors import InvalidInput
from monitor.registry import AlertMessage, Channel, ChannelError, Destination

CHAT = re.compile(r"-?\d{1,20}|@[A-Za-z][A-Za-z0-9_]{4,31}")


class TelegramChannel(Channel):
    """Sends a message from your bot (telegram_bot_token) through the Bot API.

    DESTINATION is the numeric chat id of the person (they must have started a chat with the
    bot first) or @channelname. Link previews are off, so Telegram fetches nothing itself.
    """

    kind: ClassVar[str] = "telegram"
    destination_help: ClassVar[str] = "chat id"
    settings: ClassVar[tuple[str, ...]] = ("telegram_api_url", "telegram_bot_token")

    @classmethod
    def validate_destination(cls, address: str) -> str:
        chat = address.strip()
        if not CHAT.fullmatch(chat):
            raise InvalidInput(f"{address!r} is not a Telegram chat id or @channel.")
        return chat

    async def send(self, message: AlertMessage, destination: Destination) -> None:
        token = self.config.telegram_bot_token
        if not token:
            raise ChannelError("telegram: telegram_bot_token is not set", retryable=False)
        url = f"{self.config.telegram_api_url.rstrip('/')}/bot{token}/sendMessage"
        payload = {
            "chat_id": destination.address,
            "text": message.text,
            "disable_web_page_preview": True,
        }
        await delivered(self.http.request("POST", url, json=payload), "telegram")
