"""Signal messages through the signal-cli REST bridge."""

from __future__ import annotations

import re
from typing import ClassVar

from alerts._http import delivered
from monitor.errors import InvalidInput
from monitor.registry import AlertMessage, Channel, ChannelError, Destination

NUMBER = re.compile(r"\+[1-9]\d{6,14}")


class SignalChannel(Channel):
    """Sends a Signal message through a signal-cli REST API bridge (signal_url), from the
    number registered there (signal_number).

    DESTINATION is the recipient's phone number in international form (+994...).
    """

    kind: ClassVar[str] = "signal"
    destination_help: ClassVar[str] = "phone number (+...)"
    settings: ClassVar[tuple[str, ...]] = ("signal_url", "signal_number")

    @classmethod
    def validate_destination(cls, address: str) -> str:
        number = re.sub(r"[\s()-]", "", address)
        if not NUMBER.fullmatch(number):
            raise InvalidInput(f"{address!r} is not a phone number in +country form.")
        return number

    async def send(self, message: AlertMessage, destination: Destination) -> None:
        if not self.config.signal_number:
            raise ChannelError("signal: signal_number is not set", retryable=False)
        payload = {
            "message": message.text,
            "number": self.config.signal_number,
            "recipients": [destination.address],
        }
        url = f"{self.config.signal_url.rstrip('/')}/v2/send"
        await delivered(self.http.request("POST", url, json=payload), "signal")
