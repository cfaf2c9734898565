"""Checking a suspicious link someone was sent (see `monitor.links`), and past checks."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from monitor.errors import InvalidInput
from monitor.links import LinkVerdict
from monitor.storage import access
from monitor.web import casework, context, forms
from monitor.web.render import render

routes = web.RouteTableDef()


async def _page(
    request: web.Request,
    *,
    verdict: LinkVerdict | None = None,
    error: str = "",
    url: str = "",
    status: int = 200,
) -> web.Response:
    store, scope = context.store(request), context.scope(request)
    checks = await context.db(request, access.link_checks, store, scope)
    choices = (
        await context.db(request, access.activist_choices, store, scope)
        if scope.role != "activist"
        else []
    )
    values: dict[str, Any] = {
        "verdict": verdict,
        "checks": checks,
        "activists": choices,
        "names": dict(choices),
        "error": error,
        "url": url,
    }
    return render(request, "links.html", values, status)


@routes.get("/links")
async def links_page(request: web.Request) -> web.Response:
    context.scope(request).require(access.CHECK_LINKS)
    return await _page(request)


@routes.post("/links")
async def check(request: web.Request) -> web.Response:
    form = await request.post()
    url = forms.text(form, "url", limit=4096)
    raw_activist = forms.text(form, "activist", limit=12)
    activist_id = forms.integer(raw_activist, "activist", minimum=1) if raw_activist else None
    try:
        verdict = await context.scoped(
            request,
            casework.check_link,
            url,
            activist_id,
        )
    except InvalidInput as error:
        return await _page(request, error=error.message, url=url, status=400)
    return await _page(request, verdict=verdict)
