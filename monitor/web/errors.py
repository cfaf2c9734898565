"""The one place every error becomes a response.

Pages get an HTML error page in the reader's language; `/api/` gets one JSON shape,
`{"ok": false, "error": message, "status": code}`, whatever went wrong. A `UserError` keeps its
message (it says what to do); anything unexpected is logged with the route pattern only (no
path, so no ids or tokens) and shown as a generic server error.
"""

from __future__ import annotations

import logging

from aiohttp import web
from aiohttp.typedefs import Handler

from monitor.errors import UserError
from monitor.web import context, i18n
from monitor.web.render import render

log = logging.getLogger(__name__)

STATUS_BY_CODE = {
    "not_found": 404,
    "forbidden": 403,
    "rate_limited": 429,
    "bad_credentials": 401,
    "csrf": 403,
    "key_error": 500,
}


def status_for(error: UserError) -> int:
    return STATUS_BY_CODE.get(error.code, 400)


class CsrfRefused(UserError):
    def __init__(self) -> None:
        super().__init__(
            "This form has expired or did not come from this site. Reload the page and retry.",
            code="csrf",
        )


def route_name(request: web.Request) -> str:
    """The matched route's pattern (`/incidents/{id}`), safe to log: no ids, no tokens."""
    resource = request.match_info.route.resource
    return resource.canonical if resource is not None else "unmatched"


def error_response(
    request: web.Request, status: int, message: str, key: str | None = None
) -> web.Response:
    """The error for this request's kind; pages show the translation of `key` when given."""
    if context.is_api(request):
        headers = {"WWW-Authenticate": 'Bearer realm="monitor"'} if status == 401 else None
        return web.json_response(
            {"ok": False, "error": message, "status": status}, status=status, headers=headers
        )
    lang = context.lang(request)
    shown = i18n.translate(lang, key) if key and i18n.has(key) else message
    title = i18n.translate(lang, f"error.{status}") if i18n.has(f"error.{status}") else str(status)
    return render(
        request, "error.html", {"status": status, "title": title, "message": shown}, status
    )


@web.middleware
async def handle_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except web.HTTPMove as redirect:
        return web.Response(
            status=redirect.status, headers={"Location": str(redirect.location or "/")}
        )
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        return error_response(request, exc.status, exc.reason, f"error.{exc.status}")
    except UserError as error:
        status = status_for(error)
        if error.cause:
            log.info(
                "refused route=%s code=%s cause=%s", route_name(request), error.code, error.cause
            )
        if status >= 500:
            log.error("failed route=%s code=%s", route_name(request), error.code)
            return error_response(request, status, "Internal error; see the server log.")
        key = f"error.{error.code}" if error.code in STATUS_BY_CODE else None
        return error_response(request, status, error.message, key)
    except Exception:
        log.exception("unhandled error route=%s method=%s", route_name(request), request.method)
        return error_response(request, 500, "Internal error; see the server log.")
