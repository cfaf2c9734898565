"""The audit log, for administrators only."""

from __future__ import annotations

from aiohttp import web

from monitor.storage import access, audit
from monitor.web import context, forms
from monitor.web.render import render

routes = web.RouteTableDef()
PAGE_SIZE = 100


@routes.get("/audit")
async def audit_log(request: web.Request) -> web.Response:
    context.scope(request).require(access.VIEW_AUDIT)
    store = context.store(request)
    paging = forms.page(request.query, PAGE_SIZE)
    actions = await context.db(request, audit.actions, store)
    action = forms.choice(request.query.get("action", ""), "action", tuple(actions))
    found = await context.db(
        request, audit.entries, store, action=action, limit=paging.size, offset=paging.offset
    )
    total = await context.db(request, audit.count, store, action=action)
    return render(
        request,
        "audit.html",
        {
            "entries": found,
            "actions": actions,
            "action": action or "",
            "page": paging.number,
            "pages": paging.pages(total),
        },
    )
