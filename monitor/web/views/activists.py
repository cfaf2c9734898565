"""Registrations: the list, one activist with their identifiers and sources, edits, new ones."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from monitor.activists import Ident, RegistrationInput
from monitor.errors import InvalidInput
from monitor.storage import access
from monitor.web import casework, context, forms, i18n
from monitor.web.render import render

routes = web.RouteTableDef()


def activist_id(request: web.Request) -> int:
    return forms.integer(request.match_info["id"], "activist id", minimum=1)


@routes.get("/activists")
async def activist_list(request: web.Request) -> web.Response:
    scope = context.scope(request)
    if scope.role == "activist" and scope.activist_ids:
        raise web.HTTPSeeOther(f"/activists/{min(scope.activist_ids)}")
    found = await context.db(request, access.activists, context.store(request), scope)
    return render(request, "activists.html", {"activists": found})


async def _activist_page(
    request: web.Request, *, error: str = "", status: int = 200
) -> web.Response:
    scope = context.scope(request)
    page = await context.db(
        request, casework.activist_page, context.store(request), scope, activist_id(request)
    )
    key = forms.flash_key(request.query)
    values: dict[str, Any] = {
        "activist": page.activist,
        "sources": page.sources,
        "trainers": page.trainers,
        "may_edit": scope.allows(access.EDIT_ACTIVISTS),
        "ident_types": casework.ADDABLE,
        "language_names": i18n.LANGUAGE_NAMES,
        "message": i18n.translate(context.lang(request), key) if key and not error else "",
        "error": error,
    }
    return render(request, "activist.html", values, status)


@routes.get(r"/activists/{id:\d+}")
async def activist_page(request: web.Request) -> web.Response:
    return await _activist_page(request)


async def _edit(request: web.Request, func: Any, *args: Any, saved: str) -> web.Response:
    """Run one edit; a refused value shows the page again with the reason, nothing written."""
    try:
        await context.scoped(
            request,
            func,
            activist_id(request),
            *args,
        )
    except InvalidInput as error:
        return await _activist_page(request, error=error.message, status=400)
    raise web.HTTPSeeOther(f"/activists/{activist_id(request)}?saved={saved}#identifiers")


@routes.post(r"/activists/{id:\d+}/identifiers")
async def add_identifier(request: web.Request) -> web.Response:
    form = await request.post()
    type_ = forms.text(form, "type", limit=16)
    value = forms.text(form, "value", limit=512)
    if not value:
        raise InvalidInput("Type a value to add.")
    return await _edit(request, casework.add_identifier, type_, value, saved="ident_added")


@routes.post(r"/activists/{id:\d+}/identifiers/remove")
async def remove_identifier(request: web.Request) -> web.Response:
    form = await request.post()
    ident = Ident(
        forms.text(form, "type", limit=16),
        forms.text(form, "value", limit=512),
        forms.text(form, "platform", limit=32) or None,
    )
    return await _edit(request, casework.remove_identifier, ident, saved="ident_removed")


@routes.post(r"/activists/{id:\d+}/lang")
async def set_lang(request: web.Request) -> web.Response:
    form = await request.post()
    lang = forms.text(form, "lang", limit=8)
    return await _edit(request, casework.set_alert_lang, lang, saved="lang")


@routes.get("/activists/new")
async def new_form(request: web.Request) -> web.Response:
    context.scope(request).require(access.REGISTER)
    return render(request, "activist_new.html", {"form": {}, "error": ""})


@routes.post("/activists/new")
async def register(request: web.Request) -> web.Response:
    scope = context.scope(request)
    scope.require(access.REGISTER)
    form = await request.post()
    fields = ("name", "aliases", "nicknames", "handles", "emails", "phones", "domains", "lang")
    shown = {name: forms.text(form, name) for name in fields}
    raw = RegistrationInput(
        name=shown["name"],
        aliases=forms.lines(shown["aliases"]),
        nicknames=forms.lines(shown["nicknames"]),
        handles=forms.lines(shown["handles"]),
        emails=forms.lines(shown["emails"]),
        phones=forms.lines(shown["phones"]),
        domains=forms.lines(shown["domains"]),
        lang=shown["lang"] or "en",
    )
    try:
        new_id = await context.db(
            request, casework.register_activist, context.store(request), scope, raw
        )
    except InvalidInput as error:
        return render(
            request, "activist_new.html", {"form": shown, "error": error.message}, status=400
        )
    raise web.HTTPSeeOther(f"/activists/{new_id}?saved=registered")
