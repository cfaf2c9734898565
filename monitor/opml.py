"""Reading OPML subscription lists (the format feed readers export)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass

from monitor.errors import InvalidInput


@dataclass(frozen=True)
class FeedOutline:
    url: str
    title: str | None


def read_feeds(path: str) -> list[FeedOutline]:
    """Every outline with an `xmlUrl`, at any depth (folders are flattened)."""
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as exc:
        raise InvalidInput(f"{path} is not a readable OPML file: {exc}.") from exc
    if root.tag.lower() != "opml":
        raise InvalidInput(f"{path} is not an OPML file (its root element is <{root.tag}>).")
    feeds = []
    for outline in root.iter("outline"):
        url = (outline.get("xmlUrl") or "").strip()
        if url:
            title = outline.get("title") or outline.get("text")
            feeds.append(FeedOutline(url, title.strip() if title else None))
    return feeds
