"""monitor.net against real local servers: no patching of aiohttp or of the client.

Every server here listens on 127.0.0.1; the addresses the private-address tests refuse are
refused before any connection is attempted, and only loopback ones go through the client.
"""

from __future__ import annotations

import asyncio
import gzip
import ipaddress
import json
import re
import socket
import sys
import tracemalloc
import zlib
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC
from typing import Any

import pytest
from aiohttp import web
from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.test_utils import TestServer

from monitor.config import Config
from monitor.net import FetchError, HttpClient, Response, _AddressPolicy

SECRET = "SECRET-MARKER-7f3a"
BIG = 2_000_000
CAP = 1_000_000


def make_config(**overrides: Any) -> Config:
    values: dict[str, Any] = {
        "allow_private_addresses": True,
        "http_timeout": 2.0,
        "http_max_bytes": CAP,
        "data_dir": "/nonexistent/monitor-test",
        "config_dir": "/nonexistent/monitor-test",
    }
    values.update(overrides)
    return Config(**values)


class FixedResolver(AbstractResolver):
    """A real resolver with a fixed zone, standing in for DNS (which tests may not reach)."""

    def __init__(self, zone: dict[str, str]) -> None:
        self.zone = zone

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        if host not in self.zone:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        address = self.zone[host]
        kind = socket.AF_INET6 if ":" in address else socket.AF_INET
        return [
            {"hostname": host, "host": address, "port": port, "family": kind, "proto": 0,
             "flags": 0}
        ]  # fmt: skip

    async def close(self) -> None:
        return None


# --- the test site -----------------------------------------------------------------------


