"""Server-side HTML: one jinja2 environment, autoescaping everything, and the page context.

Templates get the translator `_`, the signed-in user and their scope, the CSRF token for
forms, and a few filters. Nothing a template prints is trusted: captured text, titles, notes
and names are all escaped; the only markup that is built in Python is the small, escaped-first
inline Markdown of playbook steps (`inline_md`) and the sandboxed capture document (`srcdoc`).
"""

from __future__ import annotations

import re
from datetime import datetime
from functools import cache
from typing import Any

import jinja2
from aiohttp import web
from markupsafe import Markup, escape

from monitor.web import context, i18n

CAPTURE_DOC = (
    '<!doctype html><html><head><meta charset="utf-8">'
    '<link rel="stylesheet" href="/static/capture.css"></head>'
    "<body><pre>{text}</pre></body></html>"
)
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_CODE = re.compile(r"`([^`]+)`")
_LINK = re.compile(r"\[([^\]]+)\]\((https?://[^)\s]+)\)")


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("monitor.web", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["when"] = when
    env.filters["day"] = day
    env.filters["inline_md"] = inline_md
    env.filters["srcdoc"] = srcdoc
    return env


def when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if value else "—"


def day(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d") if value else ""


def inline_md(text: str) -> Markup:
    """Playbook Markdown (bold, code, http links) to HTML; the text is escaped first."""
    html = str(escape(text))
    html = _BOLD.sub(r"<strong>\1</strong>", html)
    html = _CODE.sub(r"<code>\1</code>", html)
    html = _LINK.sub(r'<a href="\2" rel="noopener noreferrer nofollow">\1</a>', html)
    return Markup(html)


def srcdoc(text: str) -> str:
    """A document holding `text` as escaped, inert text, for `<iframe sandbox srcdoc=...>`.

    The returned string is escaped once here (text inside the inner document) and once more
    by jinja when it becomes the attribute value: no tag of the capture survives either.
    """
    return CAPTURE_DOC.format(text=escape(text))


def page_context(request: web.Request) -> dict[str, Any]:
    lang = context.lang(request)
    user = request.get(context.USER)
    return {
        "_": i18n.translator(lang),
        "lang": lang,
        "languages": i18n.LANGUAGES,
        "user": user,
        "scope": request.get(context.SCOPE),
        "csrf": request.get(context.CSRF, ""),
        "path": request.path_qs,
        "current": request.path,
    }


def render(
    request: web.Request, template: str, values: dict[str, Any] | None = None, status: int = 200
) -> web.Response:
    html = environment().get_template(template).render({**page_context(request), **(values or {})})
    return web.Response(text=html, status=status, content_type="text/html", charset="utf-8")
