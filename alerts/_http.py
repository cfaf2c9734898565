"""What the HTTP channels share: turning an HTTP outcome into a ChannelError."""

from __future__ import annotations

from collections.abc import Awaitable

from monitor.net import FetchError, Response
from monitor.registry import ChannelError

# 4xx answers that mean "not now" rather than "never".
RETRYABLE_CLIENT_ERRORS = frozenset({408, 409, 425, 429})


async def delivered(pending: Awaitable[Response], service: str) -> Response:
    """Await a request; raise ChannelError unless the service accepted it (2xx)."""
    try:
        response = await pending
    except FetchError as exc:
        raise ChannelError(f"{service}: {exc.message}", retryable=exc.retryable) from exc
    if 200 <= response.status < 300:
        return response
    retryable = response.status >= 500 or response.status in RETRYABLE_CLIENT_ERRORS
    raise ChannelError(f"{service} answered HTTP {response.status}", retryable=retryable)
