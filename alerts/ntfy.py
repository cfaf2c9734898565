"""ntfy push notifications."""

from __future__ import annotations

import re
from typing import ClassVar

from alerts._http import delivered
from monitor.errors import InvalidInput
from monitor.registry import AlertMessage, Channel, Destination

TOPIC = re.compile(r"[A-Za-z0-9_-]{1,64}")
PRIORITY = {"info": 1, "low": 2, "medium": 3, "high": 4, "critical": 5}


class NtfyChannel(Channel):
    """Publishes to an ntfy topic (ntfy.sh or your own server, setting ntfy_url).

    DESTINATION is the topic name: choose a long random one, since anyone who knows a public
    topic can read it, or protect it with an access token given as --secret. The notification
    opens the incident; an action button opens the playbook.
    """

    kind: ClassVar[str] = "ntfy"
    destination_help: ClassVar[str] = "topic"
    settings: ClassVar[tuple[str, ...]] = ("ntfy_url",)

    @classmethod
    def validate_destination(cls, address: str) -> str:
        topic = address.strip()
        if not TOPIC.fullmatch(topic):
            raise InvalidInput(f"{address!r} is not an ntfy topic (letters, digits, - and _).")
        return topic

    async def send(self, message: AlertMessage, destination: Destination) -> None:
        payload: dict[str, object] = {
            "topic": destination.address,
            "title": message.subject,
            "message": message.text,
            "priority": PRIORITY.get(message.severity, 3),
            "tags": [message.kind, message.severity],
            "click": message.incident_url,
        }
        if message.playbook_url:
            label = message.playbook_title or "Playbook"
            payload["actions"] = [{"action": "view", "label": label, "url": message.playbook_url}]
        headers = {"X-Message-ID": message.key}
        if destination.secret:
            headers["Authorization"] = f"Bearer {destination.secret}"
        url = self.config.ntfy_url.rstrip("/") + "/"
        await delivered(self.http.request("POST", url, json=payload, headers=headers), "ntfy")
