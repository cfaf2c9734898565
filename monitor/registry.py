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
import hashlib
import importlib.metadata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from monitor.errors import InvalidInput, UserError

if TYPE_CHECKING:
    from monitor.net import HttpClient

COLLECTOR_GROUP = "monitor.collectors"
CHANNEL_GROUP = "monitor.channels"


@dataclass(frozen=True)
class SourceView:
    """What a collector may know about a source: decrypted, read-only."""

    id: int
    kind: str
    target: str
    activist_id: int | None = None
    name: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    proxy: str | None = None
    state: Mapping[str, Any] = field(default_factory=dict)


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
    `signal` (e.g. `sim_change`) and `evidence` (e.g. before/after values).
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

    def __init__(self, http: HttpClient) -> None:
        self.http = http

    @classmethod
    @abc.abstractmethod
    def validate_target(cls, target: str) -> str:
        """Return the canonical target, or raise InvalidInput saying what is wrong."""

    @abc.abstractmethod
    async def collect(self, source: SourceView) -> Collected:
        """Fetch the source once; raise net.FetchError (or UserError) on failure."""


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
