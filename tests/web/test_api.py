"""The JSON API: its OpenAPI description, its answers, its one error shape, and auditing."""

from __future__ import annotations

import re
from typing import Any

import jsonschema
import pytest
from openapi_spec_validator import validate
from sqlmodel import Session, select

from monitor.models import AuditEntry, Incident
from monitor.store import Store
from monitor.web import openapi
from monitor.web.app import create_app
from tests.support.web_seed import Seeded
from tests.web.helpers import WebClient, bearer


def schema_check(document: dict[str, Any], method: str, path: str, body: Any) -> None:
    """Validate an answer against the 200 response schema the document gives the route."""
    answer = document["paths"][path][method]["responses"]["200"]["content"]["application/json"]
    schema = {**answer["schema"], "components": document["components"]}
    jsonschema.Draft202012Validator(schema).validate(body)


def served_routes(store: Store) -> set[tuple[str, str]]:
    app = create_app(store)
    found = set()
    for route in app.router.routes():
        canonical = route.resource.canonical if route.resource else ""
        if canonical.startswith("/api/") and route.method != "HEAD":
            found.add((route.method.lower(), re.sub(r"\{(\w+):[^}]*\}", r"{\1}", canonical)))
    return found


async def test_openapi_document_is_valid_and_complete(store: Store, client: WebClient) -> None:
    reply = await client.get("/api/openapi.json")
    assert reply.status == 200
    document = reply.json()
    validate(document)
    documented = {(m, p) for p, item in document["paths"].items() for m in item}
    assert documented == served_routes(store)


async def test_answers_match_the_document(seeded: Seeded, client: WebClient) -> None:
    document = openapi.document("http://127.0.0.1:8080")
    admin = bearer(seeded.tokens["admin"])
    gets = {
        "/api/me": "/api/me",
        "/api/incidents": "/api/incidents",
        "/api/incidents/{id}": f"/api/incidents/{seeded.incident_a}",
        "/api/incidents/{id}/sightings": f"/api/incidents/{seeded.incident_a}/sightings",
        "/api/captures/{id}": f"/api/captures/{seeded.capture_a}",
        "/api/activists": "/api/activists",
        "/api/activists/{id}": f"/api/activists/{seeded.activist_a}",
        "/api/alerts": "/api/alerts",
        "/api/stats": "/api/stats",
        "/api/export/incidents": "/api/export/incidents",
        "/api/audit": "/api/audit",
        "/api/links": "/api/links",
    }
    for template, path in gets.items():
        reply = await client.get(path, headers=admin)
        assert reply.status == 200, (path, reply.text)
        schema_check(document, "get", template, reply.json())
    posts = {
        "/api/incidents/{id}/status": {"status": "triaged", "note": "looked at it"},
        "/api/incidents/{id}/shareable": {"shareable": False},
        "/api/incidents/{id}/steps": {"playbook": "smear-campaign", "step": "1.1"},
    }
    for template, body in posts.items():
        path = template.replace("{id}", str(seeded.incident_a))
        reply = await client.request("POST", path, headers=admin, json=body)
        assert reply.status == 200, (path, reply.text)
        schema_check(document, "post", template, reply.json())
    checked = await client.request(
        "POST", "/api/links", headers=admin, json={"url": "hxxps://example[.]org/login"}
    )
    assert checked.status == 200
    schema_check(document, "post", "/api/links", checked.json())


@pytest.mark.parametrize(
    ("method", "path", "body", "status"),
    [
        ("GET", "/api/nothing-here", None, 404),
        ("DELETE", "/api/incidents", None, 405),
        ("GET", "/api/incidents?kind=gossip", None, 400),
        ("GET", "/api/incidents?since=yesterday", None, 400),
        ("GET", "/api/incidents?limit=100000", None, 400),
        ("GET", "/api/incidents/999999", None, 404),
        ("POST", "/api/incidents/{a}/status", {"status": "done"}, 400),
        ("POST", "/api/incidents/{a}/status", ["not", "an", "object"], 400),
        ("POST", "/api/incidents/{a}/steps", {"playbook": "phishing", "step": "1.1"}, 400),
        ("POST", "/api/incidents/{a}/steps", {"playbook": "smear-campaign", "step": "9.9"}, 400),
        ("POST", "/api/incidents/{a}/shareable", {"shareable": "yes"}, 400),
        ("POST", "/api/links", {"url": "ftp://example.org/x"}, 400),
    ],
)
async def test_one_error_shape(
    seeded: Seeded, client: WebClient, method: str, path: str, body: Any, status: int
) -> None:
    target = path.replace("{a}", str(seeded.incident_a))
    reply = await client.request(method, target, headers=bearer(seeded.tokens["admin"]), json=body)
    assert reply.status == status
    data = reply.json()
    assert set(data) == {"ok", "error", "status"}
    assert data["ok"] is False and data["status"] == status and data["error"]


