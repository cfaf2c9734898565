"""The plug-in contract: collectors (what we watch) and channels (how we tell people).

Each kind is one class registered under an entry point (`monitor.collectors`,
`monitor.channels`); the built-ins register the same way as outside plug-ins. The class
docstring is the kind's user documentation (`monitor source kinds` prints it), so a kind
without one is rejected at load time, as is a kind registered twice.

Collectors get a source and return items; they never touch the database. Items that came
from one HTTP exchange share its `Fetched` record, which becomes the evidence capture.
"""

from __future__ import annotations

import abc
import asyncio
import hashlib
import importlib.metadata
from collections.abc import Callable, Mapping
from concurrent.futures import Executor
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from monitor.errors import InvalidInput, UserError

if TYPE_CHECKING:
    from monitor.config import Config
    from monitor.net import HttpClient

T = TypeVar("T")
COLLECTOR_GROUP = "monitor.collectors"
CHANNEL_GROUP = "monitor.channels"


@dataclass(frozen=True)
class SourceView:
    """What a collector may know about a source: decrypted, read-only.

    `secret` is the source's credential (a mailbox app password), `activist` the registration
    (name, aliases, handles, emails, phones, domains) of the activist it watches, if any.
    """

    id: int
    kind: str
    target: str
    activist_id: int | None = None
    name: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    every_seconds: int = 900
    proxy: str | None = None
    state: Mapping[str, Any] = field(default_factory=dict)
    secret: str | None = None
    activist: Mapping[str, Any] | None = None  # the watched activist's registration


@dataclass(frozen=True)
class Fetched:
    """One HTTP exchange exactly as it happened: the raw material of an evidence capture."""

    request_url: str
    final_url: str
    status: int
    headers: tuple[tuple[str, str], ...]
    raw: bytes
    fetched_at: datetime

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.raw).hexdigest()


@dataclass(frozen=True)
class Item:
    """One thing a source delivered: a feed entry, a post, a page version, a security notice.

    Content collectors leave `activist_id` and `kind` empty (the matcher decides); collectors
    that know whose account they watch (profile, mailbox, breach, domain) set them, plus
    `signal` (e.g. `sim_change`), `evidence` (e.g. before/after values) and `story` (what
    groups their sightings into one incident, e.g. the watched account).

    `key` names the item within its source (entry id, post id, page URL); `version` tells
    versions of the same item apart (a page's text hash), so an edited page is looked at
    again while an unchanged one is not.
    """

    key: str
    title: str
    text: str
    fetched: Fetched
    url: str | None = None
    published_at: datetime | None = None
    activist_id: int | None = None
    kind: str | None = None
    signal: str | None = None
    severity: str | None = None
    evidence: Mapping[str, Any] = field(default_factory=dict)
    image_urls: tuple[str, ...] = ()
    story: str | None = None
    version: str = ""

    @property
    def content_sha256(self) -> str:
        return hashlib.sha256(f"{self.title}\n{self.text}".encode("utf-8", "replace")).hexdigest()


@dataclass(frozen=True)
class Collected:
    """A collector's answer: new items, its next cursor, and the validators for the next GET."""

    items: list[Item]
    state: Mapping[str, Any] = field(default_factory=dict)
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False


class Collector(abc.ABC):
    """Base of every collector kind. Subclasses set `kind` and write a docstring."""

    kind: ClassVar[str]
    target_help: ClassVar[str] = ""
    needs_activist: ClassVar[bool] = False
    default_every: ClassVar[int] = 900

    def __init__(
        self, http: HttpClient, cpu: Executor | None = None, config: Config | None = None
    ) -> None:
        self.http = http
        self.cpu = cpu
        self._config = config

    @property
    def config(self) -> Config:
        """The service's settings (API keys, base URLs) as the scheduler was given them."""
        if self._config is None:
            raise RuntimeError(f"the {self.kind} collector was created without settings")
        return self._config

    @classmethod
    @abc.abstractmethod
    def validate_target(cls, target: str) -> str:
        """Return the canonical target, or raise InvalidInput saying what is wrong."""

    @abc.abstractmethod
    async def collect(self, source: SourceView) -> Collected:
        """Fetch the source once; raise net.FetchError (or UserError) on failure."""

    async def offload(self, func: Callable[..., T], *args: Any) -> T:
        """Run CPU-heavy pure work (parsing a large document) in the worker processes, so it
        uses the other cores instead of stalling the event loop; inline when there are none.
        `func` must be a module-level function and its arguments and result picklable."""
        if self.cpu is None:
            return func(*args)
        return await asyncio.get_running_loop().run_in_executor(self.cpu, func, *args)


