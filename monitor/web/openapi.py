"""The OpenAPI 3.1 description of /api/, written out by hand so it says what each route means.

`tests/web/test_api.py` validates it with openapi-spec-validator, checks that it lists exactly
the routes the app serves, and checks real responses against its schemas.
"""

from __future__ import annotations

from typing import Any

from monitor.models import KINDS, SEVERITIES, STATUSES

JSON = "application/json"
DATE_TIME = {"type": "string", "format": "date-time"}
OPTIONAL_DATE_TIME = {"type": ["string", "null"], "format": "date-time"}


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def array(item: dict[str, Any]) -> dict[str, Any]:
    return {"type": "array", "items": item}


def obj(required: list[str], **properties: Any) -> dict[str, Any]:
    return {"type": "object", "required": required, "properties": properties}


def envelope(**data: Any) -> dict[str, Any]:
    """A success answer: `ok: true` plus named data."""
    return obj(["ok", *data], ok={"const": True}, **data)


SCHEMAS: dict[str, Any] = {
    "Error": obj(
        ["ok", "error", "status"],
        ok={"const": False},
        error={"type": "string", "description": "What went wrong and what to do."},
        status={"type": "integer"},
    ),
    "Incident": obj(
        [
            "id",
            "activist_id",
            "kind",
            "severity",
            "status",
            "title",
            "first_seen",
            "last_seen",
            "sightings",
            "shareable",
            "urls",
            "playbooks",
        ],
        id={"type": "integer"},
        activist_id={"type": "integer"},
        kind={"enum": list(KINDS)},
        severity={"enum": list(SEVERITIES)},
        status={"enum": list(STATUSES)},
        title={"type": "string"},
        signals=array({"type": "string"}),
        score={"type": "number"},
        first_seen=DATE_TIME,
        last_seen=DATE_TIME,
        sightings={"type": "integer"},
        shareable={"type": "boolean"},
        urls=array({"type": "string"}),
        playbooks=array({"type": "string"}),
    ),
    "Sighting": obj(
        ["id", "kind", "score", "seen_at", "evidence"],
        id={"type": "integer"},
        source_id={"type": ["integer", "null"]},
        capture_id={"type": ["integer", "null"]},
        capture_sha256={"type": ["string", "null"], "description": "SHA-256 of the capture."},
        url={"type": ["string", "null"]},
        title={"type": ["string", "null"]},
        kind={"type": "string"},
        score={"type": "number"},
        seen_at=DATE_TIME,
        published_at=OPTIONAL_DATE_TIME,
        evidence={"type": "object", "description": "Matched identifiers and classifier cues."},
    ),
    "Event": obj(
        ["at", "actor", "action"],
        at=DATE_TIME,
        actor={"type": "string"},
        action={"type": "string"},
        from_status={"type": ["string", "null"]},
        to_status={"type": ["string", "null"]},
        note={"type": ["string", "null"]},
    ),
    "Checklist": obj(
        ["playbook", "lang", "title", "steps"],
        playbook={"type": "string"},
        lang={"type": "string"},
        title={"type": "string"},
        steps=array(
            obj(
                ["key", "text", "done"],
                key={"type": "string", "description": "Position, e.g. 2.3."},
                text={"type": "string"},
                done={"type": "boolean"},
                done_by={"type": ["string", "null"]},
                done_at=OPTIONAL_DATE_TIME,
            )
        ),
    ),
    "IncidentDetail": {
        "allOf": [
            ref("Incident"),
            obj(
                ["sightings_detail", "events", "checklists"],
                sightings_detail=array(ref("Sighting")),
                events=array(ref("Event")),
                checklists=array(ref("Checklist")),
            ),
        ]
    },
    "Capture": obj(
        ["id", "request_url", "final_url", "status", "headers", "fetched_at", "sha256", "text"],
        id={"type": "integer"},
        request_url={"type": "string"},
        final_url={"type": "string"},
        status={"type": "integer"},
        headers=array(array({"type": "string"})),
        fetched_at=DATE_TIME,
        sha256={"type": "string"},
        size={"type": "integer"},
        text={"type": "string", "description": "The body decoded as UTF-8 (inert text)."},
    ),
    "Activist": obj(
        ["id", "name", "lang"],
        id={"type": "integer"},
        name={"type": "string"},
        lang={"enum": ["en", "az", "ru"]},
        aliases=array({"type": "string"}),
        nicknames=array({"type": "string"}),
        handles=array({"type": "string"}),
        emails=array({"type": "string"}),
        phones=array({"type": "string"}),
        domains=array({"type": "string"}),
        created_at=DATE_TIME,
    ),
    "Source": obj(
        ["id", "kind", "target", "health"],
        id={"type": "integer"},
        kind={"type": "string"},
        target={"type": "string"},
        health={"enum": ["ok", "new", "failing", "disabled"]},
    ),
    "Alert": obj(
        ["id", "incident_id", "channel", "reason", "severity", "status", "attempts"],
        id={"type": "integer"},
        incident_id={"type": "integer"},
        subscription_id={"type": "integer"},
        channel={"type": "string"},
        reason={"type": "string"},
        severity={"enum": list(SEVERITIES)},
        status={"enum": ["pending", "held", "sent", "failed"]},
        attempts={"type": "integer"},
        last_error={"type": ["string", "null"]},
        created_at=DATE_TIME,
        sent_at=OPTIONAL_DATE_TIME,
        next_attempt_at=DATE_TIME,
    ),
    "Stats": obj(
        ["total", "by_kind", "by_status", "by_severity", "weeks"],
        total={"type": "integer"},
        by_kind={"type": "object", "additionalProperties": {"type": "integer"}},
        by_status={"type": "object", "additionalProperties": {"type": "integer"}},
        by_severity={"type": "object", "additionalProperties": {"type": "integer"}},
        weeks=array(
            obj(
                ["start", "total", "by_kind"],
                start={"type": "string", "format": "date"},
                total={"type": "integer"},
                by_kind={"type": "object", "additionalProperties": {"type": "integer"}},
            )
        ),
    ),
    "AuditEntry": obj(
        ["id", "at", "actor", "action", "target"],
        id={"type": "integer"},
        at=DATE_TIME,
        user_id={"type": ["integer", "null"]},
        username={"type": ["string", "null"]},
        actor={"type": "string"},
        action={"type": "string"},
        target={"type": "string"},
        detail={"type": "object"},
    ),
    "LinkCheck": obj(
        ["id", "url", "verdict", "reasons", "checked_at"],
        id={"type": "integer"},
        activist_id={"type": ["integer", "null"]},
        url={"type": "string"},
        verdict={"enum": ["malicious", "suspicious", "unknown"]},
        reasons=array({"type": "string"}),
        incident_id={"type": ["integer", "null"]},
        checked_at=DATE_TIME,
    ),
    "LinkVerdict": obj(
        ["url", "verdict", "reasons", "check_id"],
        url={"type": "string"},
        check_id={"type": ["integer", "null"]},
        activist_id={"type": ["integer", "null"]},
        incident_id={"type": ["integer", "null"]},
        verdict={"enum": ["malicious", "suspicious", "unknown"]},
        severity={"type": ["string", "null"]},
        signals=array({"type": "string"}),
        host={"type": "string"},
        registered_domain={"type": ["string", "null"]},
        reasons=array({"type": "string"}),
        indicators=array({"type": "object"}),
        lookalikes=array({"type": "object"}),
        spyware=array({"type": "string"}),
    ),
    "Me": obj(
        ["id", "username", "role", "actions"],
        id={"type": "integer"},
        username={"type": "string"},
        role={"enum": ["admin", "trainer", "activist", "coalition"]},
        activist_id={"type": ["integer", "null"]},
        activist_ids={
            "type": ["array", "null"],
            "items": {"type": "integer"},
            "description": "Activists in scope; null means all.",
        },
        shareable_only={"type": "boolean"},
        actions=array({"type": "string"}),
    ),
}


