"""Who is asking: session cookies for pages, bearer tokens for the API, CSRF on every form.

Every route needs a signed-in user unless its handler is marked `@public`: a route added later
is closed by default. Pages sign people in with a session cookie (HttpOnly, SameSite=Strict,
Secure unless the setting says otherwise; only its keyed hash is stored). The API accepts only
`Authorization: Bearer` tokens and never cookies, so a page on another site cannot make a
signed-in browser call it.

Every POST to a page must carry the CSRF token of its session (or, before signing in, the
token of the short-lived login cookie), compared in constant time, and an Origin header, when
present, must be this site's. Otherwise it is refused with 403 before the handler runs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import quote

from aiohttp import web
from aiohttp.typedefs import Handler

from monitor.storage import access
from monitor.storage import sessions as session_store
from monitor.storage import users as user_store
from monitor.storage.users import UserRecord
from monitor.store import Store
from monitor.web import context, i18n, security
from monitor.web.errors import CsrfRefused

F = TypeVar("F", bound=Callable[..., Any])
NEW_LOGIN_TOKEN = web.RequestKey("new_login_token", str)
LANG_COOKIE = "monitor_lang"
BEARER = "Bearer "


def public(handler: F) -> F:
    """Mark a route as open to anonymous visitors (sign-in, health check, API description)."""
    handler.__monitor_public__ = True  # type: ignore[attr-defined]
    return handler


def issues_login_token(handler: F) -> F:
    """Mark the page that shows the sign-in form: it sets the pre-sign-in CSRF cookie."""
    handler.__monitor_login_form__ = True  # type: ignore[attr-defined]
    return handler


def before_second_factor(handler: F) -> F:
    """Mark a route as usable between the password and the code (the code page, sign-out)."""
    handler.__monitor_pending_ok__ = True  # type: ignore[attr-defined]
    return handler


def _flag(request: web.Request, name: str) -> bool:
    if request.path.startswith("/static/"):
        return name == "__monitor_public__"
    return bool(getattr(request.match_info.handler, name, False))


def secure(request: web.Request) -> bool:
    return request.app[context.STORE].config.web_secure_cookies


def session_cookie(request: web.Request) -> str:
    # The __Host- prefix makes browsers refuse the cookie unless Secure, host-only and Path=/.
    return "__Host-monitor_session" if secure(request) else "monitor_session"


def login_cookie(request: web.Request) -> str:
    return "__Host-monitor_login" if secure(request) else "monitor_login"


def set_cookie(
    request: web.Request, response: web.StreamResponse, name: str, value: str, max_age: int | None
) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path="/",
        httponly=True,
        secure=secure(request),
        samesite="Strict",
    )


def clear_cookie(request: web.Request, response: web.StreamResponse, name: str) -> None:
    response.del_cookie(name, path="/", secure=secure(request), httponly=True, samesite="Strict")


def start_session(request: web.Request, response: web.StreamResponse, token: str) -> None:
    hours = request.app[context.STORE].config.web_session_hours
    set_cookie(request, response, session_cookie(request), token, hours * 3600)
    clear_cookie(request, response, login_cookie(request))


def _load_user(store: Store, user_id: int) -> tuple[UserRecord, str | None]:
    user = user_store.get(store, user_id)
    return user, user_store.preferred_lang(store, user)


async def _sign_in_user(request: web.Request, user_id: int) -> None:
    user, preferred = await context.db(request, _load_user, context.store(request), user_id)
    if user.disabled:
        return
    request[context.USER] = user
    request[context.SCOPE] = access.scope_of(user)
    request[context.LANG] = i18n.negotiate(
        request.cookies.get(LANG_COOKIE), preferred, request.headers.get("Accept-Language")
    )


async def _from_bearer(request: web.Request) -> None:
    header = request.headers.get("Authorization", "")
    if not header.startswith(BEARER):
        return
    token = header[len(BEARER) :].strip()
    user_id = await context.db(
        request, session_store.resolve_token, context.store(request), token, context.now(request)
    )
    if user_id is not None:
        await _sign_in_user(request, user_id)


async def _from_cookie(request: web.Request) -> None:
    token = request.cookies.get(session_cookie(request))
    if not token:
        return
    found = await context.db(
        request, session_store.resolve_session, context.store(request), token, context.now(request)
    )
    if found is None:
        return
    request[context.SESSION] = found
    if found.second_factor_done:
        await _sign_in_user(request, found.user_id)


def _expected_csrf(request: web.Request) -> str | None:
    found = context.session(request)
    if found is not None:
        return found.csrf_token
    return request.cookies.get(login_cookie(request))


async def _check_form(request: web.Request) -> None:
    if request.method in security.SAFE_METHODS:
        return
    form = await request.post()
    given = form.get("csrf")
    if not security.same_origin(request) or not security.tokens_match(
        _expected_csrf(request), given if isinstance(given, str) else None
    ):
        raise CsrfRefused()


def _csrf_for_forms(request: web.Request) -> str:
    """The token forms on this page carry; the sign-in page issues a login cookie if needed."""
    expected = _expected_csrf(request)
    if expected or not _flag(request, "__monitor_login_form__"):
        return expected or ""
    token = session_store.new_secret()
    request[NEW_LOGIN_TOKEN] = token
    return token


@web.middleware
async def authenticate(request: web.Request, handler: Handler) -> web.StreamResponse:
    request[context.LANG] = i18n.negotiate(
        request.cookies.get(LANG_COOKIE), None, request.headers.get("Accept-Language")
    )
    if _flag(request, "__monitor_public__") and request.path.startswith("/static/"):
        return await handler(request)
    if context.is_api(request):
        await _from_bearer(request)
        if context.USER not in request and not _flag(request, "__monitor_public__"):
            raise web.HTTPUnauthorized(reason="Send a valid API token: Authorization: Bearer …")
        return await handler(request)
    await _from_cookie(request)
    await _check_form(request)
    request[context.CSRF] = _csrf_for_forms(request)
    if not _flag(request, "__monitor_public__"):
        _require_page_user(request)
    response = await handler(request)
    if NEW_LOGIN_TOKEN in request:
        set_cookie(request, response, login_cookie(request), request[NEW_LOGIN_TOKEN], 3600)
    return response


def _require_page_user(request: web.Request) -> None:
    pending = context.session(request)
    if pending is not None and not pending.second_factor_done:
        if not _flag(request, "__monitor_pending_ok__"):
            raise web.HTTPSeeOther("/login/totp")
        return
    if context.USER not in request:
        target = security.safe_next(request.path_qs if request.method == "GET" else None)
        raise web.HTTPSeeOther(f"/login?next={quote(target, safe='/')}")
