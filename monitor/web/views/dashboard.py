"""The dashboard: incident counts by kind, week, status and severity, within the reader's scope."""

from __future__ import annotations

from aiohttp import web

from monitor.web import casework, context
from monitor.web.render import render

routes = web.RouteTableDef()


@routes.get("/dashboard")
async def dashboard(request: web.Request) -> web.Response:
    stats = await context.scoped(request, casework.incident_stats)
    return render(request, "dashboard.html", {"stats": stats})
