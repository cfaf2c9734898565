"""`/metrics`: the service's health in Prometheus format (counts only, never content).

Answered only to clients on this machine (a local Prometheus, or a reverse proxy that adds
its own authentication); anyone else gets the same 404 as for a missing page.
"""

from __future__ import annotations

import ipaddress

from aiohttp import web

from monitor import metrics
from monitor.storage import status
from monitor.web import context
from monitor.web.auth import public

routes = web.RouteTableDef()


def _local(remote: str | None) -> bool:
    try:
        return remote is not None and ipaddress.ip_address(remote).is_loopback
    except ValueError:
        return False


@routes.get("/metrics")
@public
async def prometheus(request: web.Request) -> web.Response:
    if not _local(request.remote):
        raise web.HTTPNotFound()
    snapshot = await context.db(request, status.read, context.store(request))
    return web.Response(
        body=metrics.exposition(snapshot),
        headers={"Content-Type": "text/plain; version=0.0.4; charset=utf-8"},
    )