def gzip_bomb(inflated: int) -> bytes:
    """`inflated` zero bytes as gzip, built in steps so the test itself stays small."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = bytes(1 << 20)
    parts = [packer.compress(block) for _ in range(inflated // len(block))]
    parts.append(packer.flush())
    return b"".join(parts)


BOMB = gzip_bomb(200 * (1 << 20))


class Site:
    """Handlers for every behaviour under test, with counters the tests read."""

    def __init__(self) -> None:
        self.active = 0
        self.peak = 0
        self.seen: list[dict[str, Any]] = []

    def app(self) -> web.Application:
        app = web.Application()
        r = app.router
        r.add_get("/hello", self.hello)
        r.add_get("/gzip", self.gzipped)
        r.add_get("/gzip-members", self.gzip_members)
        r.add_get("/deflate/{kind}", self.deflated)
        r.add_get("/cond", self.conditional)
        r.add_get("/chain/{n}", self.chain)
        r.add_get("/dir/sub/rel", self.relative)
        r.add_get("/loop/{name}", self.loop)
        r.add_get("/many/{n}", self.many)
        r.add_get("/scheme", self.scheme)
        r.add_get("/error", self.error)
        r.add_get("/busy", self.busy)
        r.add_get("/sleep", self.sleep)
        r.add_get("/drip", self.drip)
        r.add_get("/big", self.big)
        r.add_get("/chunked", self.chunked)
        r.add_get("/bomb", self.bomb)
        r.add_get("/badgzip", self.bad_gzip)
        r.add_get("/truncgzip", self.truncated_gzip)
        r.add_get("/brotli", self.brotli)
        r.add_get("/count", self.count)
        r.add_get("/redirect", self.redirect_to)
        r.add_route("*", "/echo", self.echo)
        r.add_route("*", "/status/{code}", self.redirect_status)
        return app

    async def hello(self, request: web.Request) -> web.Response:
        headers = [
            ("Content-Type", "text/html; charset=ISO-8859-1"),
            ("X-Multi", "one"),
            ("X-Multi", "two"),
            ("ETag", '"abc"'),
        ]
        response = web.Response(body=b"hello world")
        for name, value in headers:
            response.headers.add(name, value)
        return response

    async def gzipped(self, request: web.Request) -> web.Response:
        body = gzip.compress(b"<p>compressed page</p>" * 100)
        return web.Response(body=body, headers={"Content-Encoding": "gzip"})

    async def gzip_members(self, request: web.Request) -> web.Response:
        body = gzip.compress(b"first ") + gzip.compress(b"second") + bytes(8)
        return web.Response(body=body, headers={"Content-Encoding": "gzip"})

    async def deflated(self, request: web.Request) -> web.Response:
        data = b"deflated content " * 50
        if request.match_info["kind"] == "zlib":
            body = zlib.compress(data)
        else:
            packer = zlib.compressobj(6, zlib.DEFLATED, -15)
            body = packer.compress(data) + packer.flush()
        return web.Response(body=body, headers={"Content-Encoding": "deflate"})

    async def conditional(self, request: web.Request) -> web.Response:
        etag, modified = '"v1"', "Wed, 01 Jan 2025 00:00:00 GMT"
        headers = {"ETag": etag, "Last-Modified": modified}
        if request.headers.get("If-None-Match") == etag:
            return web.Response(status=304, headers=headers)
        if request.headers.get("If-Modified-Since") == modified:
            return web.Response(status=304, headers=headers)
        return web.Response(text="feed v1", headers=headers)

    async def chain(self, request: web.Request) -> web.Response:
        n = int(request.match_info["n"])
        if n == 0:
            return web.Response(text="end of chain")
        status = {3: 301, 2: 302, 1: 307}[n]
        return web.Response(status=status, headers={"Location": f"/chain/{n - 1}"})

    async def relative(self, request: web.Request) -> web.Response:
        return web.Response(status=302, headers={"Location": "../../hello"})

    async def loop(self, request: web.Request) -> web.Response:
        following = "b" if request.match_info["name"] == "a" else "a"
        return web.Response(status=302, headers={"Location": f"/loop/{following}"})

    async def many(self, request: web.Request) -> web.Response:
        n = int(request.match_info["n"])
        return web.Response(status=302, headers={"Location": f"/many/{n + 1}"})

    async def scheme(self, request: web.Request) -> web.Response:
        return web.Response(status=302, headers={"Location": request.query["to"]})

    async def redirect_to(self, request: web.Request) -> web.Response:
        return web.Response(status=302, headers={"Location": request.query["to"]})

    async def error(self, request: web.Request) -> web.Response:
        return web.Response(status=500, reason=SECRET, text=f"stack trace {SECRET}")

    async def busy(self, request: web.Request) -> web.Response:
        return web.Response(status=503, headers={"Retry-After": "7"}, text=SECRET)

    async def sleep(self, request: web.Request) -> web.Response:
        await asyncio.sleep(10)
        return web.Response(text="too late")

    async def drip(self, request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse()
        response.enable_chunked_encoding()
        await response.prepare(request)
        for _ in range(100):
            await response.write(b"x")
            await asyncio.sleep(0.1)
        return response

    async def big(self, request: web.Request) -> web.Response:
        return web.Response(body=SECRET.encode() * (BIG // len(SECRET) + 1))

    async def chunked(self, request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse()
        response.enable_chunked_encoding()
        await response.prepare(request)
        chunk = SECRET.encode() * 4096
        for _ in range(BIG // len(chunk) + 1):
            await response.write(chunk)
        return response

    async def bomb(self, request: web.Request) -> web.Response:
        return web.Response(body=BOMB, headers={"Content-Encoding": "gzip"})

    async def bad_gzip(self, request: web.Request) -> web.Response:
        return web.Response(body=SECRET.encode() * 10, headers={"Content-Encoding": "gzip"})

    async def truncated_gzip(self, request: web.Request) -> web.Response:
        body = gzip.compress(SECRET.encode() * 1000)
        return web.Response(body=body[: len(body) // 2], headers={"Content-Encoding": "gzip"})

    async def brotli(self, request: web.Request) -> web.Response:
        return web.Response(body=SECRET.encode(), headers={"Content-Encoding": "br"})

    async def count(self, request: web.Request) -> web.Response:
        self.active += 1
        self.peak = max(self.peak, self.active)
        try:
            await asyncio.sleep(0.2)
        finally:
            self.active -= 1
        return web.Response(text="counted")

    async def echo(self, request: web.Request) -> web.Response:
        record = {
            "method": request.method,
            "body": (await request.read()).decode(),
            "headers": dict(request.headers),
        }
        self.seen.append(record)
        return web.json_response(record)

    async def redirect_status(self, request: web.Request) -> web.Response:
        code = int(request.match_info["code"])
        return web.Response(status=code, headers={"Location": request.query["to"]})


@pytest.fixture
def site() -> Site:
    return Site()


@pytest.fixture
async def server(
    aiohttp_server: Callable[[web.Application], Awaitable[TestServer]], site: Site
) -> TestServer:
    return await aiohttp_server(site.app())


def url(server: TestServer, path: str) -> str:
    return str(server.make_url(path))


@pytest.fixture
async def http() -> AsyncIterator[HttpClient]:
    async with HttpClient(make_config()) as client:
        yield client


async def fetch_error(call: Awaitable[Response]) -> FetchError:
    with pytest.raises(FetchError) as caught:
        await call
    assert SECRET not in caught.value.message
    return caught.value


# --- plain exchanges ---------------------------------------------------------------------


async def test_200_keeps_headers_in_order(http: HttpClient, server: TestServer) -> None:
    response = await http.get(url(server, "/hello"))
    assert response.status == 200 and response.reason == "OK"
    assert response.body == response.raw == b"hello world"
    assert [v for k, v in response.headers if k == "X-Multi"] == ["one", "two"]
    names = [k for k, _ in response.headers]
    assert names.index("Content-Type") < names.index("X-Multi") < names.index("ETag")
    assert response.header("x-multi") == "one"
    assert response.etag == '"abc"'
    assert response.content_type == "text/html" and response.charset == "iso-8859-1"
    assert response.fetched_at.tzinfo is UTC
    assert response.url == response.final_url == url(server, "/hello")
    assert response.redirects == () and response.elapsed > 0
    assert response.raise_for_status() is response


async def test_request_headers_are_browser_like(server: TestServer, site: Site) -> None:
    config = make_config(user_agent="Mozilla/5.0 Test Browser")
    async with HttpClient(config) as http:
        await http.get(url(server, "/echo"), headers={"Accept-Encoding": "br", "X-Extra": "1"})
    sent = site.seen[-1]["headers"]
    assert sent["User-Agent"] == "Mozilla/5.0 Test Browser"
    assert sent["Accept-Encoding"] == "gzip, deflate"
    assert sent["X-Extra"] == "1" and "text/html" in sent["Accept"]


async def test_gzip_raw_is_wire_bytes_body_is_decoded(http: HttpClient, server: TestServer) -> None:
    response = await http.get(url(server, "/gzip"))
    assert response.raw[:2] == b"\x1f\x8b"
    assert gzip.decompress(response.raw) == response.body
    assert response.body == b"<p>compressed page</p>" * 100
    assert response.header("Content-Encoding") == "gzip"


async def test_gzip_with_several_members_and_padding(http: HttpClient, server: TestServer) -> None:
    assert (await http.get(url(server, "/gzip-members"))).body == b"first second"


@pytest.mark.parametrize("kind", ["zlib", "raw"])
async def test_deflate_with_and_without_zlib_wrapper(
    http: HttpClient, server: TestServer, kind: str
) -> None:
    response = await http.get(url(server, f"/deflate/{kind}"))
    assert response.body == b"deflated content " * 50
    assert response.raw != response.body


async def test_conditional_get_with_etag_and_last_modified(
    http: HttpClient, server: TestServer
) -> None:
    first = await http.get(url(server, "/cond"))
    assert first.status == 200 and not first.not_modified
    by_etag = await http.get(url(server, "/cond"), etag=first.etag)
    assert by_etag.status == 304 and by_etag.not_modified and by_etag.body == b""
    by_date = await http.get(url(server, "/cond"), last_modified=first.last_modified)
    assert by_date.not_modified
    assert by_date.raise_for_status() is by_date


async def test_500_is_returned_and_raise_for_status_says_http_status(
    http: HttpClient, server: TestServer
) -> None:
    response = await http.get(url(server, "/error"))
    assert response.status == 500 and SECRET.encode() in response.body
    with pytest.raises(FetchError) as caught:
        response.raise_for_status()
    error = caught.value
    assert error.code == "http_status" and error.retryable and error.status == 500
    assert error.message == "HTTP 500 Internal Server Error"


async def test_503_carries_retry_after(http: HttpClient, server: TestServer) -> None:
    response = await http.get(url(server, "/busy"))
    with pytest.raises(FetchError) as caught:
        response.raise_for_status()
    assert caught.value.retry_after == 7.0 and caught.value.retryable


async def test_post_json_and_form(http: HttpClient, server: TestServer) -> None:
    response = await http.request("POST", url(server, "/echo"), json={"text": "alert"})
    echoed = json.loads(response.body)
    assert echoed["method"] == "POST" and json.loads(echoed["body"]) == {"text": "alert"}
    assert echoed["headers"]["Content-Type"] == "application/json"
    form = await http.request("POST", url(server, "/echo"), data={"a": "1", "b": "x y"})
    assert json.loads(form.body)["body"] == "a=1&b=x+y"


# --- redirects ---------------------------------------------------------------------------


async def test_redirect_chain_is_recorded(http: HttpClient, server: TestServer) -> None:
    response = await http.get(url(server, "/chain/3"))
    assert response.body == b"end of chain"
    assert response.final_url == url(server, "/chain/0")
    assert response.redirects == (
        (301, url(server, "/chain/3")),
        (302, url(server, "/chain/2")),
        (307, url(server, "/chain/1")),
    )


async def test_relative_redirect(http: HttpClient, server: TestServer) -> None:
    response = await http.get(url(server, "/dir/sub/rel"))
    assert response.final_url == url(server, "/hello") and response.body == b"hello world"


async def test_redirect_loop(http: HttpClient, server: TestServer) -> None:
    error = await fetch_error(http.get(url(server, "/loop/a")))
    assert error.code == "redirect_loop" and error.message == "redirect loop at hop 2"
    assert not error.retryable


async def test_too_many_redirects(server: TestServer) -> None:
    async with HttpClient(make_config(http_max_redirects=3)) as http:
        error = await fetch_error(http.get(url(server, "/many/0")))
    assert error.code == "too_many_redirects" and "3" in error.message


@pytest.mark.parametrize("target", ["file:///etc/passwd", "javascript:alert(1)", "ftp://x/"])
async def test_redirect_to_other_scheme_is_refused(
    http: HttpClient, server: TestServer, target: str
) -> None:
    response = http.get(str(server.make_url("/scheme").with_query(to=target)))
    error = await fetch_error(response)
    assert error.code == "bad_scheme" and "hop 1" in error.message


async def test_303_turns_post_into_get_and_307_keeps_it(
    http: HttpClient, server: TestServer
) -> None:
    echo = url(server, "/echo")
    seen_303 = await http.request(
        "POST", str(server.make_url("/status/303").with_query(to=echo)), json={"a": 1}
    )
    assert json.loads(seen_303.body)["method"] == "GET"
    assert json.loads(seen_303.body)["body"] == ""
    seen_307 = await http.request(
        "POST", str(server.make_url("/status/307").with_query(to=echo)), json={"a": 1}
    )
    assert json.loads(seen_307.body) | {"headers": {}} == {
        "method": "POST",
        "body": '{"a": 1}',
        "headers": {},
    }


async def test_credentials_are_not_sent_to_another_origin(
    http: HttpClient, server: TestServer
) -> None:
    other = f"http://localhost:{server.port}/echo"
    start = str(server.make_url("/status/307").with_query(to=other))
    response = await http.request(
        "POST", start, json={}, headers={"Authorization": "Bearer token-1"}
    )
    assert "Authorization" not in json.loads(response.body)["headers"]
    same = await http.request(
        "POST", url(server, "/echo"), json={}, headers={"Authorization": "Bearer token-1"}
    )
    assert json.loads(same.body)["headers"]["Authorization"] == "Bearer token-1"


# --- limits ------------------------------------------------------------------------------


async def test_server_slower_than_the_timeout(server: TestServer) -> None:
    async with HttpClient(make_config(http_timeout=0.5)) as http:
        error = await fetch_error(http.get(url(server, "/sleep")))
        assert error.code == "timeout" and error.retryable
        assert error.message == "timed out after 0.5 s"
        dripping = await fetch_error(http.get(url(server, "/drip")))
        assert dripping.code == "timeout"


async def test_body_over_cap_with_content_length(http: HttpClient, server: TestServer) -> None:
    error = await fetch_error(http.get(url(server, "/big")))
    assert error.code == "too_large" and error.message == "response body exceeds the 977 KB cap"
    smaller = await fetch_error(http.get(url(server, "/hello"), max_bytes=5))
    assert smaller.code == "too_large"


async def test_body_over_cap_chunked(http: HttpClient, server: TestServer) -> None:
    error = await fetch_error(http.get(url(server, "/chunked")))
    assert error.code == "too_large"
    fine = await http.get(url(server, "/chunked"), max_bytes=3 * BIG)
    assert len(fine.body) >= BIG


async def test_gzip_bomb_is_stopped_without_inflating_it(
    http: HttpClient, server: TestServer
) -> None:
    assert len(BOMB) < 500_000
    tracemalloc.start()
    try:
        error = await fetch_error(http.get(url(server, "/bomb")))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert error.code == "decompression_bomb"
    print(f"peak traced memory while refusing the bomb: {peak / (1 << 20):.1f} MB")
    assert peak < 20 * (1 << 20)


@pytest.mark.parametrize("path", ["/badgzip", "/truncgzip", "/brotli"])
async def test_invalid_encoding(http: HttpClient, server: TestServer, path: str) -> None:
    error = await fetch_error(http.get(url(server, path)))
    assert error.code == "bad_encoding" and not error.retryable


async def test_per_host_concurrency_is_limited(server: TestServer, site: Site) -> None:
    async with HttpClient(make_config(http_per_host=2)) as http:
        await asyncio.gather(*(http.get(url(server, "/count")) for _ in range(6)))
    assert site.peak == 2


async def test_concurrency_limit_is_per_host(server: TestServer, site: Site) -> None:
    hosts = [f"http://127.0.0.1:{server.port}/count", f"http://localhost:{server.port}/count"]
    async with HttpClient(make_config(http_per_host=1)) as http:
        await asyncio.gather(*(http.get(u) for u in hosts * 2))
    assert site.peak == 2


# --- private addresses -------------------------------------------------------------------


@pytest.fixture
async def guarded() -> AsyncIterator[HttpClient]:
    async with HttpClient(make_config(allow_private_addresses=False)) as client:
        yield client


async def test_loopback_literal_is_refused_by_default(
    guarded: HttpClient, server: TestServer, site: Site
) -> None:
    for host in ("127.0.0.1", "[::1]", "[::ffff:127.0.0.1]", "[2002:7f00:1::]"):
        error = await fetch_error(guarded.get(f"http://{host}:{server.port}/count"))
        assert error.code == "private_address" and not error.retryable
        assert "loopback" in error.message and "MONITOR_ALLOW_PRIVATE_ADDRESSES" in error.message
    assert site.peak == 0


async def test_localhost_is_refused_after_resolution(
    guarded: HttpClient, server: TestServer, site: Site
) -> None:
    error = await fetch_error(guarded.get(f"http://localhost:{server.port}/count"))
    assert error.code == "private_address"
    assert error.message.startswith("refused: localhost resolves to ")
    assert site.peak == 0


async def test_public_looking_name_that_resolves_to_loopback(
    server: TestServer, site: Site
) -> None:
    resolver = FixedResolver({"news.example": "127.0.0.1"})
    config = make_config(allow_private_addresses=False)
    async with HttpClient(config, resolver=resolver) as http:
        error = await fetch_error(http.get(f"http://news.example:{server.port}/count"))
    assert error.code == "private_address" and "news.example" in error.message
    assert site.peak == 0


async def test_redirect_from_allowed_host_to_private_is_refused(server: TestServer) -> None:
    resolver = FixedResolver({"inside.example": "127.0.0.2"})
    config = make_config(allow_private_addresses=False)
    trusted = ["127.0.0.1/32"]
    async with HttpClient(config, trusted_networks=trusted, resolver=resolver) as http:
        assert (await http.get(url(server, "/hello"))).status == 200
        for target, shown in [
            (f"http://127.0.0.2:{server.port}/hello", "127.0.0.2 is a loopback"),
            (f"http://inside.example:{server.port}/hello", "inside.example resolves to"),
        ]:
            start = str(server.make_url("/redirect").with_query(to=target))
            error = await fetch_error(http.get(start))
            assert error.code == "private_address" and shown in error.message


async def test_private_allowed_when_the_setting_is_on(server: TestServer) -> None:
    resolver = FixedResolver({"lab.example": "127.0.0.1", "localhost": "127.0.0.1"})
    async with HttpClient(make_config(allow_private_addresses=True), resolver=resolver) as http:
        for address in ("127.0.0.1", "localhost", "lab.example"):
            response = await http.get(f"http://{address}:{server.port}/hello")
            assert response.status == 200
    async with HttpClient(make_config(allow_private_addresses=False), allow_private=True) as http:
        assert (await http.get(url(server, "/hello"))).status == 200


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("10.1.2.3", "private"),
        ("172.16.0.1", "private"),
        ("192.168.1.1", "private"),
        ("169.254.169.254", "link-local"),
        ("100.64.0.1", "shared (CGNAT)"),
        ("0.0.0.0", "unspecified"),
        ("224.0.0.1", "multicast"),
        ("239.255.255.250", "multicast"),
        ("240.0.0.1", "reserved"),
        ("::1", "loopback"),
        ("::", "unspecified"),
        ("fe80::1", "link-local"),
        ("fd00::1", "private"),
        ("ff02::1", "multicast"),
        ("::ffff:10.0.0.1", "private"),
        ("::ffff:169.254.1.1", "link-local"),
        ("64:ff9b::7f00:1", "loopback"),
        ("2002:a00:1::", "private"),
    ],
)
def test_non_public_addresses_are_classified(address: str, kind: str) -> None:
    refusal = _AddressPolicy(allow_private=False).refusal(ipaddress.ip_address(address))
    assert refusal is not None and kind in refusal


@pytest.mark.parametrize("address", ["93.184.216.34", "2606:2800:220:1::1", "::ffff:1.1.1.1"])
def test_public_addresses_are_allowed(address: str) -> None:
    assert _AddressPolicy(allow_private=False).refusal(ipaddress.ip_address(address)) is None


@pytest.mark.parametrize(
    ("target", "code"),
    [
        ("ftp://example.org/", "bad_scheme"),
        ("file:///etc/passwd", "bad_scheme"),
        ("http:///no-host", "invalid_url"),
        ("http://exa mple.org/", "invalid_url"),
        ("http://2130706433/", "invalid_url"),
        ("http://127.1/", "invalid_url"),
        ("http://0x7f.0.0.1/", "invalid_url"),
    ],
)
async def test_unusable_urls(guarded: HttpClient, target: str, code: str) -> None:
    assert (await fetch_error(guarded.get(target))).code == code


# --- transport failures ------------------------------------------------------------------


async def test_dns_failure(server: TestServer) -> None:
    async with HttpClient(make_config(), resolver=FixedResolver({})) as http:
        error = await fetch_error(http.get("http://missing.example/"))
    assert error.code == "dns" and error.retryable and "missing.example" in error.message


async def test_tls_failure(http: HttpClient, server: TestServer) -> None:
    error = await fetch_error(http.get(f"https://127.0.0.1:{server.port}/hello"))
    assert error.code == "tls"


async def test_connection_refused(http: HttpClient) -> None:
    error = await fetch_error(http.get(f"http://127.0.0.1:{free_port()}/"))
    assert error.code == "connection" and error.retryable


@pytest.fixture
async def raw_server() -> AsyncIterator[Callable[[bytes], Awaitable[int]]]:
    """Starts TCP servers that answer any request with fixed bytes, then hang up."""
    servers: list[asyncio.Server] = []

    async def start(reply: bytes) -> int:
        async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            await reader.readuntil(b"\r\n\r\n")
            writer.write(reply)
            await writer.drain()
            writer.close()

        started = await asyncio.start_server(answer, "127.0.0.1", 0)
        servers.append(started)
        return int(started.sockets[0].getsockname()[1])

    yield start
    for started in servers:
        started.close()
        await started.wait_closed()


@pytest.mark.parametrize(
    "reply",
    [
        f"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{SECRET}".encode(),
        f"NOT HTTP {SECRET}\r\n\r\n".encode(),
        f"HTTP/1.1 200 OK\r\nX: {SECRET}\x00\r\n\r\n".encode(),
        b"",
    ],
    ids=["cut-short", "not-http", "bad-header", "hang-up"],
)
async def test_broken_servers_give_connection_errors(
    http: HttpClient, raw_server: Callable[[bytes], Awaitable[int]], reply: bytes
) -> None:
    port = await raw_server(reply)
    error = await fetch_error(http.get(f"http://127.0.0.1:{port}/"))
    assert error.code == "connection"


async def test_error_messages_never_quote_the_response(
    http: HttpClient, server: TestServer
) -> None:
    response = await http.get(url(server, "/error"))
    assert response.reason == SECRET
    with pytest.raises(FetchError) as caught:
        response.raise_for_status()
    assert SECRET not in str(caught.value)
    for path in ("/big", "/chunked", "/badgzip", "/truncgzip", "/brotli", "/bomb"):
        with pytest.raises(FetchError) as caught:
            await http.get(url(server, path))
        assert SECRET not in str(caught.value) and SECRET not in caught.value.message


async def test_logs_name_the_host_only(
    http: HttpClient, server: TestServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("DEBUG", logger="monitor.net")
    await http.get(url(server, f"/hello?token={SECRET}"))
    with pytest.raises(FetchError):
        await http.get(url(server, f"/big?token={SECRET}"))
    ours = "\n".join(r.getMessage() for r in caplog.records if r.name == "monitor.net")
    assert ours and SECRET not in ours and "/hello" not in ours


# --- proxies -----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class SocksProxy:
    """pproxy as a child process, with its connection log."""

    def __init__(self, process: asyncio.subprocess.Process, port: int) -> None:
        self.process = process
        self.url = f"socks5://127.0.0.1:{port}"
        self.log: list[str] = []

    async def read_log(self) -> str:
        assert self.process.stdout is not None
        while True:
            try:
                line = await asyncio.wait_for(self.process.stdout.readline(), 0.2)
            except TimeoutError:
                return "\n".join(self.log)
            if not line:
                return "\n".join(self.log)
            self.log.append(line.decode(errors="replace"))


@pytest.fixture
async def socks_proxy() -> AsyncIterator[SocksProxy]:
    pytest.importorskip("pproxy")
    port = free_port()
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        *("-m", "pproxy", "-l", f"socks5://127.0.0.1:{port}", "-v"),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    proxy = SocksProxy(process, port)
    assert process.stdout is not None
    banner = await asyncio.wait_for(process.stdout.readline(), 10)
    assert b"Serving on" in banner
    yield proxy
    process.terminate()
    await process.wait()


async def test_socks5_proxy_is_used_and_resolves_names(
    server: TestServer, socks_proxy: SocksProxy
) -> None:
    async with HttpClient(make_config(proxy=socks_proxy.url)) as http:
        response = await http.get(f"http://localhost:{server.port}/hello")
    assert response.body == b"hello world"
    log = await socks_proxy.read_log()
    assert re.search(rf"-> localhost:{server.port}", log), log


async def test_per_call_proxy(server: TestServer, socks_proxy: SocksProxy) -> None:
    socks5h = socks_proxy.url.replace("socks5://", "socks5h://")
    async with HttpClient(make_config()) as http:
        direct = await http.get(url(server, "/hello"))
        proxied = await http.get(url(server, "/gzip"), proxy=socks5h)
    assert direct.status == proxied.status == 200
    log = await socks_proxy.read_log()
    assert f"127.0.0.1:{server.port}" in log and log.count("->") == 1


async def test_proxied_requests_still_refuse_local_targets(
    server: TestServer, socks_proxy: SocksProxy
) -> None:
    config = make_config(allow_private_addresses=False, proxy=socks_proxy.url)
    async with HttpClient(config) as http:
        for host in ("127.0.0.1", "localhost", "printer.local", "db.internal", "a.localhost"):
            error = await fetch_error(http.get(f"http://{host}:{server.port}/hello"))
            assert error.code == "private_address", host
    assert "->" not in await socks_proxy.read_log()


async def test_proxy_down_and_bad_proxy_setting(server: TestServer) -> None:
    async with HttpClient(make_config()) as http:
        down = await fetch_error(
            http.get(url(server, "/hello"), proxy=f"socks5://127.0.0.1:{free_port()}")
        )
        assert down.code == "proxy" and down.retryable
        bad = await fetch_error(http.get(url(server, "/hello"), proxy="tor://user:pw@host:1"))
        assert bad.code == "proxy" and not bad.retryable and "pw" not in bad.message


def test_fixture_bomb_is_a_real_bomb() -> None:
    inflater = zlib.decompressobj(31)
    assert len(inflater.decompress(BOMB, 1 << 20)) == 1 << 20
