"""HTML to readable text with selectolax: what the matcher reads from a page or a post.

Scripts, styles, templates and navigation chrome are dropped; block elements become line
breaks so that paragraphs stay apart (the matcher treats a name split across paragraphs as two
unrelated words). Links and images are collected as absolute URLs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin

from selectolax.lexbor import LexborHTMLParser as HTMLParser
from selectolax.lexbor import LexborNode as Node

DROP = "script, style, noscript, template, svg, iframe, object, embed, head"
CHROME = "nav, header, footer, aside, form, [role=navigation], [aria-hidden=true]"
BLOCKS = (
    "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6",
    "blockquote", "pre", "tr", "table", "section", "article", "main", "hr", "figcaption",
)  # fmt: skip
_SPACES = re.compile(r"[ \t\u00a0\u200b]+")
_BLANKS = re.compile(r"\n\s*\n+")


@dataclass(frozen=True)
class PageText:
    title: str
    text: str
    links: tuple[str, ...]
    images: tuple[str, ...]


def parse(html: bytes | str) -> HTMLParser:
    """Bytes are decoded by lexbor's sniffing (BOM, meta charset); text is taken as is."""
    return HTMLParser(html, encoding=isinstance(html, bytes))


def node_text(node: Node) -> str:
    """Readable text of a node: block elements separated by line breaks, spaces folded."""
    for block in node.css(",".join(BLOCKS)):
        block.insert_before("\n")
        block.insert_after("\n")
    return tidy(node.text(deep=True, separator="", strip=False))


def tidy(text: str) -> str:
    """Fold runs of spaces, trim lines, keep at most one blank line between paragraphs."""
    lines = (_SPACES.sub(" ", line).strip() for line in text.splitlines())
    return _BLANKS.sub("\n\n", "\n".join(lines)).strip()


def page_text(html: bytes | str, base_url: str, *, whole_page: bool = True) -> PageText:
    """Title, text, links and images. For a whole page, the main content only (the
    `<article>` or `<main>` if there is one, without navigation chrome); for a fragment (a
    feed entry's HTML), everything but scripts and styles."""
    tree = parse(html)
    title = _title(tree)
    links = _urls(tree, "a[href]", "href", base_url)
    images = _urls(tree, "img[src]", "src", base_url)
    for node in tree.css(DROP):
        node.decompose()
    body = tree.body
    if whole_page:
        body = tree.css_first("article") or tree.css_first("main") or body
    if body is None:
        return PageText(title, "", links, images)
    if whole_page:
        for node in body.css(CHROME):
            node.decompose()
    return PageText(title, node_text(body), links, images)


def fragment_text(html: str) -> str:
    """Plain text of an HTML fragment, on one line (titles that carry markup)."""
    return " ".join(page_text(html, "", whole_page=False).text.split())


def _title(tree: HTMLParser) -> str:
    for selector, attribute in (('meta[property="og:title"]', "content"), ("title", None)):
        node = tree.css_first(selector)
        if node is not None:
            value = node.attributes.get(attribute) if attribute else node.text()
            if value and value.strip():
                return _SPACES.sub(" ", value).strip()
    return ""


def _urls(tree: HTMLParser, selector: str, attribute: str, base_url: str) -> tuple[str, ...]:
    found: dict[str, None] = {}
    for node in tree.css(selector):
        value = (node.attributes.get(attribute) or "").strip()
        if value and not value.startswith(("javascript:", "data:", "#", "mailto:")):
            found[urljoin(base_url, value)] = None
    return tuple(found)
