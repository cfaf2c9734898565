"""RSS and Atom feeds (through feedparser)."""

from __future__ import annotations

import calendar
import hashlib
import io
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, ClassVar

import feedparser

from collectors import _html
from collectors._http import fetched, validate_url
from monitor.errors import UserError
from monitor.registry import Collected, Collector, Fetched, Item, SourceView

FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, "
    "application/xml;q=0.8, text/xml;q=0.8, */*;q=0.5"
)
# Bodies at least this large are parsed in a worker process (feedparser costs ~0.5 ms per
# entry in pure Python); small ones are parsed in place, where a round trip would cost more.
OFFLOAD_BYTES = 8 * 1024


@dataclass(frozen=True)
class Entry:
    """What one feed entry contributes to an Item (plain data, cheap to send between
    processes: the raw feed is not repeated per entry)."""

    key: str
    title: str
    text: str
    url: str | None
    published_at: datetime | None
    images: tuple[str, ...]


@dataclass(frozen=True)
class Parsed:
    entries: list[Entry]
    error_code: str | None = None
    error: str | None = None


class FeedCollector(Collector):
    """An RSS or Atom feed: every new entry is read in full (content, else summary).

    TARGET is the feed URL. Entries are told apart by their id (guid), so a re-published
    entry is not counted twice; conditional GET (ETag, Last-Modified) saves bandwidth.
    Example: monitor source add feed https://news.example/rss.xml --every 600
    """

    kind: ClassVar[str] = "feed"
    target_help: ClassVar[str] = "RSS/Atom URL"
    default_every: ClassVar[int] = 600

    @classmethod
    def validate_target(cls, target: str) -> str:
        return validate_url(target, "feed")

    async def collect(self, source: SourceView) -> Collected:
        response = await self.http.get(
            source.target,
            etag=source.etag,
            last_modified=source.last_modified,
            proxy=source.proxy,
            accept=FEED_ACCEPT,
        )
        if response.not_modified:
            return Collected([], source.state, source.etag, source.last_modified, True)
        response.raise_for_status()
        arguments = (response.body, response.headers, response.final_url)
        if len(response.body) >= OFFLOAD_BYTES:
            parsed = await self.offload(parse_entries, *arguments)
        else:
            parsed = parse_entries(*arguments)
        if parsed.error_code:
            raise UserError(parsed.error or "the feed could not be read", code=parsed.error_code)
        evidence = fetched(response)
        items = [_item(entry, evidence) for entry in parsed.entries]
        return Collected(items, {}, response.etag, response.last_modified)


def parse_entries(body: bytes, headers: tuple[tuple[str, str], ...], base_url: str) -> Parsed:
    """Parse a feed document into entries. Pure; runs in a worker process for large feeds."""
    # A file object, never bytes: given a string that looks like a URL, feedparser would fetch
    # it itself, past our address checks. Entry HTML is only ever turned into plain text, never
    # rendered, so feedparser's sanitiser and URI rewriting (half its time) are not needed.
    parsed = feedparser.parse(
        io.BytesIO(body),
        response_headers={k.lower(): v for k, v in headers},
        sanitize_html=False,
        resolve_relative_uris=False,
    )
    if not parsed.entries and body.strip():
        problem = _unreadable(parsed)
        if problem is not None:
            return Parsed([], *problem)
    return Parsed([entry_data(entry, base_url) for entry in parsed.entries])


def _unreadable(parsed: Any) -> tuple[str, str] | None:
    """An empty result is fine for an empty feed, but not for garbage or an HTML page: then
    the source's health must say so instead of looking fine forever."""
    if parsed.bozo:
        problem = type(parsed.get("bozo_exception")).__name__
        return "parse", f"the feed could not be parsed ({problem})"
    if not parsed.get("version"):
        return "not_a_feed", "this is not an RSS or Atom feed (a web page?)"
    return None


def entry_data(entry: Any, base_url: str) -> Entry:
    title = _clean(entry.get("title", ""))
    html = _entry_html(entry)
    link = entry.get("link") or None
    if "<" in html:
        page = _html.page_text(html, link or base_url, whole_page=False)
        text, images = page.text, page.images
    else:  # plain text (feedparser already decoded entities): nothing to parse
        text, images = _html.tidy(html), ()
    return Entry(
        key=str(entry.get("id") or link or _digest(title + text)),
        title=title,
        text=text,
        url=link,
        published_at=_when(entry.get("published_parsed") or entry.get("updated_parsed")),
        images=tuple(dict.fromkeys((*images, *_media_urls(entry)))),
    )


def _item(entry: Entry, evidence: Fetched) -> Item:
    return Item(
        key=entry.key,
        title=entry.title,
        text=entry.text,
        fetched=evidence,
        url=entry.url,
        published_at=entry.published_at,
        image_urls=entry.images,
    )


def _entry_html(entry: Any) -> str:
    """The fullest text the entry has: its content blocks, else summary or description."""
    contents = [c.get("value", "") for c in entry.get("content", []) if c.get("value")]
    if contents:
        return "\n".join(contents)
    return str(entry.get("summary", "") or entry.get("description", ""))


def _media_urls(entry: Any) -> list[str]:
    urls = [m.get("url", "") for m in entry.get("media_content", [])]
    urls += [m.get("url", "") for m in entry.get("media_thumbnail", [])]
    urls += [
        e.get("href", "")
        for e in entry.get("enclosures", [])
        if str(e.get("type", "")).startswith("image/")
    ]
    return [u for u in urls if u.startswith(("http://", "https://"))]


def _when(parsed: Any) -> datetime | None:
    try:
        return datetime.fromtimestamp(calendar.timegm(parsed), UTC) if parsed else None
    except (TypeError, ValueError, OverflowError):
        return None


def _clean(text: str) -> str:
    return _html.fragment_text(text) if "<" in text else text


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "replace")).hexdigest()
