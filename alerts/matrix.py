"""Matrix room messages through the client-server API."""

from __future__ import annotations

import re
from typing import ClassVar
from urllib.parse import quote

from alerts._http import delivered
from monitor.errors import InvalidInput
from monitor.registry import AlertMessage, Channel, ChannelError, Destination

ROOM = re.compile(r"![A-Za-z0-9._=+/-]+:[A-Za-z0-9.-]+(:\d+)?")


class MatrixChannel(Channel):
    """Posts to a Matrix room as the alert bot (matrix_url, matrix_token).

    DESTINATION is the room id (!abc:server.org), which the bot must have joined; use an
    end-to-end encrypted room only if the bot's client supports it. The alert's key is the
    transaction id, so the homeserver itself drops a repeat sent after a crash.
    """

    kind: ClassVar[str] = "matrix"
    destination_help: ClassVar[str] = "room id"
    settings: ClassVar[tuple[str, ...]] = ("matrix_url", "matrix_token")

    @classmethod
    def validate_destination(cls, address: str) -> str:
        room = address.strip()
        if not ROOM.fullmatch(room):
            raise InvalidInput(f"{address!r} is not a Matrix room id (!room:server).")
        return room

    async def send(self, message: AlertMessage, destination: Destination) -> None:
        if not (self.config.matrix_url and self.config.matrix_token):
            raise ChannelError("matrix: matrix_url and matrix_token must be set", retryable=False)
        room = quote(destination.address, safe="")
        transaction = quote(message.key, safe="")
        url = (
            f"{self.config.matrix_url.rstrip('/')}/_matrix/client/v3/rooms/{room}"
            f"/send/m.room.message/{transaction}"
        )
        payload = {"msgtype": "m.text", "body": message.text}
        headers = {"Authorization": f"Bearer {self.config.matrix_token}"}
        await delivered(self.http.request("PUT", url, json=payload, headers=headers), "matrix")
