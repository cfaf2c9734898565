"""Signing in and out, the second-factor step, the language switcher, the health check."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import sqlalchemy as sa
from aiohttp import web

from monitor.errors import UserError
from monitor.storage import audit
from monitor.storage import sessions as session_store
from monitor.store import Store
from monitor.web import auth, context, i18n, security, signin
from monitor.web.auth import before_second_factor, issues_login_token, public
from monitor.web.render import render

routes = web.RouteTableDef()
LANG_COOKIE_SECONDS = 365 * 24 * 3600


def _login_page(
    request: web.Request, *, error: str = "", username: str = "", status: int = 200
) -> web.Response:
    target = security.safe_next(request.query.get("next"), "/dashboard")
    values: dict[str, Any] = {
        "error": error,
        "username": username,
        "next": target,
        "from_elsewhere": request.headers.get("Sec-Fetch-Site") == "cross-site",
    }
    return render(request, "login.html", values, status)


@routes.get("/")
async def home(request: web.Request) -> web.Response:
    raise web.HTTPSeeOther("/dashboard")


@routes.get("/login")
@public
@issues_login_token
async def login_form(request: web.Request) -> web.Response:
    if context.USER in request:
        raise web.HTTPSeeOther(security.safe_next(request.query.get("next"), "/dashboard"))
    locked = request.query.get("reason") == "too_many"
    message = i18n.translate(context.lang(request), "error.rate_limited") if locked else ""
    return _login_page(request, error=message)


def _record(store: Store, user_id: int | None, action: str) -> None:
    audit.record(store, user_id=user_id, action=action)


@routes.post("/login")
@public
async def login_submit(request: web.Request) -> web.Response:
    form = await request.post()
    username, password = str(form.get("username", "")), str(form.get("password", ""))
    target = security.safe_next(str(form.get("next", "")), "/dashboard")
    store, now = context.store(request), context.now(request)
    lang = context.lang(request)
    try:
        verified = await context.db(
            request,
            signin.check_password,
            store,
            username,
            password,
            security.client_address(request),
            now,
        )
    except UserError as error:
        await context.db(request, _record, store, None, f"login_{error.code}")
        status = 429 if isinstance(error, signin.TooManyAttempts) else 401
        message = i18n.translate(lang, f"error.{error.code}")
        return _login_page(request, error=message, username=username[:64], status=status)
    return await _open_session(request, verified, target)


async def _open_session(
    request: web.Request, verified: signin.Verified, target: str
) -> web.Response:
    store = context.store(request)
    previous = context.session(request)
    if previous is not None:
        await context.db(request, session_store.end_session, store, previous.id)
    token, _ = await context.db(
        request,
        session_store.create_session,
        store,
        verified.user_id,
        hours=store.config.web_session_hours,
        second_factor_done=not verified.needs_totp,
        now=context.now(request),
    )
    action = "login_password" if verified.needs_totp else "login"
    await context.db(request, _record, store, verified.user_id, action)
    location = f"/login/totp?next={quote(target, safe='/')}" if verified.needs_totp else target
    response = context.see_other(security.safe_next(location, "/dashboard"))
    auth.start_session(request, response, token)
    return response


@routes.get("/login/totp")
@public
@before_second_factor
async def totp_form(request: web.Request) -> web.Response:
    pending = context.session(request)
    if pending is None:
        raise web.HTTPSeeOther("/login")
    if pending.second_factor_done:
        raise web.HTTPSeeOther("/dashboard")
    return render(request, "totp.html", {"error": ""})


@routes.post("/login/totp")
@public
@before_second_factor
async def totp_submit(request: web.Request) -> web.Response:
    pending = context.session(request)
    if pending is None or pending.second_factor_done:
        raise web.HTTPSeeOther("/login")
    form = await request.post()
    store, now = context.store(request), context.now(request)
    try:
        await context.db(
            request, signin.check_code, store, pending.user_id, str(form.get("code", "")), now
        )
    except UserError as error:
        await context.db(request, _record, store, pending.user_id, "totp_failed")
        if await context.db(request, signin.code_failures_exhausted, store, pending.user_id, now):
            await context.db(request, session_store.end_session, store, pending.id)
            response = context.see_other("/login?reason=too_many")
            auth.clear_cookie(request, response, auth.session_cookie(request))
            return response
        return render(request, "totp.html", {"error": error.message}, 401)
    await context.db(request, session_store.complete_second_factor, store, pending.id)
    await context.db(request, _record, store, pending.user_id, "login")
    raise web.HTTPSeeOther(security.safe_next(request.query.get("next"), "/dashboard"))


@routes.post("/logout")
@before_second_factor
async def logout(request: web.Request) -> web.Response:
    current = context.session(request)
    response = context.see_other("/login")
    if current is not None:
        store = context.store(request)
        await context.db(request, session_store.end_session, store, current.id)
        await context.db(request, _record, store, current.user_id, "logout")
    auth.clear_cookie(request, response, auth.session_cookie(request))
    return response


@routes.get("/lang/{code}")
@public
async def switch_language(request: web.Request) -> web.Response:
    code = i18n.supported(request.match_info["code"])
    if code is None:
        raise web.HTTPNotFound()
    response = context.see_other(security.safe_next(request.query.get("next"), "/"))
    auth.set_cookie(request, response, auth.LANG_COOKIE, code, LANG_COOKIE_SECONDS)
    return response


@routes.get("/favicon.ico")
@public
async def favicon(request: web.Request) -> web.Response:
    """No icon: answering 204 keeps browsers from logging a 404 on every page."""
    return web.Response(status=204)


def _database_answers(store: Store) -> bool:
    with store.engine.connect() as connection:
        return connection.execute(sa.text("SELECT 1")).scalar() == 1


@routes.get("/healthz")
@public
async def healthz(request: web.Request) -> web.Response:
    """For load balancers and `monitor status`: the app answers and so does the database."""
    try:
        ok = await context.db(request, _database_answers, context.store(request))
    except Exception:  # the check reports, it does not explain: details go nowhere public
        ok = False
    return web.json_response({"ok": ok}, status=200 if ok else 503)
