"""Security notices in an IMAP mailbox, read with the standard library's imaplib in a thread.

The mailbox is private: only messages recognised as account-security notices (collectors/
_notices.py) become items; everything else is read, judged and forgotten. Each message is read
once (the cursor is the folder's UIDVALIDITY and the last UID read) and never marked read
(EXAMINE and BODY.PEEK[]).

The connection follows the same rules as HTTP (monitor.net): the server's addresses are
checked after DNS resolution (private ones refused unless allowed), a proxy (the source's or
the global one) is used when set, with names resolved at the proxy, and certificates are
verified (`imap_ca_file` adds a CA). A password never travels in clear text: imap:// upgrades
with STARTTLS, and only a server on this machine's loopback may go without it.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import imaplib
import ipaddress
import logging
import re
import socket
import ssl
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import quote, unquote, urlsplit

import python_socks
from python_socks.sync import Proxy

from collectors import _notices
from monitor import net
from monitor.errors import InvalidInput, UserError
from monitor.net import FetchError
from monitor.registry import Collected, Collector, Fetched, Item, SourceView

if TYPE_CHECKING:
    from monitor.net import HttpClient

log = logging.getLogger(__name__)

FIRST_RUN = 50  # messages read back on a first run (or after the folder's UIDVALIDITY changed)
PER_RUN = 200  # most messages read in one run; the rest wait for the next one
FETCH_BATCH = 20
SCHEMES = ("imap", "imaps")
# IMAP has no status line; a capture of a message reads as one delivered whole, which is
# also how the WARC export presents it.
MESSAGE_HEADERS = (("Content-Type", "message/rfc822"),)
PASSWORD_IN_TARGET = (
    "The TARGET must not contain the mailbox password. Use imap(s)://user@host/folder and "
    "give the password with --secret-env VARIABLE or --ask-secret (it is stored encrypted). "
    "If that command line was saved in your shell history, change the password."
)
_UID = re.compile(rb"\bUID (\d+)")
_SIZE = re.compile(rb"\bRFC822\.SIZE (\d+)")

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


# --- the target ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class MailboxTarget:
    """imap(s)://user@host[:port]/folder, parsed. The user may be an email address."""

    scheme: str
    user: str
    host: str
    port: int | None
    folder: str

    @classmethod
    def parse(cls, target: str) -> MailboxTarget:
        parts = urlsplit(target.strip())
        if parts.scheme.lower() not in SCHEMES or not parts.hostname:
            raise InvalidInput(
                "A mailbox TARGET is imap://user@host[:port]/folder or imaps://... "
                "(e.g. imaps://alerts%40example.org@imap.example.org/INBOX)."
            )
        if parts.password is not None or ":" in parts.netloc.rpartition("@")[0]:
            raise InvalidInput(PASSWORD_IN_TARGET, code="password_in_target")
        user = unquote(parts.username or "")
        if not user or ";" in user:
            raise InvalidInput(
                "A mailbox TARGET names the login user: imaps://user@host/folder "
                "(write an @ inside the user name as %40; ;AUTH= options are not supported)."
            )
        if parts.query or parts.fragment:
            raise InvalidInput("A mailbox TARGET has no ?query or #fragment: give host/folder.")
        try:
            port = parts.port
        except ValueError:
            raise InvalidInput("The port in the mailbox TARGET is not a number.") from None
        folder = unquote(parts.path).strip("/") or "INBOX"
        return cls(parts.scheme.lower(), user, parts.hostname.lower(), port, folder)

    @property
    def tls(self) -> bool:
        return self.scheme == "imaps"

    @property
    def port_number(self) -> int:
        return self.port or (993 if self.tls else 143)

    @property
    def url(self) -> str:
        """The canonical TARGET (it never holds a password)."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        port = f":{self.port}" if self.port else ""
        return f"{self.scheme}://{quote(self.user, safe='')}@{host}{port}/{quote(self.folder)}"

    def message_url(self, uidvalidity: int, uid: int) -> str:
        """One message's IMAP URL (RFC 5092): what a capture says it was read from."""
        return f"{self.url};UIDVALIDITY={uidvalidity}/;UID={uid}"


# --- what to read --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cursor:
    """Where reading stopped: the folder's UIDVALIDITY and the last UID read."""

    uidvalidity: int | None = None
    last_uid: int = 0

    @classmethod
    def from_state(cls, state: Mapping[str, Any]) -> Cursor:
        validity = state.get("uidvalidity")
        return cls(int(validity) if validity is not None else None, int(state.get("last_uid", 0)))

    def to_state(self) -> dict[str, Any]:
        return {"uidvalidity": self.uidvalidity, "last_uid": self.last_uid}


