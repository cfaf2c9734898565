"""Web pages: the main text, looked at again whenever it changes."""

from __future__ import annotations

import hashlib
from typing import ClassVar

from collectors import _html
from collectors._http import fetched, validate_url
from monitor.errors import UserError
from monitor.net import Response
from monitor.registry import Collected, Collector, Item, SourceView

TEXT_TYPES = ("text/html", "application/xhtml+xml", "text/plain")


class PageCollector(Collector):
    """A web page (a smear site's article, a profile page, a forum thread).

    TARGET is the page URL. Its main text (without menus and scripts) is compared with the
    last version seen; when it changes, the new version is matched again, so a page that newly
    names an activist becomes a new sighting while an unchanged page costs nothing.
    Example: monitor source add page https://smear.example/about-her --every 1800
    """

    kind: ClassVar[str] = "page"
    target_help: ClassVar[str] = "web page URL"
    default_every: ClassVar[int] = 1800

    @classmethod
    def validate_target(cls, target: str) -> str:
        return validate_url(target, "page")

    async def collect(self, source: SourceView) -> Collected:
        response = await self.http.get(
            source.target, etag=source.etag, last_modified=source.last_modified, proxy=source.proxy
        )
        if response.not_modified:
            return Collected([], source.state, source.etag, source.last_modified, True)
        response.raise_for_status()
        page = _html.page_text(_decoded(response), response.final_url)
        digest = hashlib.sha256(page.text.encode()).hexdigest()
        state = {"text_sha256": digest}
        if digest == source.state.get("text_sha256"):
            return Collected([], state, response.etag, response.last_modified)
        item = Item(
            key=source.target,
            version=digest,
            title=page.title,
            text=page.text,
            fetched=fetched(response),
            url=response.final_url,
            image_urls=page.images,
        )
        return Collected([item], state, response.etag, response.last_modified)


def _decoded(response: Response) -> bytes | str:
    """The body as text when the server names a usable charset; otherwise bytes, for
    selectolax to detect (BOM, meta charset)."""
    kind = response.content_type
    if kind is not None and kind not in TEXT_TYPES:
        raise UserError(f"not a web page (content type {kind})", code="content_type")
    if kind == "text/plain":
        return "<pre>" + response.body.decode(response.charset or "utf-8", "replace") + "</pre>"
    if response.charset:
        try:
            return response.body.decode(response.charset, "replace")
        except LookupError:
            pass
    return response.body
