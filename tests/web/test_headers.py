"""Security headers on every kind of response, one error handler, and logs without tokens."""

from __future__ import annotations

import html
import io
import logging
from html.parser import HTMLParser

import pytest

from monitor import logs
from monitor.store import Store
from monitor.web import app as web_app
from monitor.web import security
from tests.support.web_seed import Seeded
from tests.web.helpers import WebClient, bearer, signed_in


def assert_locked_down(headers: object, path: str) -> None:
    get = headers.get  # type: ignore[attr-defined]
    csp = get("Content-Security-Policy", "")
    assert "script-src 'none'" in csp or csp.startswith("sandbox"), path
    assert "frame-ancestors 'none'" in csp, path
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, path
    assert get("X-Frame-Options") == "DENY", path
    assert get("Referrer-Policy") == "no-referrer", path
    assert get("X-Content-Type-Options") == "nosniff", path


async def test_every_response_carries_the_headers(
    store: Store, seeded: Seeded, client: WebClient
) -> None:
    cookies, _ = signed_in(store, seeded.users["admin"])
    session = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}
    cases = [
        ("/login", {}),
        ("/healthz", {}),
        ("/static/style.css", {}),
        ("/static/nothing.css", {}),
        ("/dashboard", {}),
        ("/dashboard", session),
        (f"/incidents/{seeded.incident_a}", session),
        ("/incidents/987654", session),
        (f"/captures/{seeded.capture_a}/text", session),
        ("/api/openapi.json", {}),
        ("/api/incidents", {}),
        ("/api/incidents", bearer(seeded.tokens["admin"])),
    ]
    for path, headers in cases:
        reply = await client.get(path, headers=headers)
        assert_locked_down(reply.headers, path)
        if not path.startswith("/static/"):
            assert reply.headers["Cache-Control"] == "no-store", path


async def test_capture_route_is_sandboxed_plain_text(
    store: Store, seeded: Seeded, client: WebClient
) -> None:
    cookies, _ = signed_in(store, seeded.users["admin"])
    header = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}
    reply = await client.get(f"/captures/{seeded.capture_a}/text", headers=header)
    assert reply.status == 200
    assert reply.headers["Content-Type"].startswith("text/plain")
    assert reply.headers["Content-Security-Policy"] == security.SANDBOX_CSP
    assert "<script>window.__pwned" in reply.text


class Tags(HTMLParser):
    """Every element and attribute a browser would build from a document."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.attributes: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.attributes += [(tag, name, value or "") for name, value in attrs]


def parse(document: str) -> Tags:
    parser = Tags()
    parser.feed(document)
    return parser


async def test_pages_escape_captured_markup(
    store: Store, seeded: Seeded, client: WebClient
) -> None:
    cookies, _ = signed_in(store, seeded.users["admin"])
    header = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}
    page = parse((await client.get(f"/incidents/{seeded.incident_a}", headers=header)).text)
    assert not page.tags & {"script", "img", "svg", "style", "object", "embed", "base"}
    assert not [a for a in page.attributes if a[1].startswith("on") or a[1] == "style"]
    frames = [(n, v) for tag, n, v in page.attributes if tag == "iframe"]
    assert ("sandbox", "") in frames
    [srcdoc] = [v for n, v in frames if n == "srcdoc"]
    inner = parse(srcdoc)
    assert inner.tags == {"html", "head", "meta", "link", "body", "pre"}
    assert [a for a in inner.attributes if a[0] == "link"] == [
        ("link", "rel", "stylesheet"),
        ("link", "href", "/static/capture.css"),
    ]
    assert "<script>window.__pwned = 1;" in html.unescape(srcdoc)


@pytest.mark.parametrize("path", ["/nowhere", "/api/nowhere"])
async def test_unknown_routes(seeded: Seeded, client: WebClient, path: str) -> None:
    reply = await client.get(path, headers=bearer(seeded.tokens["admin"]))
    if path.startswith("/api/"):
        assert reply.status == 404
        assert reply.json() == {"ok": False, "error": "Not Found", "status": 404}
    else:
        assert reply.status == 303  # anonymous page request: sign in first


async def test_unexpected_errors_are_generic(
    store: Store, seeded: Seeded, client: WebClient
) -> None:
    """A failure nobody foresaw (here: decryption blowing up) shows no detail to the client."""
    original = store.vault.open

    def fail(*_: object) -> bytes:
        raise RuntimeError("boom with secret detail")

    store.vault.open = fail  # type: ignore[method-assign]
    try:
        reply = await client.get(
            f"/api/incidents/{seeded.incident_a}", headers=bearer(seeded.tokens["admin"])
        )
    finally:
        store.vault.open = original  # type: ignore[method-assign]
    assert reply.status == 500
    assert reply.json()["error"] == "Internal error; see the server log."
    assert "boom" not in reply.text


async def test_access_log_names_routes_not_paths(store: Store, seeded: Seeded) -> None:
    """Tokens, ids and queries never reach the log; the route pattern does."""
    from aiohttp import ClientSession

    stream = io.StringIO()
    logs.configure("INFO", stream=stream)
    server = await web_app.start(store, "127.0.0.1", 0)
    token = seeded.tokens["admin"]
    try:
        async with ClientSession() as http:
            for path in (
                f"/api/incidents/{seeded.incident_a}",
                f"/api/incidents?since=2024-01-01&token={token}",
                f"/nowhere/{token}",
                f"/login?next=/{token}",
            ):
                async with http.get(server.url + path, headers=bearer(token)) as reply:
                    await reply.read()
    finally:
        await server.stop()
        for handler in list(logging.getLogger().handlers):
            if getattr(handler, "_monitor", False):
                logging.getLogger().removeHandler(handler)
    text = stream.getvalue()
    assert "GET /api/incidents/{id} 200" in text
    assert "GET /api/incidents 200" in text
    assert token not in text and "since=" not in text and "next=" not in text
    assert f"/incidents/{seeded.incident_a}" not in text