@dataclass(frozen=True)
class AlertMessage:
    """What a channel delivers: the least that is useful, never captured content.

    `key` is the idempotency key: the same alert always carries the same key, so a receiver
    (or a channel protocol such as Matrix transaction ids) can drop a repeat after a crash.
    """

    key: str
    lang: str
    subject: str
    text: str
    kind: str
    severity: str
    reason: str
    incident_url: str
    created_at: datetime
    incident_id: int | None = None
    playbook_title: str | None = None
    playbook_url: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.key,
            "reason": self.reason,
            "kind": self.kind,
            "severity": self.severity,
            "summary": self.subject,
            "text": self.text,
            "incident_id": self.incident_id,
            "incident_url": self.incident_url,
            "playbook": {"title": self.playbook_title, "url": self.playbook_url},
            "lang": self.lang,
            "created_at": self.created_at.isoformat(),
        }


@dataclass(frozen=True)
class Destination:
    """Where one subscription's alerts go: an address, URL, topic, chat, number or room."""

    address: str
    secret: str | None = None


class ChannelError(Exception):
    """A delivery failed; `retryable` says whether trying again later can help."""

    def __init__(self, message: str, *, retryable: bool) -> None:
        super().__init__(message)
        self.message = message
        self.retryable = retryable


class Channel(abc.ABC):
    """Base of every alert channel. Subclasses set `kind`, `settings` and write a docstring."""

    kind: ClassVar[str]
    destination_help: ClassVar[str] = ""
    settings: ClassVar[tuple[str, ...]] = ()
    # Endpoints set by the administrator (a local Signal bridge, an own ntfy server) may be on
    # a private network; destinations typed in by users (webhook URLs) may not.
    user_supplied_url: ClassVar[bool] = False

    def __init__(self, config: Config, http: HttpClient) -> None:
        self.config = config
        self.http = http

    @classmethod
    @abc.abstractmethod
    def validate_destination(cls, address: str) -> str:
        """Return the canonical destination, or raise InvalidInput saying what is wrong."""

    @abc.abstractmethod
    async def send(self, message: AlertMessage, destination: Destination) -> None:
        """Deliver one message; raise ChannelError on failure."""


Plugin = TypeVar("Plugin")


def _load_group(group: str, base: type[Plugin]) -> dict[str, type[Plugin]]:
    kinds: dict[str, type[Plugin]] = {}
    for entry in importlib.metadata.entry_points(group=group):
        cls = entry.load()
        if not (isinstance(cls, type) and issubclass(cls, base)):
            raise UserError(f"Plug-in {entry.value} in {group} is not a {base.__name__}.")
        kind = getattr(cls, "kind", "")
        if kind != entry.name:
            raise UserError(
                f"Plug-in {entry.value} is registered as {entry.name!r} but says {kind!r}."
            )
        if kind in kinds and kinds[kind] is not cls:
            raise UserError(f"Two plug-ins in {group} claim the kind {kind!r}.")
        if not (cls.__doc__ or "").strip():
            raise UserError(f"Plug-in {entry.value} has no docstring: document it before use.")
        kinds[kind] = cls
    return dict(sorted(kinds.items()))


@cache
def channels() -> dict[str, type[Channel]]:
    return _load_group(CHANNEL_GROUP, Channel)  # type: ignore[type-abstract]


def channel(kind: str) -> type[Channel]:
    known = channels()
    if kind not in known:
        raise InvalidInput(
            f"Unknown channel {kind!r}. Known channels: {', '.join(known)}.", code="unknown_kind"
        )
    return known[kind]


@cache
def collectors() -> dict[str, type[Collector]]:
    return _load_group(COLLECTOR_GROUP, Collector)  # type: ignore[type-abstract]


def collector(kind: str) -> type[Collector]:
    known = collectors()
    if kind not in known:
        raise InvalidInput(
            f"Unknown source kind {kind!r}. Known kinds: {', '.join(known)}.",
            code="unknown_kind",
        )
    return known[kind]


def summary(cls: type) -> str:
    """The first line of a plug-in's docstring, for listings."""
    return (cls.__doc__ or "").strip().splitlines()[0]
