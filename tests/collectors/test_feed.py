"""The feed collector against a real local HTTP server."""

from __future__ import annotations

import csv
import io

import feedparser
import pytest

from collectors.feed import FeedCollector
from monitor.errors import InvalidInput, UserError
from tests import DATA
from tests.support.collecting import collect
from tests.support.localweb import LocalWeb

RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Xəbər</title><link>https://news.example/</link>
<item><title>Birinci &amp; xəbər</title><link>https://news.example/1</link>
<guid isPermaLink="false">news:1</guid><pubDate>Sun, 09 Mar 2025 12:22:00 +0400</pubDate>
<description><![CDATA[<p>Paragraph one.</p><p>Paragraph <b>two</b>.</p><script>alert(1)</script>
<img src="/img/a.jpg">]]></description></item>
<item><title>Second</title><link>https://news.example/2</link><description>Plain</description></item>
</channel></rss>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>T</title><id>urn:t</id><updated>2025-03-01T00:00:00Z</updated>
<entry><title type="html">&lt;b&gt;Bold&lt;/b&gt; title</title><id>urn:e1</id>
<link href="https://atom.example/e1"/><updated>2025-03-01T10:00:00Z</updated>
<summary>short</summary>
<content type="html">&lt;p&gt;Full &lt;em&gt;content&lt;/em&gt;&lt;/p&gt;</content></entry>
</feed>"""


async def test_rss_entries_become_items_with_full_text(web: LocalWeb) -> None:
    url = web.serve("/rss.xml", RSS, content_type="application/rss+xml")
    result = await collect(FeedCollector, url)
    first, second = result.items
    assert first.key == "news:1"
    assert first.title == "Birinci & xəbər"
    assert first.text == "Paragraph one.\n\nParagraph two."
    assert first.url == "https://news.example/1"
    assert first.published_at is not None and first.published_at.isoformat() == (
        "2025-03-09T08:22:00+00:00"
    )
    assert first.image_urls == ("https://news.example/img/a.jpg",)
    assert second.key == "https://news.example/2" and second.text == "Plain"
    assert first.fetched.raw == RSS.encode()
    assert first.fetched is second.fetched


async def test_atom_prefers_content_over_summary(web: LocalWeb) -> None:
    url = web.serve("/atom.xml", ATOM, content_type="application/atom+xml")
    [item] = (await collect(FeedCollector, url)).items
    assert (item.key, item.title, item.text) == ("urn:e1", "Bold title", "Full content")


async def test_unchanged_feed_answers_304_and_yields_nothing(web: LocalWeb) -> None:
    url = web.serve("/rss.xml", RSS, etag='"v1"')
    first = await collect(FeedCollector, url)
    assert first.etag == '"v1"' and len(first.items) == 2
    second = await collect(FeedCollector, url, etag=first.etag)
    assert second.not_modified and second.items == []
    assert web.requests[-1].headers["If-None-Match"] == '"v1"'


async def test_a_body_that_is_a_url_is_not_fetched_by_feedparser(web: LocalWeb) -> None:
    web.serve("/secret", "<rss><channel><item><title>internal</title></item></channel></rss>")
    url = web.serve("/trap.xml", web.url("/secret"), content_type="text/plain")
    with pytest.raises(UserError, match="could not be parsed"):
        await collect(FeedCollector, url)
    assert web.hits["/secret"] == 0


@pytest.mark.parametrize(
    ("body", "code"),
    [(b"{not xml", "parse"), (b"\x00\x01\x02", "parse"), (b"<html><p>hi</p></html>", "not_a_feed")],
)
async def test_garbage_is_a_clear_error_not_a_crash(web: LocalWeb, body: bytes, code: str) -> None:
    url = web.serve("/bad.xml", body, content_type="text/xml")
    with pytest.raises(UserError) as caught:
        await collect(FeedCollector, url)
    assert caught.value.code == code


async def test_truncated_feed_keeps_what_can_be_read(web: LocalWeb) -> None:
    url = web.serve("/cut.xml", b"<rss><channel><item><title>x</ti", content_type="text/xml")
    assert len((await collect(FeedCollector, url)).items) == 1


def test_target_must_be_a_url() -> None:
    assert FeedCollector.validate_target(" https://x.example/rss ") == "https://x.example/rss"
    with pytest.raises(InvalidInput):
        FeedCollector.validate_target("ftp://x.example/rss")


def _wild_feeds() -> list[dict[str, str]]:
    with open(DATA / "feeds-wild" / "MANIFEST.tsv", encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


async def test_every_wild_feed_goes_through_and_every_entry_becomes_an_item(
    web: LocalWeb,
) -> None:
    checked, refused = 0, 0
    rows = _wild_feeds()
    for row in rows:
        raw = (DATA / "feeds-wild" / row["file"]).read_bytes()
        headers = {"Content-Type": "text/xml"}
        if row["test_headers"]:
            name, _, value = row["test_headers"].partition(":")
            headers[name.strip()] = value.strip()
        content_type = headers.pop("Content-type", headers.pop("Content-Type"))
        url = web.serve(f"/wild/{row['file']}", raw, content_type=content_type, headers=headers)
        expected = feedparser.parse(
            io.BytesIO(raw), response_headers={"content-type": content_type, **headers}
        )
        unreadable = not expected.entries and (expected.bozo or not expected.version)
        try:
            result = await collect(FeedCollector, url)
        except UserError as error:
            assert error.code in ("parse", "not_a_feed") and unreadable, row["file"]
            refused += 1
            continue
        assert not unreadable, row["file"]
        assert len(result.items) == len(expected.entries), row["file"]
        for item in result.items:
            item.text.encode("utf-8")  # valid Unicode, whatever the source encoding
            item.title.encode("utf-8")
        checked += 1
    assert checked + refused == len(rows) == 394
    assert checked >= 340