def plan(uids: Iterable[int], uidvalidity: int, cursor: Cursor) -> tuple[list[int], Cursor]:
    """The UIDs to read now, oldest first, and the cursor once they are read.

    A new folder (or one whose UIDVALIDITY changed, so old UIDs mean nothing) is read from its
    last FIRST_RUN messages; otherwise everything after the last UID read, PER_RUN at a time.
    """
    ordered = sorted(set(uids))
    if cursor.uidvalidity != uidvalidity:
        return ordered[-FIRST_RUN:], Cursor(uidvalidity, ordered[-1] if ordered else 0)
    fresh = [uid for uid in ordered if uid > cursor.last_uid][:PER_RUN]
    return fresh, Cursor(uidvalidity, fresh[-1] if fresh else cursor.last_uid)


# --- talking IMAP (blocking; runs in a worker thread) --------------------------------------------


@dataclass(frozen=True)
class Network:
    """How to reach the server: the shared client's settings, for IMAP."""

    timeout: float
    proxy: str | None
    refusal: Callable[[IPAddress], str | None]
    ca_file: str | None
    max_bytes: int


@dataclass(frozen=True)
class Batch:
    """What one visit to the folder read."""

    uidvalidity: int
    messages: list[tuple[int, bytes]]
    cursor: Cursor
    oversized: int = 0


class _Refused(Exception):
    """The server's address is one the policy refuses."""


def read_mailbox(target: MailboxTarget, password: str, cursor: Cursor, network: Network) -> Batch:
    """Log in, open the folder read-only and fetch the messages the cursor has not seen."""
    with _failures(target.host, network.timeout):
        client = _connect(target, network)
    with _failures(target.host, network.timeout):
        try:
            _secure(client, target, network)
            _login(client, target.user, password)
            uidvalidity = _examine(client, target.folder)
            chosen, after = plan(_search(client, cursor, uidvalidity), uidvalidity, cursor)
            wanted, oversized = _small_enough(client, chosen, network.max_bytes)
            return Batch(uidvalidity, _fetch(client, wanted), after, oversized)
        finally:
            with contextlib.suppress(imaplib.IMAP4.error, OSError, EOFError):
                client.logout()


@contextlib.contextmanager
def _failures(host: str, timeout: float) -> Iterator[None]:
    """Turn transport and protocol failures into FetchError; let bugs through unchanged."""
    try:
        yield
    except Exception as exc:
        translated = _translated(exc, host, timeout)
        if translated is exc:
            raise
        raise translated from exc


class _PlainImap(imaplib.IMAP4):
    """imaplib over a socket we opened (address policy, proxy)."""

    def __init__(self, host: str, port: int, opener: _Opener, timeout: float) -> None:
        self._opener = opener
        super().__init__(host, port, timeout=timeout)

    def _create_socket(self, timeout: float | None) -> socket.socket:
        return self._opener(timeout)


class _TlsImap(imaplib.IMAP4_SSL):
    """imaplib over implicit TLS on a socket we opened, verified against the host name."""

    def __init__(
        self, host: str, port: int, opener: _Opener, context: ssl.SSLContext, timeout: float
    ) -> None:
        self._opener = opener
        super().__init__(host, port, ssl_context=context, timeout=timeout)

    def _create_socket(self, timeout: float | None) -> socket.socket:
        return self.ssl_context.wrap_socket(self._opener(timeout), server_hostname=self.host)


_Opener = Callable[[float | None], socket.socket]


def _connect(target: MailboxTarget, network: Network) -> imaplib.IMAP4:
    def opener(timeout: float | None) -> socket.socket:
        sock = (_via_proxy if network.proxy else _direct)(target, network, timeout)
        sock.settimeout(timeout)
        return sock

    port = target.port_number
    if target.tls:
        return _TlsImap(target.host, port, opener, _tls_context(network), network.timeout)
    return _PlainImap(target.host, port, opener, network.timeout)


def _tls_context(network: Network) -> ssl.SSLContext:
    context = ssl.create_default_context()
    if network.ca_file:
        context.load_verify_locations(cafile=network.ca_file)
    return context


