"""The one outbound HTTP client: every collector and channel goes through `HttpClient`.

The pages we watch may be run by the adversary, so every response is treated as hostile:

* Private, loopback, link-local, multicast, reserved, unspecified and shared (CGNAT) addresses
  are refused, unless `allow_private_addresses` is set. Host names are checked *after* DNS
  resolution, inside the resolver aiohttp connects with, so the connection can only go to an
  address that passed the check (no second lookup for a rebinding DNS server to answer
  differently). IP literals are checked before connecting. Both happen on every redirect hop.
* Through a proxy, DNS happens at the proxy (that is the point of Tor), so only IP literals and
  obviously local names (`localhost`, `*.localhost`, `*.local`, `*.internal`, `*.home.arpa`)
  can be refused here; the proxy itself must refuse the rest.
* Bodies are capped on the declared Content-Length, while streaming, and after decompression,
  which is done here (bounded output per step) so a gzip bomb is never inflated in memory.
* Redirects are followed by hand so each hop is checked, counted and recorded for evidence.
* Every failure becomes one `FetchError` with a stable `code` and a short message that never
  quotes the response, so it is safe to show a trainer and to store as a source's health.
"""

from __future__ import annotations

import asyncio
import dataclasses
import email.message
import email.utils
import ipaddress
import logging
import re
import socket
import ssl
import time
import weakref
import zlib
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from http import HTTPStatus
from json import dumps as json_dumps
from types import TracebackType
from typing import Any
from urllib.parse import urlencode

import aiohttp
import aiohttp_socks
from aiohttp.abc import AbstractResolver, ResolveResult
from multidict import CIMultiDict
from python_socks import ProxyType
from yarl import URL

from monitor.config import Config
from monitor.registry import Fetched

log = logging.getLogger(__name__)

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

GLOBAL_CONNECTION_LIMIT = 100
"""Open connections per session at once, across all hosts: a ceiling on sockets in use."""

BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
ACCEPT_ENCODING = "gzip, deflate"
"""Only codings decoded here with a bounded output; brotli/zstd would bypass the bomb check."""

PRIVATE_HINT = "set MONITOR_ALLOW_PRIVATE_ADDRESSES=1 only for local labs"
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
RETRYABLE_STATUSES = frozenset({408, 425, 429})
LOCAL_SUFFIXES = (".localhost", ".local", ".internal", ".home.arpa")
CREDENTIAL_HEADERS = ("Authorization", "Cookie", "Proxy-Authorization")
BODY_HEADERS = ("Content-Type", "Content-Length")
PROXY_TYPES = {
    "socks5": ProxyType.SOCKS5,
    "socks5h": ProxyType.SOCKS5,
    "socks4": ProxyType.SOCKS4,
    "socks4a": ProxyType.SOCKS4,
    "http": ProxyType.HTTP,
}
CGNAT = ipaddress.ip_network("100.64.0.0/10")
NAT64 = ipaddress.ip_network("64:ff9b::/96")
_HOST_NAME = re.compile(r"^[a-z0-9_-]+(\.[a-z0-9_-]+)*\.?$")
_NUMERIC_LABEL = re.compile(r"^(0x[0-9a-f]*|[0-9]+)$")
GZIP_MAGIC = b"\x1f\x8b"
_READ_CHUNK = 64 * 1024
_INFLATE_STEP = 256 * 1024