async def test_bad_tokens_get_401_with_a_challenge(seeded: Seeded, client: WebClient) -> None:
    for headers in ({}, bearer("mon_wrong"), {"Authorization": seeded.tokens["admin"]}):
        reply = await client.get("/api/incidents", headers=headers)
        assert reply.status == 401 and reply.headers["WWW-Authenticate"].startswith("Bearer")
        assert reply.json()["ok"] is False


async def test_api_ignores_session_cookies(store: Store, seeded: Seeded, client: WebClient) -> None:
    from tests.web.helpers import SESSION, signed_in

    cookies, _ = signed_in(store, seeded.users["admin"])
    reply = await client.get("/api/me", headers={"Cookie": f"{SESSION}={cookies[SESSION]}"})
    assert reply.status == 401


async def test_triage_through_the_api(store: Store, seeded: Seeded, client: WebClient) -> None:
    trainer = bearer(seeded.tokens["trainer_a"])
    incident = f"/api/incidents/{seeded.incident_a}"
    changed = await client.request(
        "POST", f"{incident}/status", headers=trainer, json={"status": "confirmed", "note": "real"}
    )
    assert changed.json()["incident"]["status"] == "confirmed"
    tick = {"playbook": "smear-campaign", "step": "1.2", "done": True}
    assert (await client.request("POST", f"{incident}/steps", headers=trainer, json=tick)).json()[
        "changed"
    ]
    detail = (await client.get(f"{incident}?lang=ru", headers=trainer)).json()["incident"]
    [checklist] = detail["checklists"]
    assert checklist["lang"] == "ru"
    done = [s for s in checklist["steps"] if s["done"]]
    assert [s["key"] for s in done] == ["1.2"]
    assert done[0]["done_by"] == f"user:{seeded.users['trainer_a']}"
    actions = [e["action"] for e in detail["events"]]
    assert "status" in actions and "step_done" in actions
    notes = [e["note"] for e in detail["events"] if e["action"] == "status"]
    assert notes == ["real"]


async def test_sharing_opens_an_incident_to_coalitions(
    store: Store, seeded: Seeded, client: WebClient
) -> None:
    coalition = bearer(seeded.tokens["coalition"])
    path = f"/api/incidents/{seeded.incident_b}"
    assert (await client.get(path, headers=coalition)).status == 404
    share = await client.request(
        "POST",
        f"{path}/shareable",
        headers=bearer(seeded.tokens["activist_b"]),
        json={"shareable": True},
    )
    assert share.json() == {"ok": True, "changed": True}
    assert (await client.get(path, headers=coalition)).status == 200
    exported = (await client.get("/api/export/incidents", headers=coalition)).json()
    assert {i["id"] for i in exported["incidents"]} == {
        seeded.incident_a_shared,
        seeded.incident_b,
    }
    refused = await client.request(
        "POST", f"{path}/status", headers=coalition, json={"status": "resolved"}
    )
    assert refused.status == 403
    with Session(store.engine) as session:
        assert session.get(Incident, seeded.incident_b).status == "new"


async def test_reads_and_exports_are_audited(
    store: Store, seeded: Seeded, client: WebClient
) -> None:
    user = seeded.users["coalition"]
    coalition = bearer(seeded.tokens["coalition"])
    await client.get(f"/api/incidents/{seeded.incident_a_shared}", headers=coalition)
    await client.get("/api/export/incidents?kind=account_takeover", headers=coalition)
    await client.get("/api/incidents", headers=coalition)
    with Session(store.engine) as session:
        rows = session.exec(select(AuditEntry).where(AuditEntry.user_id == user)).all()
    found = {(r.action, r.target) for r in rows}
    assert ("read_incident", f"incident:{seeded.incident_a_shared}") in found
    assert ("export", "count:1") in found
    assert ("list_incidents", "count:1") in found
    assert all(r.actor == f"user:{user}" for r in rows)
    admin = bearer(seeded.tokens["admin"])
    entries = (await client.get("/api/audit?action=export", headers=admin)).json()["entries"]
    assert entries[0]["username"] == "coalition" and entries[0]["detail"]["format"] == "json"
    assert entries[0]["detail"]["ids"] == [seeded.incident_a_shared]


async def test_activists_check_links_only_for_themselves(seeded: Seeded, client: WebClient) -> None:
    activist = bearer(seeded.tokens["activist_a"])
    reply = await client.request(
        "POST",
        "/api/links",
        headers=activist,
        json={"url": "https://example.org/", "activist_id": seeded.activist_b},
    )
    assert reply.status == 200 and reply.json()["check"]["activist_id"] == seeded.activist_a
    trainer = bearer(seeded.tokens["trainer_a"])
    other = await client.request(
        "POST",
        "/api/links",
        headers=trainer,
        json={"url": "https://example.org/", "activist_id": seeded.activist_b},
    )
    assert other.status == 404
    mine = (await client.get("/api/links", headers=bearer(seeded.tokens["activist_b"]))).json()
    assert mine["checks"] == []
    coalition = await client.get("/api/links", headers=bearer(seeded.tokens["coalition"]))
    assert coalition.status == 403
