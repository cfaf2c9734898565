"""The web application: pages for trainers, activists and coalitions, and the JSON API.

`create_app(store)` builds the aiohttp application; `start(store, host, port)` runs it on the
current event loop (for `monitor serve` and, alongside collection and alerts, `monitor run`)
and returns a handle to stop it.

Request path, outermost first: `errors.handle_errors` (one error handler for everything),
`auth.authenticate` (who is asking, CSRF on forms, closed-by-default routes), the view. The
`on_response_prepare` hook adds the security headers to every response, error pages and
static files included. The access log names the route pattern, never the path, so ids,
tokens and query strings stay out of the logs.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from aiohttp import web
from aiohttp.abc import AbstractAccessLogger
from aiohttp.web_request import BaseRequest

from monitor.models import utcnow
from monitor.store import Store
from monitor.web import auth, context, errors, security
from monitor.web.views import (
    account,
    activists,
    alerts,
    api,
    audit,
    canary,
    dashboard,
    incidents,
    links,
    metrics,
)
from monitor.web.views import auth as auth_views

log = logging.getLogger(__name__)
STATIC = Path(__file__).parent / "static"
VIEWS = (
    auth_views,
    dashboard,
    incidents,
    activists,
    alerts,
    links,
    audit,
    account,
    api,
    canary,
    metrics,
)
MAX_BODY = 1024 * 1024
DB_THREADS = 4


def create_app(store: Store, *, clock: Callable[[], datetime] | None = None) -> web.Application:
    app = web.Application(
        middlewares=[errors.handle_errors, auth.authenticate], client_max_size=MAX_BODY
    )
    app[context.STORE] = store
    app[context.CLOCK] = clock or utcnow
    app[context.EXECUTOR] = ThreadPoolExecutor(DB_THREADS, thread_name_prefix="monitor-web")
    for module in VIEWS:
        app.add_routes(module.routes)
    app.router.add_static("/static", STATIC)
    app.on_response_prepare.append(security.add_headers)
    app.on_cleanup.append(_stop_threads)
    return app


async def _stop_threads(app: web.Application) -> None:
    app[context.EXECUTOR].shutdown(wait=True)


class AccessLogger(AbstractAccessLogger):
    """One line per request: method, route pattern, status, duration. No path, no query."""

    def log(self, request: BaseRequest, response: web.StreamResponse, time: float) -> None:
        route = errors.route_name(request) if isinstance(request, web.Request) else "unmatched"
        self.logger.info("%s %s %d %.0fms", request.method, route, response.status, time * 1000)


@dataclass
class Server:
    """A running web app: where it listens, and how to stop it."""

    runner: web.AppRunner
    host: str
    port: int

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    async def stop(self) -> None:
        await self.runner.cleanup()


async def start(
    store: Store,
    host: str | None = None,
    port: int | None = None,
    *,
    clock: Callable[[], datetime] | None = None,
) -> Server:
    """Serve the app on the running event loop; port 0 picks a free one (see `Server.port`)."""
    bind_host = host or store.config.web_host
    bind_port = store.config.web_port if port is None else port
    runner = web.AppRunner(
        create_app(store, clock=clock),
        access_log_class=AccessLogger,
        access_log=logging.getLogger("monitor.web.access"),
    )
    await runner.setup()
    site = web.TCPSite(runner, bind_host, bind_port)
    try:
        await site.start()
    except OSError:
        await runner.cleanup()
        raise
    actual = bind_port
    for address in runner.addresses:
        actual = int(address[1])
        break
    log.info("web interface listening port=%d", actual)
    return Server(runner, bind_host, actual)
