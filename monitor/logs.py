"""Logging that carries identifiers only, with a redacting filter as the backstop.

Code logs ids and kinds (`source_id=12 kind=feed`); this filter additionally masks anything
that looks like an email address, a phone number, a URL path or query, or a configured secret,
in case a message or an exception text slips one through.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Iterable
from typing import TextIO

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_URL = re.compile(r"\b([a-z][a-z0-9+.-]*://[^/\s?#]+)[^\s'\"]*", re.IGNORECASE)
_NUMBER = re.compile(r"(?<![\w.:])\+?\d[\d\s().-]{7,}\d(?![\w.:])")
_IPV4 = re.compile(r"\d{1,3}(?:\.\d{1,3}){3}")
PHONE_DIGITS = 9


def _mask_number(match: re.Match[str]) -> str:
    """Long digit runs (phone numbers, ids of people) are masked; IP addresses are not."""
    text = match.group(0)
    if _IPV4.fullmatch(text) or sum(c.isdigit() for c in text) < PHONE_DIGITS:
        return text
    return "<number>"


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    for secret in secrets:
        if secret:
            text = text.replace(secret, "<secret>")
    text = _EMAIL.sub("<email>", text)
    text = _URL.sub(r"\1/<path>", text)
    return _NUMBER.sub(_mask_number, text)


class RedactingFilter(logging.Filter):
    """Rewrites each record's final message through `redact`."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self.secrets = tuple(s for s in secrets if s)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if record.exc_info:
            message += "\n" + logging.Formatter().formatException(record.exc_info)
            record.exc_info = None
            record.exc_text = None
        record.msg = redact(message, self.secrets)
        record.args = ()
        return True


def configure(
    level: str = "INFO", secrets: Iterable[str] = (), stream: TextIO | None = None
) -> None:
    """Send `monitor`, `collectors` and `alerts` logs to stderr through the redacting filter."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactingFilter(secrets))
    root = logging.getLogger()
    for existing in list(root.handlers):
        if getattr(existing, "_monitor", False):
            root.removeHandler(existing)
    handler._monitor = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level.upper())
    # alembic narrates every migration step at INFO; only its warnings are news to a user.
    logging.getLogger("alembic").setLevel(max(logging.WARNING, root.level))