class FetchError(Exception):
    """Why a request failed, for a person and for the scheduler.

    `code` is stable (scripts, translations and source health key on it); `message` says what
    happened in a few words and never quotes response content or credentials; `retryable`
    tells the scheduler or outbox whether trying again later can help. For HTTP errors,
    `status` is the status code and `retry_after` the server's Retry-After in seconds.
    """

    def __init__(
        self,
        code: str,
        message: str,
        *,
        retryable: bool,
        status: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.retryable = retryable
        self.status = status
        self.retry_after = retry_after


class _PrivateAddressError(OSError):
    """Raised inside the resolver; an OSError so aiohttp carries it out as a DNS failure."""


@dataclasses.dataclass(frozen=True)
class Response:
    """One completed exchange, kept whole for evidence.

    `headers` are the final response's (name, value) pairs in the order received, decoded as
    ISO-8859-1 so `value.encode("latin-1")` gives back the exact bytes. `raw` is the body as
    sent on the wire (still compressed); `body` is the decoded content. `redirects` lists each
    redirect as (status, URL that answered with it), so `redirects[0][1]` is the first URL.
    """

    url: str
    final_url: str
    status: int
    reason: str
    headers: tuple[tuple[str, str], ...]
    raw: bytes
    body: bytes
    fetched_at: datetime
    redirects: tuple[tuple[int, str], ...] = ()
    elapsed: float = 0.0
    http_version: str = "1.1"

    @property
    def not_modified(self) -> bool:
        """True for a 304 answer to a conditional GET: nothing new to read."""
        return self.status == 304

    def header(self, name: str) -> str | None:
        """The first value of a header, matched case-insensitively, or None."""
        wanted = name.lower()
        return next((value for key, value in self.headers if key.lower() == wanted), None)

    @property
    def etag(self) -> str | None:
        return self.header("ETag")

    @property
    def last_modified(self) -> str | None:
        return self.header("Last-Modified")

    @property
    def content_type(self) -> str | None:
        """The media type without parameters, lower case (`text/html`), or None if absent."""
        parsed = self._parsed_content_type()
        return None if parsed is None else parsed.get_content_type()

    @property
    def charset(self) -> str | None:
        """The charset parameter of Content-Type, lower case, or None if absent."""
        parsed = self._parsed_content_type()
        charset = None if parsed is None else parsed.get_param("charset")
        return charset.lower() if isinstance(charset, str) else None

    def _parsed_content_type(self) -> email.message.Message | None:
        value = self.header("Content-Type")
        if value is None:
            return None
        message = email.message.Message()
        message["Content-Type"] = value
        return message

    def evidence(self) -> Fetched:
        """This exchange as an evidence record: the exact bytes received and their context."""
        return Fetched(
            request_url=self.url,
            final_url=self.final_url,
            status=self.status,
            headers=self.headers,
            raw=self.raw,
            fetched_at=self.fetched_at,
        )

    def raise_for_status(self) -> Response:
        """Raise `FetchError("http_status")` for a 4xx or 5xx status; return self otherwise.

        The message uses the standard reason phrase, not the server's, which the adversary
        controls.
        """
        if self.status < 400:
            return self
        raise FetchError(
            "http_status",
            f"HTTP {self.status} {_phrase(self.status)}".rstrip(),
            retryable=self.status >= 500 or self.status in RETRYABLE_STATUSES,
            status=self.status,
            retry_after=_retry_after(self.header("Retry-After"), self.fetched_at),
        )


@dataclasses.dataclass(frozen=True)
class _Hop:
    """What one request/response exchange produced, before redirects are decided."""

    status: int
    reason: str
    headers: tuple[tuple[str, str], ...]
    raw: bytes
    fetched_at: datetime
    http_version: str


@dataclasses.dataclass(frozen=True)
class _Outgoing:
    """The parts of a request that change along a redirect chain."""

    method: str
    headers: CIMultiDict[str]
    body: bytes | None


@dataclasses.dataclass(frozen=True)
class _AddressPolicy:
    """Which IP addresses may be connected to.

    With `allow_private` everything is allowed; otherwise only global unicast addresses and
    those inside `trusted` (an admin's own bridge at a known address).
    """

    allow_private: bool
    trusted: tuple[IPNetwork, ...] = ()

    def refusal(self, address: IPAddress) -> str | None:
        """Why `address` is refused (e.g. "a loopback address"), or None if it is allowed."""
        if self.allow_private or any(address in net for net in self.trusted):
            return None
        return _non_public_kind(address)


def _non_public_kind(address: IPAddress) -> str | None:
    """Classify addresses that are not public unicast; IPv4 embedded in IPv6 counts as IPv4."""
    embedded = _embedded_ipv4(address)
    if embedded is not None:
        return _non_public_kind(embedded)
    checks = (
        (address.is_loopback, "a loopback address"),
        (address.is_link_local, "a link-local address"),
        (address.is_unspecified, "an unspecified address"),
        (address.is_multicast, "a multicast address"),
        (address in CGNAT, "a shared (CGNAT) address"),
        (address.is_reserved, "a reserved address"),
        (address.is_private, "a private address"),
        (not address.is_global, "not a public address"),
    )
    return next((kind for hit, kind in checks if hit), None)


def _embedded_ipv4(address: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one stands for (mapped, 6to4 or NAT64), if any."""
    if not isinstance(address, ipaddress.IPv6Address):
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


class _CheckedResolver(AbstractResolver):
    """Resolves with `inner` and drops every address the policy refuses.

    aiohttp connects only to what this returns, so the check and the connection use the same
    answer. When nothing is left, the lookup fails with `_PrivateAddressError`.
    """

    def __init__(self, inner: AbstractResolver, policy: _AddressPolicy) -> None:
        self._inner = inner
        self._policy = policy

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        results = await self._inner.resolve(host, port, family)
        if not results:
            raise socket.gaierror(socket.EAI_NONAME, "no addresses")
        allowed = [r for r in results if self._policy.refusal(_ip(r["host"])) is None]
        if not allowed:
            first = results[0]["host"]
            kind = self._policy.refusal(_ip(first))
            raise _PrivateAddressError(
                f"refused: {host} resolves to {first}, {kind} ({PRIVATE_HINT})"
            )
        return allowed

    async def close(self) -> None:
        """Nothing to release: the client closes the inner resolver it created."""


def _ip(text: str) -> IPAddress:
    return ipaddress.ip_address(text)


class HttpClient:
    """Shared HTTP access for collectors and channels; use as `async with HttpClient(cfg)`.

    One aiohttp session serves direct traffic (and the global proxy, if set); one more is made
    on first use for each distinct per-call proxy. `allow_private` overrides the config for
    channels that post to an admin-configured local bridge; `trusted_networks` opens only the
    listed networks instead of all private space. `resolver` replaces aiohttp's default DNS
    resolver (its answers are still filtered).
    """

    def __init__(
        self,
        config: Config,
        *,
        allow_private: bool | None = None,
        trusted_networks: Iterable[str] = (),
        resolver: AbstractResolver | None = None,
    ) -> None:
        self._config = config
        allowed = config.allow_private_addresses if allow_private is None else allow_private
        self._policy = _AddressPolicy(
            allowed, tuple(ipaddress.ip_network(n, strict=False) for n in trusted_networks)
        )
        self._given_resolver = resolver
        self._own_resolver: AbstractResolver | None = None
        self._session: aiohttp.ClientSession | None = None
        self._proxy_sessions: dict[str, aiohttp.ClientSession] = {}
        self._host_slots: weakref.WeakValueDictionary[str, asyncio.Semaphore] = (
            weakref.WeakValueDictionary()
        )

    @property
    def config(self) -> Config:
        """The settings this client was made with (timeouts, caps, proxy)."""
        return self._config

    def refusal(self, address: IPAddress) -> str | None:
        """Why this client would refuse to connect to `address`, or None: the same policy for
        other protocols (IMAP) as for HTTP."""
        return self._policy.refusal(address)

    async def __aenter__(self) -> HttpClient:
        inner = self._given_resolver
        if inner is None:
            inner = self._own_resolver = aiohttp.DefaultResolver()
        resolver = inner if self._policy.allow_private else _CheckedResolver(inner, self._policy)
        connector = aiohttp.TCPConnector(limit=GLOBAL_CONNECTION_LIMIT, resolver=resolver)
        self._session = self._new_session(connector)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def close(self) -> None:
        """Close every session and the resolver this client created."""
        sessions = [s for s in (self._session, *self._proxy_sessions.values()) if s is not None]
        self._session = None
        self._proxy_sessions = {}
        for session in sessions:
            await session.close()
        if self._own_resolver is not None:
            await self._own_resolver.close()
            self._own_resolver = None

    def _new_session(self, connector: aiohttp.BaseConnector) -> aiohttp.ClientSession:
        """A session that decompresses nothing, keeps no cookies and reads no proxy env vars.

        Cookies would let a watched site recognise the monitor across fetches.
        """
        seconds = self._config.http_timeout
        return aiohttp.ClientSession(
            connector=connector,
            timeout=aiohttp.ClientTimeout(total=seconds, connect=seconds, sock_read=seconds),
            auto_decompress=False,
            cookie_jar=aiohttp.DummyCookieJar(),
            trust_env=False,
        )

    async def get(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        headers: Mapping[str, str] | None = None,
        max_bytes: int | None = None,
        proxy: str | None = None,
        accept: str | None = None,
    ) -> Response:
        """GET `url`; with `etag`/`last_modified` a 304 comes back as `not_modified`.

        A 4xx/5xx is returned, not raised (call `raise_for_status()`): a collector may still
        want to keep it as evidence. `proxy` overrides the global proxy for this call.
        """
        outgoing = self._headers(headers, accept or BROWSER_ACCEPT)
        if etag:
            outgoing["If-None-Match"] = etag
        if last_modified:
            outgoing["If-Modified-Since"] = last_modified
        return await self._fetch(url, _Outgoing("GET", outgoing, None), max_bytes, proxy)

    async def request(
        self,
        method: str,
        url: str,
        *,
        json: Any = None,
        data: bytes | str | Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        max_bytes: int | None = None,
        proxy: str | None = None,
    ) -> Response:
        """Send `method` with a JSON or form/bytes body (channels posting alerts).

        The body is built once so a 307/308 redirect can send it again.
        """
        outgoing = self._headers(headers, "*/*")
        body = _encode_body(json, data, outgoing)
        return await self._fetch(url, _Outgoing(method.upper(), outgoing, body), max_bytes, proxy)

    def _headers(self, extra: Mapping[str, str] | None, accept: str) -> CIMultiDict[str]:
        """Browser-like defaults, the caller's headers, then our fixed Accept-Encoding."""
        headers: CIMultiDict[str] = CIMultiDict(
            {"User-Agent": self._config.user_agent, "Accept": accept}
        )
        headers["Accept-Language"] = "en-US,en;q=0.5"
        for name, value in (extra or {}).items():
            headers[name] = value
        headers["Accept-Encoding"] = ACCEPT_ENCODING
        return headers

    async def _fetch(
        self, url: str, outgoing: _Outgoing, max_bytes: int | None, proxy: str | None
    ) -> Response:
        started = time.monotonic()
        host = ""
        try:
            target = _parse_target(url, "the URL")
            host = target.raw_host or ""
            session, proxied = self._session_for(proxy or self._config.proxy)
            response = await self._follow(
                session, proxied, url, target, outgoing, max_bytes or self._config.http_max_bytes
            )
        except FetchError as exc:
            log.info("fetch failed host=%s code=%s", host, exc.code)
            raise
        response = dataclasses.replace(response, elapsed=time.monotonic() - started)
        log.debug(
            "fetched host=%s status=%d bytes=%d hops=%d elapsed=%.2f",
            host,
            response.status,
            len(response.raw),
            len(response.redirects),
            response.elapsed,
        )
        return response

    async def _follow(
        self,
        session: aiohttp.ClientSession,
        proxied: bool,
        url: str,
        target: URL,
        outgoing: _Outgoing,
        cap: int,
    ) -> Response:
        """Send, and follow redirects by hand so every hop is checked and recorded."""
        redirects: list[tuple[int, str]] = []
        seen = {str(target)}
        while True:
            self._check_host(target, proxied)
            hop = await self._exchange(session, target, outgoing, cap)
            location = _header(hop.headers, "Location")
            if hop.status not in REDIRECT_STATUSES or location is None:
                return _response(url, target, hop, tuple(redirects), cap)
            redirects.append((hop.status, str(target)))
            step = len(redirects)
            following = _parse_target(location, f"the redirect at hop {step}", base=target)
            _check_redirect(step, str(following), seen, self._config.http_max_redirects)
            seen.add(str(following))
            outgoing = _redirected(outgoing, hop.status, target, following)
            target = following

    def _session_for(self, proxy: str) -> tuple[aiohttp.ClientSession, bool]:
        """The direct session, or the one for `proxy` (made on first use)."""
        if self._session is None:
            raise RuntimeError("HttpClient must be used as `async with HttpClient(config)`")
        if not proxy:
            return self._session, False
        if proxy not in self._proxy_sessions:
            self._proxy_sessions[proxy] = self._new_session(_proxy_connector(proxy))
        return self._proxy_sessions[proxy], True

    def _check_host(self, target: URL, proxied: bool) -> None:
        """Refuse literal IPs always, local names only when a proxy does the DNS.

        Resolved names are checked in `_CheckedResolver` instead, at connection time.
        """
        literal = _literal_ip(target)
        if literal is not None:
            kind = self._policy.refusal(literal)
            if kind is not None:
                raise _refused(f"refused: {literal} is {kind} ({PRIVATE_HINT})")
        elif proxied and not self._policy.allow_private and is_local_name(target.raw_host):
            raise _refused(f"refused: {target.raw_host} is a local name ({PRIVATE_HINT})")

    async def _exchange(
        self, session: aiohttp.ClientSession, target: URL, outgoing: _Outgoing, cap: int
    ) -> _Hop:
        """One request and its (capped, still encoded) body, under the host's slot."""
        host = target.raw_host or ""
        slot = self._host_slot(host)
        try:
            async with slot, asyncio.timeout(self._config.http_timeout):
                return await _send(session, target, outgoing, cap)
        except FetchError:
            raise
        except Exception as exc:  # every transport failure becomes a FetchError below
            translated = _translate(exc, host, self._config.http_timeout)
            if translated is None:
                raise
            log.debug("exchange failed host=%s error=%s", host, type(exc).__name__)
            raise translated from exc

    def _host_slot(self, host: str) -> asyncio.Semaphore:
        """The per-host semaphore; it lives only while some request holds or awaits it."""
        slot = self._host_slots.get(host)
        if slot is None:
            slot = asyncio.Semaphore(max(1, self._config.http_per_host))
            self._host_slots[host] = slot
        return slot


async def _send(session: aiohttp.ClientSession, target: URL, outgoing: _Outgoing, cap: int) -> _Hop:
    async with session.request(
        outgoing.method,
        target,
        headers=outgoing.headers,
        data=outgoing.body,
        allow_redirects=False,
    ) as resp:
        fetched_at = datetime.now(UTC)
        is_redirect = resp.status in REDIRECT_STATUSES and "Location" in resp.headers
        raw = b"" if is_redirect else await _read_capped(resp, cap)
        return _Hop(
            status=resp.status,
            reason=resp.reason or "",
            headers=tuple((k.decode("latin-1"), v.decode("latin-1")) for k, v in resp.raw_headers),
            raw=raw,
            fetched_at=fetched_at,
            http_version=f"{resp.version.major}.{resp.version.minor}" if resp.version else "1.1",
        )


async def _read_capped(resp: aiohttp.ClientResponse, cap: int) -> bytes:
    """Read the body as sent, refusing a declared or actual size over `cap`."""
    if resp.content_length is not None and resp.content_length > cap:
        resp.close()
        raise _too_large(cap)
    body = bytearray()
    async for chunk in resp.content.iter_chunked(_READ_CHUNK):
        if len(body) + len(chunk) > cap:
            resp.close()
            raise _too_large(cap)
        body += chunk
    return bytes(body)


def _response(
    url: str, target: URL, hop: _Hop, redirects: tuple[tuple[int, str], ...], cap: int
) -> Response:
    return Response(
        url=url,
        final_url=str(target),
        status=hop.status,
        reason=hop.reason,
        headers=hop.headers,
        raw=hop.raw,
        body=_decode_body(hop.raw, _header(hop.headers, "Content-Encoding"), cap),
        fetched_at=hop.fetched_at,
        redirects=redirects,
        http_version=hop.http_version,
    )


def _decode_body(raw: bytes, content_encoding: str | None, cap: int) -> bytes:
    """Undo gzip/deflate content codings, never producing more than `cap` bytes.

    Codings are undone last-applied first; each step's output is capped, so a bomb stops
    after `cap` bytes of output instead of filling memory.
    """
    codings = [c.strip().lower() for c in (content_encoding or "").split(",") if c.strip()]
    data = raw
    for coding in reversed(codings):
        if not data or coding == "identity":
            continue
        if coding in ("gzip", "x-gzip"):
            data = _inflate(data, 32 + zlib.MAX_WBITS, cap)
        elif coding == "deflate":
            data = _inflate(data, zlib.MAX_WBITS if _is_zlib(data) else -zlib.MAX_WBITS, cap)
        else:
            raise _bad_encoding("the server used a content encoding that was not asked for")
    return data


def _is_zlib(data: bytes) -> bool:
    """Whether `deflate` data has the zlib wrapper (RFC 1950) or is raw, as some servers send."""
    return len(data) >= 2 and data[0] & 0x0F == 8 and (data[0] << 8 | data[1]) % 31 == 0


def _inflate(data: bytes, wbits: int, cap: int) -> bytes:
    """Inflate every member of `data` (gzip may hold several), failing past `cap` bytes.

    Bytes after the last member that do not start another gzip member are ignored, as
    browsers do (some servers pad with zeros).
    """
    out = bytearray()
    while data:
        inflater = zlib.decompressobj(wbits)
        pending = data
        while not inflater.eof:
            try:
                piece = inflater.decompress(pending, min(_INFLATE_STEP, cap + 1 - len(out)))
            except zlib.error:
                raise _bad_encoding("the compressed body is corrupt") from None
            out += piece
            if len(out) > cap:
                raise FetchError(
                    "decompression_bomb",
                    f"the decompressed body exceeds the {_size(cap)} cap "
                    f"({_size(len(data))} compressed); refused as a decompression bomb",
                    retryable=False,
                )
            if not piece and not inflater.unconsumed_tail:
                raise _bad_encoding("the compressed body ends early")
            pending = inflater.unconsumed_tail
        data = inflater.unused_data if inflater.unused_data.startswith(GZIP_MAGIC) else b""
    return bytes(out)


def _encode_body(
    json: Any, data: bytes | str | Mapping[str, str] | None, headers: CIMultiDict[str]
) -> bytes | None:
    """Serialise the body once and set its Content-Type unless the caller set one."""
    if json is not None:
        headers.setdefault("Content-Type", "application/json")
        return json_dumps(json, ensure_ascii=False).encode("utf-8")
    if isinstance(data, Mapping):
        headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
        return urlencode(data).encode("ascii")
    if isinstance(data, str):
        headers.setdefault("Content-Type", "text/plain; charset=utf-8")
        return data.encode("utf-8")
    return data


def _redirected(outgoing: _Outgoing, status: int, source: URL, target: URL) -> _Outgoing:
    """The request to send to the redirect target, as browsers do.

    303 (and 301/302 after a POST) turn into a GET without a body; credentials are dropped
    when the target is another origin, so a watched site cannot bounce a channel's token to
    itself.
    """
    headers = outgoing.headers.copy()
    method, body = outgoing.method, outgoing.body
    if (status == 303 and method != "HEAD") or (status in (301, 302) and method == "POST"):
        method, body = "GET", None
        for name in BODY_HEADERS:
            headers.popall(name, None)
    if source.origin() != target.origin():
        for name in CREDENTIAL_HEADERS:
            headers.popall(name, None)
    return _Outgoing(method, headers, body)


def _check_redirect(step: int, target: str, seen: set[str], limit: int) -> None:
    if target in seen:
        raise FetchError("redirect_loop", f"redirect loop at hop {step}", retryable=False)
    if step > limit:
        raise FetchError(
            "too_many_redirects",
            f"more than {limit} redirects; gave up at hop {step}",
            retryable=False,
        )


def _parse_target(text: str, what: str, base: URL | None = None) -> URL:
    """An absolute http(s) URL with a well-formed host, or `FetchError`.

    Numeric host names that are not canonical IPs (`127.1`, `2130706433`, `0x7f.1`) are
    refused: resolvers read them as IPv4 addresses, which would slip past the literal check.
    """
    try:
        url = URL(text)
        if base is not None:
            url = base.join(url)
        host = url.raw_host
    except (ValueError, TypeError):
        raise FetchError("invalid_url", f"{what} is not a valid URL", retryable=False) from None
    if url.scheme not in ("http", "https"):
        raise FetchError(
            "bad_scheme", f"{what} is not an http or https URL; refused", retryable=False
        )
    if _literal_ip(url) is None:
        _check_name(host or "", what)
    return url


def _check_name(host: str, what: str) -> None:
    if not _HOST_NAME.match(host):
        raise FetchError("invalid_url", f"{what} has no valid host name", retryable=False)
    if _NUMERIC_LABEL.match(host.rstrip(".").rsplit(".", 1)[-1]):
        raise FetchError(
            "invalid_url",
            f"{what} has a numeric host that is not a plain IP address",
            retryable=False,
        )


def _literal_ip(url: URL) -> IPAddress | None:
    try:
        return ipaddress.ip_address(url.host or "")
    except ValueError:
        return None


def is_local_name(host: str | None) -> bool:
    name = (host or "").rstrip(".").lower()
    return name == "localhost" or name.endswith(LOCAL_SUFFIXES)


def _proxy_connector(proxy: str) -> aiohttp_socks.ProxyConnector:
    """A connector through `proxy`, always resolving names at the proxy (rdns).

    socks5:// and socks4:// get remote DNS too: a local lookup would leak every watched host
    name to the local network and skip the Tor resolver.
    """
    info = proxy_info(proxy)
    return aiohttp_socks.ProxyConnector(
        proxy_type=info.proxy_type,
        host=info.host,
        port=info.port,
        username=info.username,
        password=info.password,
        rdns=True,
        limit=GLOBAL_CONNECTION_LIMIT,
    )


def proxy_info(proxy: str) -> aiohttp_socks.ProxyInfo:
    """The parsed proxy URL; the error names no part of it, since it may hold a password."""
    try:
        url = URL(proxy)
        host, port = url.host, url.explicit_port
        proxy_type = PROXY_TYPES.get(url.scheme)
    except ValueError:
        host = port = proxy_type = None
    if not host or port is None or proxy_type is None:
        raise FetchError(
            "proxy",
            "the proxy setting is not a socks5://, socks5h://, socks4:// or http:// URL "
            "with host and port",
            retryable=False,
        )
    return aiohttp_socks.ProxyInfo(proxy_type, host, port, url.user, url.password, rdns=True)


_PROXY_ERRORS = (
    aiohttp_socks.ProxyError,
    aiohttp_socks.ProxyConnectionError,
    aiohttp_socks.ProxyTimeoutError,
    aiohttp.ClientProxyConnectionError,
    aiohttp.ClientHttpProxyError,
)


def _translate(exc: BaseException, host: str, timeout: float) -> FetchError | None:
    """The FetchError for a transport failure, or None for a bug that should surface."""
    refused = _find_cause(exc, _PrivateAddressError)
    if refused is not None:
        return _refused(str(refused))
    if isinstance(exc, _PROXY_ERRORS):
        return FetchError("proxy", "the proxy could not reach the site", retryable=True)
    if isinstance(exc, TimeoutError):
        return FetchError("timeout", f"timed out after {timeout:g} s", retryable=True)
    if isinstance(exc, aiohttp.ClientConnectorCertificateError | ssl.SSLCertVerificationError):
        return FetchError("tls", f"the TLS certificate of {host} is not valid", retryable=False)
    if isinstance(exc, aiohttp.ClientSSLError | ssl.SSLError):
        return FetchError("tls", f"the TLS handshake with {host} failed", retryable=False)
    if isinstance(exc, aiohttp.ClientConnectorDNSError):
        return FetchError("dns", f"could not resolve {host}", retryable=True)
    if isinstance(exc, ValueError):
        return FetchError("invalid_url", "the URL cannot be requested", retryable=False)
    return _connection_error(exc, host)


def _connection_error(exc: BaseException, host: str) -> FetchError | None:
    if isinstance(exc, aiohttp.ServerDisconnectedError):
        message = "the server closed the connection before answering"
    elif isinstance(exc, aiohttp.ClientPayloadError):
        message = "the response body was cut short or malformed"
    elif isinstance(exc, aiohttp.ClientResponseError):
        message = "the server sent a malformed HTTP response"
    elif isinstance(exc, aiohttp.ClientError | OSError):
        message = f"could not connect to {host}"
    else:
        return None
    return FetchError("connection", message, retryable=True)


def _find_cause(exc: BaseException, kind: type[BaseException]) -> BaseException | None:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, kind):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None


def _refused(message: str) -> FetchError:
    return FetchError("private_address", message, retryable=False)


def _too_large(cap: int) -> FetchError:
    return FetchError("too_large", f"response body exceeds the {_size(cap)} cap", retryable=False)


def _bad_encoding(message: str) -> FetchError:
    return FetchError("bad_encoding", message, retryable=False)


def _header(headers: Iterable[tuple[str, str]], name: str) -> str | None:
    wanted = name.lower()
    return next((value for key, value in headers if key.lower() == wanted), None)


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def _retry_after(value: str | None, now: datetime) -> float | None:
    """Retry-After as seconds from `now`: either delay-seconds or an HTTP date."""
    if not value:
        return None
    if value.strip().isdigit():
        return float(value.strip())
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


def _size(n: int) -> str:
    """A byte count for people: 10485760 -> "10 MB"."""
    for unit, scale in (("MB", 1 << 20), ("KB", 1 << 10)):
        if n >= scale:
            return f"{n / scale:.3g} {unit}"
    return f"{n} bytes"
