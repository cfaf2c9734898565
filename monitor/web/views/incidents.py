"""The incident log, one incident, its triage forms, its captures, and the CSV export."""

from __future__ import annotations

from datetime import UTC, datetime

from aiohttp import web

from monitor.models import KINDS, SEVERITIES, STATUSES
from monitor.storage import access
from monitor.web import casework, context, forms, i18n, security
from monitor.web.render import render

routes = web.RouteTableDef()
PAGE_SIZE = 50


def incident_id(request: web.Request) -> int:
    return forms.integer(request.match_info["id"], "incident id", minimum=1)


def flash(request: web.Request) -> str:
    key = forms.flash_key(request.query)
    return i18n.translate(context.lang(request), key) if key else ""


@routes.get("/incidents")
async def incident_log(request: web.Request) -> web.Response:
    filters, shown = forms.incident_filter(request.query)
    paging = forms.page(request.query, PAGE_SIZE)
    store, scope = context.store(request), context.scope(request)
    records, total = await context.db(
        request,
        casework.list_incidents,
        store,
        scope,
        filters,
        paging.offset,
        paging.size,
        via="page",
    )
    choices = await context.db(request, access.activist_choices, store, scope)
    return render(
        request,
        "incidents.html",
        {
            "records": records,
            "total": total,
            "page": paging.number,
            "pages": paging.pages(total),
            "form": shown,
            "query": forms.filter_query(shown),
            "activists": choices,
            "names": dict(choices),
            "kinds": KINDS,
            "severities": SEVERITIES,
            "statuses": STATUSES,
        },
    )


@routes.get("/incidents/export.csv")
async def export_csv(request: web.Request) -> web.Response:
    filters, _ = forms.incident_filter(request.query)
    records = await context.scoped(
        request,
        casework.export,
        filters,
        fmt="csv",
    )
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M")
    return web.Response(
        text=casework.to_csv(records),
        content_type="text/csv",
        charset="utf-8",
        headers={"Content-Disposition": f'attachment; filename="incidents-{stamp}.csv"'},
    )


@routes.get(r"/incidents/{id:\d+}")
async def incident_page(request: web.Request) -> web.Response:
    scope = context.scope(request)
    detail = await context.db(
        request,
        casework.incident_detail,
        context.store(request),
        scope,
        incident_id(request),
        context.lang(request),
        via="page",
    )
    return render(
        request,
        "incident.html",
        {
            "incident": detail.incident,
            "activist_label": detail.activist_label,
            "activist_link": detail.activist_link,
            "sightings": detail.sightings,
            "events": detail.events,
            "playbooks": detail.playbooks,
            "ticks": detail.ticks,
            "names": detail.names,
            "statuses": STATUSES,
            "may_triage": scope.may(access.TRIAGE, detail.incident),
            "may_share": scope.may(access.SHARE, detail.incident),
            "message": flash(request),
        },
    )


def back_to(request: web.Request, fragment: str, saved: str | None = None) -> web.HTTPSeeOther:
    query = f"?saved={saved}" if saved else ""
    return web.HTTPSeeOther(f"/incidents/{incident_id(request)}{query}#{fragment}")


@routes.post(r"/incidents/{id:\d+}/status")
async def change_status(request: web.Request) -> web.Response:
    form = await request.post()
    status = forms.choice(forms.text(form, "status", limit=32), "status", STATUSES)
    note = forms.text(form, "note") or None
    await context.scoped(
        request,
        casework.change_status,
        incident_id(request),
        status,
        note,
    )
    raise back_to(request, "triage", "status")


@routes.post(r"/incidents/{id:\d+}/shareable")
async def change_shareable(request: web.Request) -> web.Response:
    form = await request.post()
    shareable = forms.text(form, "shareable", limit=1) == "1"
    await context.scoped(
        request,
        casework.set_shareable,
        incident_id(request),
        shareable,
    )
    raise back_to(request, "triage", "shared" if shareable else "unshared")


@routes.post(r"/incidents/{id:\d+}/steps")
async def tick_step(request: web.Request) -> web.Response:
    form = await request.post()
    playbook_id = forms.text(form, "playbook", limit=64)
    step_key = forms.text(form, "step", limit=16)
    await context.scoped(
        request,
        casework.set_step,
        incident_id(request),
        playbook_id,
        step_key,
        forms.text(form, "done", limit=1) == "1",
    )
    raise back_to(request, f"step-{playbook_id}-{step_key}")


@routes.get(r"/captures/{id:\d+}/text")
async def capture_text(request: web.Request) -> web.Response:
    """The whole capture as inert text: text/plain, nosniff, and a sandbox policy."""
    capture_id = forms.integer(request.match_info["id"], "capture id", minimum=1)
    body = await context.scoped(request, casework.read_capture, capture_id)
    return web.Response(
        body=body,
        headers={
            "Content-Type": "text/plain; charset=utf-8",
            "Content-Security-Policy": security.SANDBOX_CSP,
            "Content-Disposition": "inline",
        },
    )
