"""Canary URLs (`/c/<token>`): record the hit, answer with an innocent pixel.

Open to anyone, since the whole point is that an intruder opens it; the access log names only
the route pattern, so the token never reaches a log line. The answer is the same for known and
unknown tokens, so probing the URL space teaches nothing.
"""

from __future__ import annotations

import logging

from aiohttp import web

from monitor import canaries
from monitor.storage import canaries as canary_store
from monitor.web import context
from monitor.web.auth import public

routes = web.RouteTableDef()
log = logging.getLogger(__name__)


@routes.get(canaries.PATH_PREFIX + "{token}")
@public
async def canary_hit(request: web.Request) -> web.Response:
    store = context.store(request)
    hit = canary_store.Hit(
        token=request.match_info["token"],
        url=canaries.canary_url(store.config.base_url, request.match_info["token"]),
        client=request.remote or "",
        headers=tuple((k, v) for k, v in request.headers.items() if k.lower() != "cookie"),
    )
    incident_id = await context.db(request, canary_store.record_hit, store, hit)
    if incident_id is not None:
        log.warning("canary hit incident_id=%d", incident_id)
    return web.Response(
        body=canaries.PIXEL,
        content_type="image/gif",
        headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"},
    )