def _param(name: str, where: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": where,
        "required": where == "path",
        "schema": schema,
        "description": description,
    }


ID = _param("id", "path", {"type": "integer", "minimum": 1}, "The id.")
FILTERS = [
    _param("activist", "query", {"type": "integer"}, "Only this activist's incidents."),
    _param("kind", "query", {"enum": list(KINDS)}, "Only this kind."),
    _param("severity", "query", {"enum": list(SEVERITIES)}, "This severity or higher."),
    _param("status", "query", {"enum": list(STATUSES)}, "Only this status."),
    _param("since", "query", {"type": "string"}, "Seen since (YYYY-MM-DD or ISO time)."),
    _param("until", "query", {"type": "string"}, "First seen until (YYYY-MM-DD, inclusive)."),
]
PAGING = [
    _param("limit", "query", {"type": "integer", "minimum": 1, "maximum": 500}, "At most."),
    _param("offset", "query", {"type": "integer", "minimum": 0}, "Skip this many."),
]


def _errors(*statuses: int) -> dict[str, Any]:
    return {str(s): {"$ref": "#/components/responses/Error"} for s in statuses}


def _op(
    summary: str,
    answer: dict[str, Any],
    *,
    params: list[dict[str, Any]] | None = None,
    body: dict[str, Any] | None = None,
    errors: tuple[int, ...] = (401,),
    public: bool = False,
) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "summary": summary,
        "parameters": params or [],
        "responses": {
            "200": {"description": "OK", "content": {JSON: {"schema": answer}}},
            **_errors(*errors),
        },
    }
    if body is not None:
        operation["requestBody"] = {"required": True, "content": {JSON: {"schema": body}}}
    if public:
        operation["security"] = []
    return operation


