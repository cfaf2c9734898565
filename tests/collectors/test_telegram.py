"""The Telegram preview collector: real saved pages, pagination, target forms."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from aiohttp import web as aioweb

from collectors.telegram import TelegramCollector, parse_posts
from monitor.errors import InvalidInput
from monitor.registry import Fetched
from tests import DATA
from tests.support.collecting import collect
from tests.support.localweb import LocalWeb

PREVIEWS = DATA / "telegram-preview"
EVIDENCE = Fetched("u", "u", 200, (), b"", datetime.now(UTC))


def test_real_channel_page_yields_every_post() -> None:
    html = (PREVIEWS / "rust-any2feed__full.html").read_bytes()
    posts = parse_posts(html, EVIDENCE)
    assert len(posts) == 12
    assert posts[0].key == "topwar_official/70989"
    assert posts[-1].key == "topwar_official/71008"
    assert all(p.url == f"https://t.me/{p.key}" for p in posts)
    assert all(p.published_at is not None for p in posts)
    assert sum(1 for p in posts if p.text) >= 11
    assert any(p.image_urls for p in posts)


def test_nested_text_block_is_read_once() -> None:
    html = (PREVIEWS / "lifemodel__telegram-test-channel.html").read_bytes()
    posts = parse_posts(html, EVIDENCE)
    assert len(posts) == 3
    for post in posts:
        for paragraph in {line for line in post.text.split("\n") if len(line) > 20}:
            assert post.text.count(paragraph) == 1
    assert any(not p.text for p in posts)  # the media-only post


def test_album_images_are_collected() -> None:
    html = (PREVIEWS / "rust-any2feed__message_media_photo_and_video.html").read_bytes()
    [post] = parse_posts(html, EVIDENCE)
    assert post.key == "anna_news/46908"
    assert len(post.image_urls) >= 2
    assert all(u.startswith("https://") for u in post.image_urls)


@pytest.mark.parametrize(
    ("target", "canonical"),
    [
        ("some_channel", "https://t.me/s/some_channel"),
        ("@some_channel", "https://t.me/s/some_channel"),
        ("https://t.me/some_channel", "https://t.me/s/some_channel"),
        ("https://t.me/s/some_channel", "https://t.me/s/some_channel"),
        ("http://127.0.0.1:8000/s/mirror", "http://127.0.0.1:8000/s/mirror"),
    ],
)
def test_target_forms(target: str, canonical: str) -> None:
    assert TelegramCollector.validate_target(target) == canonical


@pytest.mark.parametrize("target", ["ab", "https://t.me/", "ftp://t.me/x"])
def test_bad_targets(target: str) -> None:
    with pytest.raises(InvalidInput):
        TelegramCollector.validate_target(target)


def _channel(web: LocalWeb, newest: int, per_page: int = 5) -> str:
    """A fake channel with posts 1..newest, served like t.me/s with ?before= paging."""

    async def page(request: aioweb.Request) -> aioweb.Response:
        before = int(request.query.get("before", newest + 1))
        ids = [i for i in range(max(1, before - per_page), before)]
        posts = "".join(
            f'<div class="tgme_widget_message" data-post="chan/{i}">'
            f'<div class="tgme_widget_message_text">Post {i}</div>'
            f'<time datetime="2025-03-0{1 + i % 9}T10:00:00+00:00"></time></div>'
            for i in ids
        )
        return aioweb.Response(text=f"<html><body>{posts}</body></html>", content_type="text/html")

    return web.handle("/s/chan", page)


async def test_first_run_pages_back_a_limited_history(web: LocalWeb) -> None:
    url = _channel(web, newest=100)
    result = await collect(TelegramCollector, url)
    ids = sorted(int(i.key.split("/")[1]) for i in result.items)
    assert ids == list(range(76, 101))  # 5 pages of 5
    assert result.state == {"last_id": 100}
    assert all(re.fullmatch(r"Post \d+", i.text) for i in result.items)


async def test_later_runs_read_only_new_posts_paging_back_to_the_last_seen(
    web: LocalWeb,
) -> None:
    url = _channel(web, newest=112)
    result = await collect(TelegramCollector, url, state={"last_id": 100})
    assert sorted(int(i.key.split("/")[1]) for i in result.items) == list(range(101, 113))
    assert web.hits["/s/chan"] == 3


async def test_a_mirror_that_ignores_before_is_read_once(web: LocalWeb) -> None:
    html = (PREVIEWS / "rust-any2feed__full.html").read_bytes()
    url = web.serve("/s/topwar_official", html)
    result = await collect(TelegramCollector, url)
    assert len(result.items) == len({i.key for i in result.items}) == 12
    assert web.hits["/s/topwar_official"] == 2
