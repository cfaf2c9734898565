"""What every view reaches through the request: the store, the clock, the signed-in user.

Storage functions are synchronous (SQLAlchemy, argon2), so views run them on the app's small
thread pool through `db()` and the event loop stays free for other requests and, under
`monitor run`, for collection and alert delivery.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any, TypeVar

from aiohttp import web

from monitor.storage.access import Scope
from monitor.storage.sessions import SessionRecord
from monitor.storage.users import UserRecord
from monitor.store import Store

T = TypeVar("T")
Clock = Callable[[], datetime]

STORE = web.AppKey("store", Store)
EXECUTOR = web.AppKey("executor", ThreadPoolExecutor)
CLOCK: web.AppKey[Clock] = web.AppKey("clock")

# Per-request state set by the auth middleware.
USER = web.RequestKey("user", UserRecord)
SCOPE = web.RequestKey("scope", Scope)
SESSION = web.RequestKey("session", SessionRecord)
LANG = web.RequestKey("lang", str)
CSRF = web.RequestKey("csrf", str)


def store(request: web.Request) -> Store:
    return request.app[STORE]


def now(request: web.Request) -> datetime:
    return request.app[CLOCK]()


async def db(request: web.Request, func: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run a blocking storage call on the app's database threads."""
    loop = asyncio.get_running_loop()
    call = functools.partial(func, *args, **kwargs)
    return await loop.run_in_executor(request.app[EXECUTOR], call)


async def scoped(request: web.Request, func: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """`db` for the many calls that take the store and the reader's scope first."""
    return await db(request, func, store(request), scope(request), *args, **kwargs)


def user(request: web.Request) -> UserRecord:
    """The signed-in user (the auth middleware has already refused anonymous requests)."""
    found = request.get(USER)
    if found is None:
        raise web.HTTPUnauthorized()
    return found


def scope(request: web.Request) -> Scope:
    found = request.get(SCOPE)
    if found is None:
        raise web.HTTPUnauthorized()
    return found


def session(request: web.Request) -> SessionRecord | None:
    return request.get(SESSION)


def lang(request: web.Request) -> str:
    return str(request.get(LANG, "en"))


def is_api(request: web.Request) -> bool:
    return request.path == "/api" or request.path.startswith("/api/")


def see_other(location: str) -> web.Response:
    """A 303 redirect as a plain response (for handlers that set cookies on it)."""
    return web.Response(status=303, headers={"Location": location})