def _direct(target: MailboxTarget, network: Network, timeout: float | None) -> socket.socket:
    """Connect to the first address of the host that the policy allows."""
    refused: str | None = None
    failure: OSError | None = None
    for family, kind, proto, _, address in socket.getaddrinfo(
        target.host, target.port_number, type=socket.SOCK_STREAM
    ):
        why = network.refusal(ipaddress.ip_address(str(address[0]).split("%")[0]))
        if why is not None:
            refused = refused or f"refused: {target.host} resolves to {address[0]}, {why}"
            continue
        sock = socket.socket(family, kind, proto)
        sock.settimeout(timeout)
        try:
            sock.connect(address)
        except OSError as exc:
            sock.close()
            failure = exc
            continue
        return sock
    if failure is not None:
        raise failure
    raise _Refused(f"{refused} ({net.PRIVATE_HINT})")


def _via_proxy(target: MailboxTarget, network: Network, timeout: float | None) -> socket.socket:
    """Through the proxy, which resolves the name (so only literals and local names are
    checked here, as monitor.net does)."""
    assert network.proxy is not None
    info = net.proxy_info(network.proxy)  # a FetchError("proxy") names no part of it
    try:
        literal: IPAddress | None = ipaddress.ip_address(target.host)
    except ValueError:
        literal = None
    loopback = ipaddress.ip_address("127.0.0.1")
    if literal is not None:
        why = network.refusal(literal)
    else:
        local = net.is_local_name(target.host)
        why = network.refusal(loopback) if local else None
    if why is not None:
        raise _Refused(f"refused: {target.host} is {why} ({net.PRIVATE_HINT})")
    proxy = Proxy(
        proxy_type=info.proxy_type,
        host=info.host,
        port=info.port,
        username=info.username,
        password=info.password,
        rdns=True,
    )
    return proxy.connect(dest_host=target.host, dest_port=target.port_number, timeout=timeout)


def _secure(client: imaplib.IMAP4, target: MailboxTarget, network: Network) -> None:
    """STARTTLS on imap://; clear text only to a server on this machine, never via a proxy."""
    if target.tls:
        return
    if "STARTTLS" in client.capabilities:
        client.starttls(_tls_context(network))
        return
    peer = ipaddress.ip_address(str(client.sock.getpeername()[0]).split("%")[0])
    if network.proxy or not peer.is_loopback:
        raise FetchError(
            "imap_insecure",
            f"{target.host} offers no STARTTLS, and the password must not travel in clear "
            "text: use imaps://",
            retryable=False,
        )


def _login(client: imaplib.IMAP4, user: str, password: str) -> None:
    """AUTHENTICATE PLAIN when offered (UTF-8 safe), LOGIN otherwise."""
    try:
        if "AUTH=PLAIN" in client.capabilities:
            client.authenticate("PLAIN", lambda _: f"\0{user}\0{password}".encode())
        else:
            client.login(user, password)
    except imaplib.IMAP4.abort:
        raise
    except (imaplib.IMAP4.error, UnicodeEncodeError) as exc:
        temporary = "UNAVAILABLE" in str(exc).upper()
        raise FetchError(
            "imap_auth",
            "the IMAP server refused the login: check the user name in the TARGET and the "
            "(app) password given with --secret-env or --ask-secret",
            retryable=temporary,
        ) from None


def _examine(client: imaplib.IMAP4, folder: str) -> int:
    """Open the folder read-only (EXAMINE) and return its UIDVALIDITY."""
    status, _ = client.select(mailbox_name(folder), readonly=True)
    if status != "OK":
        raise FetchError(
            "imap_folder",
            "the IMAP server has no such folder (or refuses to open it): check the TARGET",
            retryable=False,
        )
    _, values = client.response("UIDVALIDITY")
    value = values[-1] if values else None
    if not isinstance(value, bytes) or not value.strip().isdigit():
        raise FetchError("imap_protocol", "the IMAP server sent no UIDVALIDITY", retryable=True)
    return int(value)


def _search(client: imaplib.IMAP4, cursor: Cursor, uidvalidity: int) -> list[int]:
    if cursor.uidvalidity == uidvalidity:
        status, data = client.uid("SEARCH", "UID", f"{cursor.last_uid + 1}:*")
    else:
        status, data = client.uid("SEARCH", "ALL")
    _expect_ok(status, "SEARCH")
    return [int(n) for line in data if isinstance(line, bytes) for n in line.split()]


