"""Helpers every HTTP collector shares: target URLs and turning a response into evidence."""

from __future__ import annotations

from urllib.parse import urlsplit

from monitor.errors import InvalidInput
from monitor.net import Response
from monitor.registry import Fetched


def validate_url(target: str, what: str) -> str:
    """An absolute http(s) URL with a host, stripped of surrounding space."""
    url = target.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidInput(f"{target!r} is not a {what} URL (expected http:// or https://...).")
    return url


def fetched(response: Response) -> Fetched:
    """The evidence record of an exchange: exact bytes as received, and their context."""
    return response.evidence()
