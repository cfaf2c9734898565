"""Your own account: two-step sign-in, password, API tokens."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from monitor.errors import UserError
from monitor.storage import audit
from monitor.storage import sessions as session_store
from monitor.storage import users as user_store
from monitor.store import Store
from monitor.web import context, forms, i18n, signin, totp
from monitor.web.render import render

routes = web.RouteTableDef()


async def _page(
    request: web.Request,
    *,
    error: str = "",
    new_token: str = "",
    secret: str | None = None,
    status: int = 200,
) -> web.Response:
    store, user = context.store(request), context.user(request)
    fresh = await context.db(request, user_store.get, store, user.id)
    tokens = await context.db(request, session_store.list_tokens, store, user.id)
    enrol_secret = secret or totp.new_secret()
    key = forms.flash_key(request.query)
    values: dict[str, Any] = {
        "user": fresh,
        "tokens": tokens,
        "new_token": new_token,
        "totp_secret": enrol_secret,
        "totp_uri": totp.provisioning_uri(enrol_secret, fresh.username),
        "message": i18n.translate(context.lang(request), key) if key and not error else "",
        "error": error,
    }
    return render(request, "account.html", values, status)


@routes.get("/account")
async def account(request: web.Request) -> web.Response:
    return await _page(request)


def _audited(store: Store, user_id: int, action: str, func: Any, *args: Any) -> Any:
    result = func(store, user_id, *args)
    audit.record(store, user_id=user_id, action=action)
    return result


async def _change(
    request: web.Request, action: str, func: Any, *args: Any, saved: str, secret: str | None = None
) -> web.Response:
    """Apply one account change; a refusal shows the page again with the reason."""
    user = context.user(request)
    try:
        await context.db(request, _audited, context.store(request), user.id, action, func, *args)
    except UserError as error:
        return await _page(request, error=error.message, secret=secret, status=400)
    raise web.HTTPSeeOther(f"/account?saved={saved}")


@routes.post("/account/password")
async def change_password(request: web.Request) -> web.Response:
    form = await request.post()
    new = forms.text(form, "new", limit=1024)
    if new != forms.text(form, "repeat", limit=1024):
        return await _page(
            request, error=i18n.translate(context.lang(request), "account.mismatch"), status=400
        )
    current = context.session(request)
    return await _change(
        request,
        "password_changed",
        _new_password,
        forms.text(form, "current", limit=1024),
        new,
        current.id if current else None,
        saved="password",
    )


def _new_password(store: Store, user_id: int, current: str, new: str, keep: int | None) -> None:
    """Change the password, then end every other session of the account."""
    signin.change_password(store, user_id, current, new)
    session_store.end_user_sessions(store, user_id, keep)


@routes.post("/account/totp")
async def enable_totp(request: web.Request) -> web.Response:
    form = await request.post()
    secret = forms.text(form, "secret", limit=64)
    return await _change(
        request,
        "totp_enabled",
        signin.enrol_totp,
        secret,
        forms.text(form, "code", limit=16),
        context.now(request),
        saved="totp_on",
        secret=secret,
    )


@routes.post("/account/totp/disable")
async def disable_totp(request: web.Request) -> web.Response:
    form = await request.post()
    return await _change(
        request,
        "totp_disabled",
        signin.disable_totp,
        forms.text(form, "code", limit=16),
        context.now(request),
        saved="totp_off",
    )


@routes.post("/account/tokens")
async def create_token(request: web.Request) -> web.Response:
    """The new token is shown in this response only; it is never stored or redirected with."""
    form = await request.post()
    label = forms.text(form, "label", limit=128)
    store, user = context.store(request), context.user(request)
    token = await context.db(
        request, _audited, store, user.id, "token_created", session_store.create_token, label
    )
    return await _page(request, new_token=token)


@routes.post(r"/account/tokens/{id:\d+}/revoke")
async def revoke_token(request: web.Request) -> web.Response:
    token_id = forms.integer(request.match_info["id"], "token id", minimum=1)
    return await _change(
        request, "token_revoked", session_store.revoke_token, token_id, saved="token_revoked"
    )