def _small_enough(client: imaplib.IMAP4, uids: Sequence[int], cap: int) -> tuple[list[int], int]:
    """The UIDs whose message fits under the size cap, and how many did not."""
    if not uids:
        return [], 0
    status, data = client.uid("FETCH", _uid_set(uids), "(RFC822.SIZE)")
    _expect_ok(status, "FETCH")
    sizes: dict[int, int] = {}
    for line in data:
        head = line[0] if isinstance(line, tuple) else line
        uid, size = _UID.search(head or b""), _SIZE.search(head or b"")
        if uid and size:
            sizes[int(uid.group(1))] = int(size.group(1))
    fitting = [uid for uid in uids if uid in sizes and sizes[uid] <= cap]
    return fitting, sum(1 for uid in uids if sizes.get(uid, 0) > cap)


def _fetch(client: imaplib.IMAP4, uids: Sequence[int]) -> list[tuple[int, bytes]]:
    """The raw messages, oldest first, without setting \\Seen (BODY.PEEK)."""
    bodies: dict[int, bytes] = {}
    for start in range(0, len(uids), FETCH_BATCH):
        chunk = uids[start : start + FETCH_BATCH]
        status, data = client.uid("FETCH", _uid_set(chunk), "(UID BODY.PEEK[])")
        _expect_ok(status, "FETCH")
        bodies.update(fetched_bodies(data))
    return [(uid, bodies[uid]) for uid in uids if uid in bodies]


def fetched_bodies(data: Sequence[Any]) -> dict[int, bytes]:
    """UID -> literal from a FETCH answer; the UID may come before or after the literal."""
    bodies: dict[int, bytes] = {}
    for index, entry in enumerate(data):
        if not isinstance(entry, tuple) or len(entry) < 2:
            continue
        uid = _UID.search(entry[0])
        after = data[index + 1] if index + 1 < len(data) else b""
        if uid is None and isinstance(after, bytes):
            uid = _UID.search(after)
        if uid is not None:
            bodies[int(uid.group(1))] = bytes(entry[1])
    return bodies


def _uid_set(uids: Iterable[int]) -> str:
    return ",".join(str(uid) for uid in uids)


def _expect_ok(status: str, command: str) -> None:
    if status != "OK":
        raise FetchError("imap_protocol", f"the IMAP server refused {command}", retryable=True)


def mailbox_name(folder: str) -> str:
    """A folder name as IMAP wants it: modified UTF-7 (RFC 3501 5.1.3), quoted."""
    encoded: list[str] = []
    pending: list[str] = []

    def flush() -> None:
        if pending:
            raw = "".join(pending).encode("utf-16-be")
            encoded.append("&" + base64.b64encode(raw).decode().rstrip("=").replace("/", ",") + "-")
            pending.clear()

    for char in folder:
        if 0x20 <= ord(char) <= 0x7E:
            flush()
            encoded.append("&-" if char == "&" else char)
        else:
            pending.append(char)
    flush()
    text = "".join(encoded)
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _translated(exc: Exception, host: str, timeout: float) -> Exception:
    """The FetchError for a failure, with a message that names no secret; bugs pass through."""
    proxy_errors = (
        python_socks.ProxyError,
        python_socks.ProxyConnectionError,
        python_socks.ProxyTimeoutError,
    )
    if isinstance(exc, FetchError):
        return exc
    if isinstance(exc, _Refused):
        return FetchError("private_address", str(exc), retryable=False)
    if isinstance(exc, proxy_errors):
        return FetchError("proxy", "the proxy could not reach the IMAP server", retryable=True)
    if isinstance(exc, TimeoutError):
        return FetchError("timeout", f"timed out after {timeout:g} s", retryable=True)
    if isinstance(exc, ssl.SSLCertVerificationError):
        return FetchError("tls", f"the TLS certificate of {host} is not valid", retryable=False)
    if isinstance(exc, ssl.SSLError):
        return FetchError("tls", f"the TLS handshake with {host} failed", retryable=False)
    if isinstance(exc, socket.gaierror):
        return FetchError("dns", f"could not resolve {host}", retryable=True)
    if isinstance(exc, imaplib.IMAP4.error | EOFError):
        return FetchError(
            "imap_protocol", "the IMAP server broke off or answered out of turn", retryable=True
        )
    if isinstance(exc, OSError):
        return FetchError("connection", f"could not connect to {host}", retryable=True)
    return exc


# --- the collector -------------------------------------------------------------------------------


