"""A real SMTP server for tests (aiosmtpd), plain, STARTTLS or implicit TLS.

The TLS certificate is made per test run by a throwaway CA written to disk, so the client can
be pointed at the CA with `smtp_ca_file` and verify the server the way it would in production.
"""

from __future__ import annotations

import email
import ipaddress
import socket
import ssl
from dataclasses import dataclass, field
from email.message import Message
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from cryptography import x509

from tests.conftest import issue, make_ca, write_certificate, write_key


@dataclass
class Inbox:
    """Collects every message the server accepted."""

    messages: list[Message] = field(default_factory=list)
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)
    refuse: bool = False

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        if self.refuse:
            return "550 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(email.message_from_bytes(envelope.content))
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 Message accepted"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def make_tls(folder: Path) -> tuple[ssl.SSLContext, Path]:
    """A server context for 127.0.0.1 signed by a new CA; returns it and the CA's PEM path."""
    ca_key, ca = make_ca("test CA")
    address = x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))])
    key, cert = issue(ca_key, ca, "127.0.0.1", [(address, False)])
    ca_path = write_certificate(folder / "ca.pem", ca)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(
        write_certificate(folder / "cert.pem", cert), write_key(folder / "key.pem", key)
    )
    return context, ca_path


class SmtpServer:
    """aiosmtpd on 127.0.0.1 in its own thread; `mode` is none, starttls or tls."""

    def __init__(self, folder: Path, mode: str = "none") -> None:
        self.inbox = Inbox()
        self.port = free_port()
        self.ca_file: Path | None = None
        kwargs: dict[str, Any] = {}
        if mode != "none":
            context, self.ca_file = make_tls(folder)
            if mode == "tls":
                kwargs["ssl_context"] = context
            else:
                kwargs["tls_context"] = context
                kwargs["require_starttls"] = True
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port, **kwargs)
        self.mode = mode

    def __enter__(self) -> SmtpServer:
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()

    def settings(self) -> dict[str, str]:
        """Environment for the monitor to use this server."""
        values = {
            "MONITOR_SMTP_HOST": "127.0.0.1",
            "MONITOR_SMTP_PORT": str(self.port),
            "MONITOR_SMTP_SECURITY": self.mode,
            "MONITOR_SMTP_FROM": "alerts@monitor.example",
        }
        if self.ca_file:
            values["MONITOR_SMTP_CA_FILE"] = str(self.ca_file)
        return values
