"""Response headers and request checks that hold for every page.

The interface runs no JavaScript at all, so the Content-Security-Policy allows no script,
no plug-in, no connection and no framing; styles and images only from this server. Captured
pages are shown as escaped text inside a sandboxed frame, and the raw capture route adds its
own `sandbox` policy. Every response is marked `no-store`: a shared or seized phone should not
hold copies of incident pages in its cache.
"""

from __future__ import annotations

import hmac
import ipaddress
from urllib.parse import urlsplit

from aiohttp import web

from monitor.web.context import STORE

CSP = "; ".join(
    (
        "default-src 'none'",
        "script-src 'none'",
        "style-src 'self'",
        "img-src 'self'",
        "font-src 'none'",
        "connect-src 'none'",
        "object-src 'none'",
        "frame-src 'none'",
        "child-src 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
    )
)
# For a capture shown on its own: a unique origin, nothing may run, load or be framed.
SANDBOX_CSP = "sandbox; default-src 'none'; frame-ancestors 'none'; form-action 'none'"
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
}
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


# Loaded by the sandboxed capture frame, whose origin is opaque: it must be allowed to read it.
FRAME_STYLESHEET = "/static/capture.css"


async def add_headers(request: web.Request, response: web.StreamResponse) -> None:
    """`on_response_prepare` hook: every response, errors and static files included."""
    if request.path == FRAME_STYLESHEET:
        response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if request.path.startswith("/static/"):
        response.headers.setdefault("Cache-Control", "public, max-age=3600")
    else:
        response.headers.setdefault("Cache-Control", "no-store")
    if request.app[STORE].config.base_url.startswith("https://"):
        response.headers.setdefault(
            "Strict-Transport-Security", "max-age=31536000; includeSubDomains"
        )


def tokens_match(expected: str | None, given: str | None) -> bool:
    """Constant-time comparison of a CSRF token (an empty or missing one never matches)."""
    if not expected or not given:
        return False
    return hmac.compare_digest(expected.encode(), given.encode())


def same_origin(request: web.Request) -> bool:
    """Defence in depth behind the CSRF token: a form posted from another site is refused.

    Browsers mark every request with Sec-Fetch-Site; a POST from a page of this site says
    `same-origin`. Origin is checked too when it names a host; under our no-referrer policy
    browsers send `Origin: null` for our own forms, so null proves nothing either way.
    """
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None and fetch_site not in ("same-origin", "none"):
        return False
    origin = request.headers.get("Origin")
    if origin is None or origin == "null":
        return True
    host = urlsplit(origin).netloc
    allowed = {request.host, urlsplit(request.app[STORE].config.base_url).netloc}
    return host in allowed


def client_address(request: web.Request) -> str:
    """The client's address for rate limiting.

    A reverse proxy on the same machine (the documented set-up) connects from loopback and
    names the real client last in X-Forwarded-For; from anywhere else that header is ignored,
    so a remote client cannot pick its own address.
    """
    peer = request.remote or "unknown"
    forwarded = request.headers.get("X-Forwarded-For")
    if forwarded and _is_loopback(peer):
        last = forwarded.split(",")[-1].strip()
        if last:
            return last
    return peer


def _is_loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


def safe_next(target: str | None, default: str = "/") -> str:
    """A local path to go back to after signing in; anything else (other hosts) is dropped."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    return target