class MailboxCollector(Collector):
    """Account-security notices in an IMAP mailbox: genuine ones and forged ones.

    TARGET is imap://user@host[:port]/folder or imaps://user@host[:port]/folder (folder
    INBOX when left out; write an @ in the user name as %40): a mailbox the activist forwards
    security notices to, or their own with an app password. The password is the source's
    secret (--secret-env VARIABLE or --ask-secret), stored encrypted; it never goes in the
    TARGET. Recognises new sign-ins, password, two-step and recovery changes, government-backed
    attack warnings (Google, Meta, Apple, Microsoft, Telegram, X, Proton) and SIM/eSIM changes
    (SMS from Azercell, Bakcell, Nar or any operator, forwarded by email), in English,
    Azerbaijani and Russian. A notice whose DKIM/SPF/DMARC fail, or whose sender is not the
    service's own domain, is raised as phishing (forged_notice). Other mail is ignored; nothing
    is marked read. The first run reads the last 50 messages, later runs the new ones.
    Example: monitor source add mailbox imaps://alerts%40example.org@imap.example.org/INBOX --activist 1 --secret-env MAILBOX_PASSWORD
    """  # noqa: E501

    kind: ClassVar[str] = "mailbox"
    target_help: ClassVar[str] = "imap(s)://user@host[:port]/folder"
    needs_activist: ClassVar[bool] = True
    default_every: ClassVar[int] = 300

    @classmethod
    def validate_target(cls, target: str) -> str:
        return MailboxTarget.parse(target).url

    async def collect(self, source: SourceView) -> Collected:
        target = MailboxTarget.parse(source.target)
        activist_id, password = _requirements(source)
        network = _network(self.http, source)
        cursor = Cursor.from_state(source.state)
        batch = await asyncio.to_thread(read_mailbox, target, password, cursor, network)
        own = own_domains(source.activist, target.user)
        items = await asyncio.to_thread(_items, source.id, activist_id, target, batch, own)
        log.info(
            "mailbox source_id=%d read=%d notices=%d oversized=%d",
            source.id,
            len(batch.messages),
            len(items),
            batch.oversized,
        )
        return Collected(items, batch.cursor.to_state())


def _requirements(source: SourceView) -> tuple[int, str]:
    if source.activist_id is None:
        raise UserError(
            f"Mailbox source #{source.id} watches no activist: add it again with --activist ID.",
            code="needs_activist",
        )
    if not source.secret:
        raise UserError(
            f"Mailbox source #{source.id} has no password: add it again with --secret-env "
            "VARIABLE or --ask-secret.",
            code="imap_no_password",
        )
    return source.activist_id, source.secret


def _network(http: HttpClient, source: SourceView) -> Network:
    """The shared client's settings and address policy, so IMAP obeys the same rules as HTTP."""
    config = http.config
    return Network(
        timeout=config.http_timeout,
        proxy=source.proxy or config.proxy or None,
        refusal=http.refusal,
        ca_file=config.imap_ca_file or None,
        max_bytes=config.http_max_bytes,
    )


def own_domains(activist: Mapping[str, Any] | None, user: str) -> set[str]:
    """Mail domains of the activist (their addresses, their organisation's domains, the
    mailbox's own login): a sender there is them forwarding something, not a service."""
    registration = activist or {}
    addresses = [*registration.get("emails", ()), user]
    domains = {a.rpartition("@")[2].lower() for a in addresses if "@" in a}
    return domains | {d.lower() for d in registration.get("domains", ())}


def _items(
    source_id: int, activist_id: int, target: MailboxTarget, batch: Batch, own: set[str]
) -> list[Item]:
    now = datetime.now(UTC)
    items = []
    for uid, raw in batch.messages:
        try:
            notice = _notices.recognise(raw, own_domains=own)
        except Exception as exc:  # a hostile message must not stop the others
            log.warning(
                "mailbox source_id=%d uid=%d unreadable: %s", source_id, uid, type(exc).__name__
            )
            continue
        if notice is not None:
            items.append(notice_item(notice, activist_id, target, batch.uidvalidity, uid, raw, now))
    return items


def notice_item(
    notice: _notices.Notice,
    activist_id: int,
    target: MailboxTarget,
    uidvalidity: int,
    uid: int,
    raw: bytes,
    now: datetime,
) -> Item:
    """The item for one notice: the raw message is the capture, the verdict the evidence."""
    url = target.message_url(uidvalidity, uid)
    date = notice.mail.date
    if date is not None and date.tzinfo is None:
        date = date.replace(tzinfo=UTC)
    return Item(
        key=f"{uidvalidity}:{uid}",
        title=notice.title,
        text=notice.text,
        fetched=Fetched(url, url, 200, MESSAGE_HEADERS, raw, now),
        url=url,
        published_at=date,
        activist_id=activist_id,
        kind=notice.kind,
        signal=notice.signal,
        severity=notice.severity,
        evidence=notice.evidence(),
        story=f"mailbox:{notice.service.key}",
    )
