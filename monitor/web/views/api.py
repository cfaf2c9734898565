"""The JSON API under /api/: the same data as the pages, for scripts, with bearer tokens.

Every answer is an object with `"ok": true` and the data under a named key; every error is
`{"ok": false, "error": ..., "status": ...}` (see `monitor.web.errors`). The routes and their
shapes are described in `monitor.web.openapi`, served at /api/openapi.json.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from monitor.errors import InvalidInput
from monitor.storage import access, audit
from monitor.web import casework, context, forms, openapi
from monitor.web.auth import public

routes = web.RouteTableDef()
MAX_LIMIT = 500
DEFAULT_LIMIT = 100
ALERT_STATUSES = ("pending", "held", "sent", "failed")


def ok(**data: Any) -> web.Response:
    return web.json_response({"ok": True, **data})


def path_id(request: web.Request, name: str = "id") -> int:
    return forms.integer(request.match_info[name], name, minimum=1)


def limits(request: web.Request) -> tuple[int, int]:
    raw_limit, raw_offset = request.query.get("limit", ""), request.query.get("offset", "")
    limit = forms.integer(raw_limit, "limit", minimum=1, maximum=MAX_LIMIT) if raw_limit else None
    offset = forms.integer(raw_offset, "offset") if raw_offset else 0
    return limit or DEFAULT_LIMIT, offset


async def body(request: web.Request) -> dict[str, Any]:
    try:
        data = await request.json()
    except ValueError:
        raise InvalidInput("The request body must be a JSON object.") from None
    if not isinstance(data, dict):
        raise InvalidInput("The request body must be a JSON object.")
    return data


@routes.get("/api/openapi.json")
@public
async def description(request: web.Request) -> web.Response:
    return web.json_response(openapi.document(request.app[context.STORE].config.base_url))


@routes.get("/api/me")
async def me(request: web.Request) -> web.Response:
    user, scope = context.user(request), context.scope(request)
    ids = sorted(scope.activist_ids) if scope.activist_ids is not None else None
    return ok(
        user={
            "id": user.id,
            "username": user.username,
            "role": user.role,
            "activist_id": user.activist_id,
            "activist_ids": ids,
            "shareable_only": scope.shareable_only,
            "actions": [a for a in access.ACTIONS if scope.allows(a)],
        }
    )


@routes.get("/api/incidents")
async def incidents(request: web.Request) -> web.Response:
    filters, _ = forms.incident_filter(request.query)
    limit, offset = limits(request)
    records, total = await context.scoped(
        request,
        casework.list_incidents,
        filters,
        offset,
        limit,
        via="api",
    )
    listed = [r.to_dict([p.id for p in casework.playbooks_for(r, "en")]) for r in records]
    return ok(total=total, limit=limit, offset=offset, incidents=listed)


@routes.get(r"/api/incidents/{id:\d+}")
async def incident(request: web.Request) -> web.Response:
    lang = forms.choice(request.query.get("lang", ""), "lang", ("en", "az", "ru"))
    detail = await context.scoped(
        request,
        casework.incident_detail,
        path_id(request),
        lang or context.lang(request),
        via="api",
    )
    return ok(incident=detail.to_dict())


@routes.get(r"/api/incidents/{id:\d+}/sightings")
async def sightings(request: web.Request) -> web.Response:
    found = await context.scoped(
        request,
        casework.sightings,
        path_id(request),
    )
    return ok(sightings=[s.to_dict() for s in found])


def _record(record: Any) -> dict[str, Any]:
    return dict(record.to_dict([p.id for p in casework.playbooks_for(record, "en")]))


@routes.post(r"/api/incidents/{id:\d+}/status")
async def set_status(request: web.Request) -> web.Response:
    data = await body(request)
    status, note = data.get("status"), data.get("note")
    if status is not None and not isinstance(status, str):
        raise InvalidInput("status must be a string.")
    if note is not None and not isinstance(note, str):
        raise InvalidInput("note must be a string.")
    record = await context.scoped(
        request,
        casework.change_status,
        path_id(request),
        status,
        note,
    )
    return ok(incident=_record(record))


@routes.post(r"/api/incidents/{id:\d+}/shareable")
async def set_shareable(request: web.Request) -> web.Response:
    data = await body(request)
    if not isinstance(data.get("shareable"), bool):
        raise InvalidInput("shareable must be true or false.")
    changed = await context.scoped(
        request,
        casework.set_shareable,
        path_id(request),
        data["shareable"],
    )
    return ok(changed=changed)


@routes.post(r"/api/incidents/{id:\d+}/steps")
async def set_step(request: web.Request) -> web.Response:
    data = await body(request)
    playbook_id, step_key, done = data.get("playbook"), data.get("step"), data.get("done", True)
    if not isinstance(playbook_id, str) or not isinstance(step_key, str):
        raise InvalidInput('playbook and step must be strings, e.g. "phishing" and "1.2".')
    if not isinstance(done, bool):
        raise InvalidInput("done must be true or false.")
    changed = await context.scoped(
        request,
        casework.set_step,
        path_id(request),
        playbook_id,
        step_key,
        done,
    )
    return ok(changed=changed)


@routes.get(r"/api/captures/{id:\d+}")
async def capture(request: web.Request) -> web.Response:
    found = await context.scoped(
        request,
        casework.capture_record,
        path_id(request),
    )
    return ok(capture=found)


@routes.get("/api/activists")
async def activists(request: web.Request) -> web.Response:
    found = await context.scoped(request, access.activists)
    return ok(activists=[a.to_dict() for a in found])


@routes.get(r"/api/activists/{id:\d+}")
async def activist(request: web.Request) -> web.Response:
    page = await context.scoped(
        request,
        casework.activist_page,
        path_id(request),
    )
    data = page.activist.to_dict()
    data["sources"] = [s.to_dict() for s in page.sources]
    data["trainers"] = page.trainers
    return ok(activist=data)


@routes.get("/api/alerts")
async def alerts(request: web.Request) -> web.Response:
    scope = context.scope(request)
    status = forms.choice(request.query.get("status", ""), "status", ALERT_STATUSES)
    found = await context.db(request, access.alerts, context.store(request), scope, status)
    listed = [a.to_dict() for a in found]
    if scope.role not in ("admin", "trainer"):
        for item in listed:
            item["last_error"] = None
    return ok(alerts=listed)


@routes.get("/api/stats")
async def stats(request: web.Request) -> web.Response:
    found = await context.scoped(request, casework.incident_stats)
    return ok(stats=found.to_dict())


@routes.get("/api/export/incidents")
async def export(request: web.Request) -> web.Response:
    filters, _ = forms.incident_filter(request.query)
    records = await context.scoped(
        request,
        casework.export,
        filters,
        fmt="json",
    )
    return ok(incidents=[_record(r) for r in records])


@routes.get("/api/audit")
async def audit_log(request: web.Request) -> web.Response:
    context.scope(request).require(access.VIEW_AUDIT)
    limit, offset = limits(request)
    action = request.query.get("action") or None
    found = await context.db(
        request, audit.entries, context.store(request), action=action, limit=limit, offset=offset
    )
    return ok(entries=[e.to_dict() for e in found])


@routes.get("/api/links")
async def link_checks(request: web.Request) -> web.Response:
    found = await context.scoped(request, access.link_checks)
    return ok(checks=[c.to_dict() for c in found])


@routes.post("/api/links")
async def check_link(request: web.Request) -> web.Response:
    data = await body(request)
    url, activist_id = data.get("url"), data.get("activist_id")
    if not isinstance(url, str):
        raise InvalidInput("url must be a string.")
    if activist_id is not None and (not isinstance(activist_id, int) or activist_id < 1):
        raise InvalidInput("activist_id must be a positive integer or null.")
    verdict = await context.scoped(
        request,
        casework.check_link,
        url,
        activist_id,
    )
    return ok(check=verdict.to_dict())
