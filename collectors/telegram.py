"""Public Telegram channels, read through their web preview (t.me/s/<channel>)."""

from __future__ import annotations

import re
from datetime import datetime
from typing import ClassVar
from urllib.parse import urlencode, urlsplit, urlunsplit

from selectolax.lexbor import LexborNode as Node

from collectors import _html
from collectors._http import fetched, validate_url
from monitor.errors import InvalidInput
from monitor.registry import Collected, Collector, Fetched, Item, SourceView

CHANNEL = re.compile(r"[A-Za-z][A-Za-z0-9_]{3,31}")
BACKGROUND_URL = re.compile(r"background-image:\s*url\(['\"]?([^'\")]+)")
FIRST_RUN_PAGES = 5
CATCH_UP_PAGES = 10


class TelegramCollector(Collector):
    """A public Telegram channel, read from its web preview page without an account.

    TARGET is the channel name, a t.me link (https://t.me/name) or, for mirrors and tests,
    the full URL of a preview page. Each post becomes an item with its id, date, text, links
    and image URLs. The first run reads back a few pages of history (`?before=`); later runs
    read new posts, paging back until they reach the last post already seen.
    Example: monitor source add telegram some_channel --every 300
    """

    kind: ClassVar[str] = "telegram"
    target_help: ClassVar[str] = "channel name, t.me link or preview URL"
    default_every: ClassVar[int] = 300

    @classmethod
    def validate_target(cls, target: str) -> str:
        text = target.strip().lstrip("@")
        if CHANNEL.fullmatch(text):
            return f"https://t.me/s/{text}"
        url = validate_url(text, "Telegram channel")
        parts = urlsplit(url)
        if parts.hostname in ("t.me", "telegram.me"):
            segments = [s for s in parts.path.split("/") if s]
            if segments[:1] == ["s"]:
                segments = segments[1:]
            name = segments[0] if segments else ""
            if not CHANNEL.fullmatch(name):
                raise InvalidInput(f"{target!r} does not name a public Telegram channel.")
            return f"https://t.me/s/{name}"
        return url

    async def collect(self, source: SourceView) -> Collected:
        last_seen = int(source.state.get("last_id", 0))
        limit = CATCH_UP_PAGES if last_seen else FIRST_RUN_PAGES
        items: list[Item] = []
        before: int | None = None
        for _ in range(limit):
            page_items = await self._page(source, before)
            if before is not None:  # a mirror that ignores ?before= must not loop
                page_items = [i for i in page_items if _post_id(i.key) < before]
            fresh = [i for i in page_items if _post_id(i.key) > last_seen]
            items += fresh
            if not page_items or len(fresh) < len(page_items):
                break
            before = min(_post_id(i.key) for i in page_items)
        newest = max([last_seen, *(_post_id(i.key) for i in items)])
        return Collected(items, {"last_id": newest})

    async def _page(self, source: SourceView, before: int | None) -> list[Item]:
        url = _with_before(source.target, before)
        response = await self.http.get(url, proxy=source.proxy)
        response.raise_for_status()
        return parse_posts(response.body, fetched(response))


def parse_posts(html: bytes | str, evidence: Fetched) -> list[Item]:
    """Every post on a preview page, oldest first."""
    tree = _html.parse(html)
    items = [_post(node, evidence) for node in tree.css(".tgme_widget_message[data-post]")]
    return sorted((i for i in items if i is not None), key=lambda i: _post_id(i.key))


def _post(node: Node, evidence: Fetched) -> Item | None:
    post = node.attributes.get("data-post") or ""
    channel, _, number = post.rpartition("/")
    if not channel or not number.isdigit():
        return None
    text_nodes = node.css(".tgme_widget_message_text")
    outermost = [n for n in text_nodes if not _inside_another(n, text_nodes)]
    text = "\n\n".join(_html.node_text(n) for n in outermost)
    links = [a.attributes.get("href") or "" for n in outermost for a in n.css("a[href]")]
    return Item(
        key=post,
        title="",
        text=text,
        fetched=evidence,
        url=f"https://t.me/{post}",
        published_at=_when(node),
        image_urls=_images(node),
        evidence={"links": [link for link in links if link.startswith("http")]},
    )


def _inside_another(node: Node, candidates: list[Node]) -> bool:
    parent = node.parent
    while parent is not None:
        if any(parent.mem_id == c.mem_id for c in candidates):
            return True
        parent = parent.parent
    return False


def _images(node: Node) -> tuple[str, ...]:
    found: dict[str, None] = {}
    for wrap in node.css(".tgme_widget_message_photo_wrap, .tgme_widget_message_video_thumb"):
        match = BACKGROUND_URL.search(wrap.attributes.get("style") or "")
        if match:
            found[match.group(1)] = None
    return tuple(found)


def _when(node: Node) -> datetime | None:
    time = node.css_first("time[datetime]")
    value = time.attributes.get("datetime") if time is not None else None
    try:
        return datetime.fromisoformat(value) if value else None
    except ValueError:
        return None


def _post_id(key: str) -> int:
    return int(key.rpartition("/")[2])


def _with_before(target: str, before: int | None) -> str:
    if before is None:
        return target
    parts = urlsplit(target)
    query = f"{parts.query}&" if parts.query else ""
    return urlunsplit(parts._replace(query=query + urlencode({"before": before})))
