"""Email over SMTP."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import formatdate
from typing import ClassVar

import aiosmtplib
import email_validator

from monitor.errors import InvalidInput
from monitor.registry import AlertMessage, Channel, ChannelError, Destination


class EmailChannel(Channel):
    """Sends a plain-text email through your SMTP server (smtp_* settings).

    DESTINATION is the recipient's address. smtp_security is starttls (port 587), tls (465)
    or none (a local relay only). The Message-ID is derived from the alert's key, so mail
    clients fold a repeat sent after a crash into the original.
    """

    kind: ClassVar[str] = "email"
    destination_help: ClassVar[str] = "email address"
    settings: ClassVar[tuple[str, ...]] = (
        "smtp_host",
        "smtp_port",
        "smtp_security",
        "smtp_username",
        "smtp_password",
        "smtp_from",
        "smtp_ca_file",
    )

    @classmethod
    def validate_destination(cls, address: str) -> str:
        try:
            return email_validator.validate_email(address, check_deliverability=False).normalized
        except email_validator.EmailNotValidError as exc:
            raise InvalidInput(f"{address!r} is not an email address: {exc}") from exc

    def compose(self, message: AlertMessage, destination: Destination) -> EmailMessage:
        mail = EmailMessage()
        mail["From"] = self.config.smtp_from
        mail["To"] = destination.address
        mail["Subject"] = message.subject
        mail["Date"] = formatdate(message.created_at.timestamp())
        mail["Message-ID"] = f"<{message.key.replace(':', '.')}@activist-monitor>"
        mail["Content-Language"] = message.lang
        mail.set_content(message.text)
        return mail

    async def send(self, message: AlertMessage, destination: Destination) -> None:
        if not self.config.smtp_host:
            raise ChannelError("email: smtp_host is not set", retryable=False)
        security = self.config.smtp_security.lower()
        try:
            await aiosmtplib.send(
                self.compose(message, destination),
                hostname=self.config.smtp_host,
                port=self.config.smtp_port,
                username=self.config.smtp_username or None,
                password=self.config.smtp_password or None,
                use_tls=security == "tls",
                start_tls=security == "starttls",
                cert_bundle=self.config.smtp_ca_file or None,
                timeout=self.config.alert_timeout,
            )
        except aiosmtplib.SMTPRecipientsRefused as exc:
            raise ChannelError("email: the server refused the recipient", retryable=False) from exc
        except aiosmtplib.SMTPResponseException as exc:
            raise ChannelError(
                f"email: SMTP error {exc.code}", retryable=exc.code >= 400 and exc.code < 500
            ) from exc
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
            raise ChannelError(f"email: {type(exc).__name__}", retryable=True) from exc
