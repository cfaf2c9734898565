"""The page collector: main text, change detection, refusal of non-pages."""

from __future__ import annotations

import pytest

from collectors.page import PageCollector
from monitor.errors import UserError
from tests.support.collecting import collect
from tests.support.localweb import LocalWeb

PAGE = """<html><head><title>Ignored</title><meta property="og:title" content="The headline">
<script>var secret = "not text";</script><style>p {color: red}</style></head>
<body><nav>Home | About</nav><article><h1>Headline</h1><p>First paragraph.</p>
<p>Second <a href="/more">paragraph</a>.</p><img src="photo.jpg"></article>
<footer>© smear site</footer></body></html>"""


async def test_main_text_without_chrome_or_scripts(web: LocalWeb) -> None:
    url = web.serve("/article", PAGE)
    [item] = (await collect(PageCollector, url)).items
    assert item.title == "The headline"
    assert item.text == "Headline\n\nFirst paragraph.\n\nSecond paragraph."
    assert item.image_urls == (web.url("/photo.jpg"),)
    assert item.key == url and len(item.version) == 64


async def test_unchanged_text_yields_nothing_and_a_change_yields_a_new_version(
    web: LocalWeb,
) -> None:
    url = web.serve("/article", PAGE)
    first = await collect(PageCollector, url)
    again = await collect(PageCollector, url, state=first.state)
    assert again.items == []
    web.serve("/article", PAGE.replace("Second", "Changed"))
    changed = await collect(PageCollector, url, state=first.state)
    [item] = changed.items
    assert item.version != first.items[0].version and "Changed paragraph" in item.text


async def test_charset_from_the_header_is_honoured(web: LocalWeb) -> None:
    body = "<p>Гюльнара Мехдиева</p>".encode("windows-1251")
    url = web.serve("/ru", body, content_type="text/html; charset=windows-1251")
    [item] = (await collect(PageCollector, url)).items
    assert item.text == "Гюльнара Мехдиева"


async def test_meta_charset_is_detected(web: LocalWeb) -> None:
    body = '<meta charset="windows-1251"><p>Гюльнара</p>'.encode("windows-1251")
    url = web.serve("/ru2", body, content_type="text/html")
    [item] = (await collect(PageCollector, url)).items
    assert item.text == "Гюльнара"


async def test_non_page_content_is_refused(web: LocalWeb) -> None:
    url = web.serve("/file.zip", b"PK\x03\x04", content_type="application/zip")
    with pytest.raises(UserError, match="not a web page"):
        await collect(PageCollector, url)
