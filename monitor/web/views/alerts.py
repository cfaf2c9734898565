"""Alerts and their delivery state, for the incidents the reader may see."""

from __future__ import annotations

from aiohttp import web

from monitor.storage import access
from monitor.web import context, forms
from monitor.web.render import render

routes = web.RouteTableDef()
ALERT_STATUSES = ("pending", "held", "sent", "failed")


@routes.get("/alerts")
async def alert_list(request: web.Request) -> web.Response:
    scope = context.scope(request)
    status = forms.choice(request.query.get("status", ""), "status", ALERT_STATUSES)
    found = await context.db(request, access.alerts, context.store(request), scope, status)
    return render(
        request,
        "alerts.html",
        {
            "alerts": list(reversed(found)),
            "status": status or "",
            "alert_statuses": ALERT_STATUSES,
            # Channel errors are operational detail for the people who fix deliveries.
            "show_errors": scope.role in ("admin", "trainer"),
        },
    )