READ_ONE = (400, 401, 404)
WRITE_ONE = (400, 401, 403, 404)
PATHS: dict[str, Any] = {
    "/api/openapi.json": {"get": _op("This document.", {"type": "object"}, errors=(), public=True)},
    "/api/me": {
        "get": _op("Who the token belongs to and what it may do.", envelope(user=ref("Me")))
    },
    "/api/incidents": {
        "get": _op(
            "The incident log the token may see, newest first (each listed incident is audited).",
            envelope(
                total={"type": "integer"},
                limit={"type": "integer"},
                offset={"type": "integer"},
                incidents=array(ref("Incident")),
            ),
            params=FILTERS + PAGING,
            errors=(400, 401, 403),
        )
    },
    "/api/incidents/{id}": {
        "get": _op(
            "One incident with sightings, timeline and playbook checklists (audited).",
            envelope(incident=ref("IncidentDetail")),
            params=[
                ID,
                _param("lang", "query", {"enum": ["en", "az", "ru"]}, "Playbook language."),
            ],
            errors=READ_ONE,
        )
    },
    "/api/incidents/{id}/sightings": {
        "get": _op(
            "The sightings of one incident (audited).",
            envelope(sightings=array(ref("Sighting"))),
            params=[ID],
            errors=READ_ONE,
        )
    },
    "/api/incidents/{id}/status": {
        "post": _op(
            "Change the status and/or add a note (both go to the timeline).",
            envelope(incident=ref("Incident")),
            params=[ID],
            body=obj(
                [],
                status={"enum": list(STATUSES)},
                note={"type": "string", "maxLength": 4000},
            ),
            errors=WRITE_ONE,
        )
    },
    "/api/incidents/{id}/shareable": {
        "post": _op(
            "Mark the incident shareable with coalitions, or withdraw it.",
            envelope(changed={"type": "boolean"}),
            params=[ID],
            body=obj(["shareable"], shareable={"type": "boolean"}),
            errors=WRITE_ONE,
        )
    },
    "/api/incidents/{id}/steps": {
        "post": _op(
            "Tick (or untick) a step of one of the incident's playbooks.",
            envelope(changed={"type": "boolean"}),
            params=[ID],
            body=obj(
                ["playbook", "step"],
                playbook={"type": "string"},
                step={"type": "string", "examples": ["1.2"]},
                done={"type": "boolean", "default": True},
            ),
            errors=WRITE_ONE,
        )
    },
    "/api/captures/{id}": {
        "get": _op(
            "A capture of a sighting the token may see: context and body as text (audited).",
            envelope(capture=ref("Capture")),
            params=[ID],
            errors=READ_ONE,
        )
    },
    "/api/activists": {
        "get": _op(
            "The registrations the token may see.",
            envelope(activists=array(ref("Activist"))),
            errors=(401, 403),
        )
    },
    "/api/activists/{id}": {
        "get": _op(
            "One registration with the sources that watch it.",
            envelope(
                activist={
                    "allOf": [
                        ref("Activist"),
                        obj(
                            ["sources", "trainers"],
                            sources=array(ref("Source")),
                            trainers=array({"type": "string"}),
                        ),
                    ]
                }
            ),
            params=[ID],
            errors=(400, 401, 403, 404),
        )
    },
    "/api/alerts": {
        "get": _op(
            "Alerts about incidents the token may see, with their delivery state.",
            envelope(alerts=array(ref("Alert"))),
            params=[_param("status", "query", {"enum": ["pending", "held", "sent", "failed"]}, "")],
            errors=(400, 401, 403),
        )
    },
    "/api/stats": {
        "get": _op(
            "Incident counts by kind, status, severity and week.", envelope(stats=ref("Stats"))
        )
    },
    "/api/export/incidents": {
        "get": _op(
            "Every incident the filters select, for export (audited as an export).",
            envelope(incidents=array(ref("Incident"))),
            params=FILTERS,
            errors=(400, 401, 403),
        )
    },
    "/api/links": {
        "get": _op(
            "Recent link checks for the activists the token may see.",
            envelope(checks=array(ref("LinkCheck"))),
            errors=(401, 403),
        ),
        "post": _op(
            "Check a suspicious link (never opened); a bad verdict for an activist opens a "
            "phishing incident. Activists always check for themselves.",
            envelope(check=ref("LinkVerdict")),
            body=obj(
                ["url"],
                url={"type": "string", "maxLength": 4096},
                activist_id={"type": ["integer", "null"]},
            ),
            errors=(400, 401, 403, 404),
        ),
    },
    "/api/audit": {
        "get": _op(
            "The audit log, newest first (administrators only).",
            envelope(entries=array(ref("AuditEntry"))),
            params=[_param("action", "query", {"type": "string"}, "Only this action."), *PAGING],
            errors=(400, 401, 403),
        )
    },
}


def document(base_url: str) -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Activist Monitor API",
            "version": "1",
            "description": (
                "Incidents, sightings, registrations, alerts and statistics, limited to what "
                "the token's user may see. Send `Authorization: Bearer <token>`; create tokens "
                "with `monitor user token USERNAME` or on the Account page. Every error is "
                '`{"ok": false, "error": ..., "status": ...}`.'
            ),
        },
        "servers": [{"url": base_url.rstrip("/")}],
        "security": [{"bearer": []}],
        "paths": PATHS,
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "responses": {
                "Error": {
                    "description": "An error, in the one error shape.",
                    "content": {JSON: {"schema": ref("Error")}},
                }
            },
            "schemas": SCHEMAS,
        },
    }
