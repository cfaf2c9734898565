"""The access-control matrix: every role against every page and API route.

Roles: anonymous, admin, a trainer assigned to activist A and one assigned only to B, activist
A and activist B, and a coalition member. Targets: A's private incident, A's incident marked
shareable, B's private incident, their captures and registrations. Each route's status must be
what the role allows, and no body may contain the private data of an activist the role may
not see (titles, URLs, names, emails), whatever the status.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass

import pytest

from monitor.store import Store
from tests.support import web_seed as data
from tests.support.web_seed import Seeded
from tests.web.helpers import Reply, WebClient, bearer, signed_in

ROLES = ("anonymous", "admin", "trainer_a", "trainer_b", "activist_a", "activist_b", "coalition")
INCIDENTS_SEEN = {
    "admin": {"a", "a_shared", "b"},
    "trainer_a": {"a", "a_shared"},
    "trainer_b": {"b"},
    "activist_a": {"a", "a_shared"},
    "activist_b": {"b"},
    "coalition": {"a_shared"},
    "anonymous": set(),
}
ACTIVISTS_SEEN = {
    "admin": {"a", "b"},
    "trainer_a": {"a"},
    "trainer_b": {"b"},
    "activist_a": {"a"},
    "activist_b": {"b"},
    "coalition": set(),
    "anonymous": set(),
}
# What must never appear in a body for a role that may not see that activist or incident.
PRIVATE = {
    "a": (data.A_TITLE, data.A_EMAIL, "smear.example", data.A_NAME),
    "a_shared": (data.A_TAKEOVER_TITLE, "mail.example/notice"),
    "b": (data.B_TITLE, data.B_URL, data.B_EMAIL, data.B_NAME),
}
PLAYBOOKS = {"a": "smear-campaign", "a_shared": "account-takeover", "b": "leaked-correspondence"}
CASEWORK = {"admin", "trainer_a", "trainer_b", "activist_a", "activist_b"}


@dataclass
class Caller:
    role: str
    web: WebClient
    headers: dict[str, str]
    csrf: str
    replies: list[tuple[str, Reply]]

    @property
    def anonymous(self) -> bool:
        return self.role == "anonymous"

    async def page(self, path: str) -> Reply:
        reply = await self.web.get(path, headers=self.headers)
        self.replies.append((path, reply))
        return reply

    async def form(self, path: str, fields: dict[str, str]) -> Reply:
        reply = await self.web.post(path, {"csrf": self.csrf, **fields}, headers=self.headers)
        self.replies.append((path, reply))
        return reply

    async def api(self, method: str, path: str, body: dict[str, object] | None = None) -> Reply:
        reply = await self.web.request(method, path, headers=self.headers, json=body)
        self.replies.append((path, reply))
        return reply


async def caller(role: str, store: Store, seeded: Seeded, web: WebClient, api: bool) -> Caller:
    if role == "anonymous":
        return Caller(role, web, {}, "", [])
    if api:
        return Caller(role, web, bearer(seeded.tokens[role]), "", [])
    cookies, csrf = signed_in(store, seeded.users[role])
    header = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}
    return Caller(role, web, header, csrf, [])


def targets(seeded: Seeded) -> dict[str, int]:
    return {"a": seeded.incident_a, "a_shared": seeded.incident_a_shared, "b": seeded.incident_b}


def expect_page(who: Caller, reply: Reply, allowed: bool, *, forbidden: bool = False) -> None:
    if who.anonymous:
        assert reply.status == 303 and reply.location.startswith("/login"), reply.status
    elif forbidden:
        assert reply.status == 403, reply.status
    else:
        assert reply.status == (200 if allowed else 404), reply.status


def expect_api(who: Caller, reply: Reply, allowed: bool, *, forbidden: bool = False) -> None:
    if who.anonymous:
        assert reply.status == 401
    elif forbidden:
        assert reply.status == 403
    else:
        assert reply.status == (200 if allowed else 404), reply.text
    if reply.status != 200:
        assert reply.json() == {"ok": False, "error": reply.json()["error"], "status": reply.status}


def hidden_from(role: str) -> set[str]:
    """Private strings of the incidents and registrations this role may not see."""
    hidden = {
        text for key, texts in PRIVATE.items() if key not in INCIDENTS_SEEN[role] for text in texts
    }
    if "a" not in ACTIVISTS_SEEN[role]:
        hidden |= {data.A_NAME, data.A_EMAIL}
    if "b" not in ACTIVISTS_SEEN[role]:
        hidden |= {data.B_NAME, data.B_EMAIL}
    return hidden


def spellings(secret: str) -> set[str]:
    """The text as it would appear raw, HTML-escaped, or inside JSON."""
    return {secret, html.escape(secret), json.dumps(secret)[1:-1]}


def assert_no_leaks(who: Caller) -> None:
    hidden = {form for secret in hidden_from(who.role) for form in spellings(secret)}
    for path, reply in who.replies:
        for secret in hidden:
            assert secret not in reply.text, f"{who.role} saw {secret!r} on {path}"


@pytest.mark.parametrize("role", ROLES)
async def test_pages(role: str, store: Store, seeded: Seeded, client: WebClient) -> None:
    who = await caller(role, store, seeded, client, api=False)
    seen, activists = INCIDENTS_SEEN[role], ACTIVISTS_SEEN[role]
    for path in ("/dashboard", "/incidents", "/incidents/export.csv", "/account"):
        expect_page(who, await who.page(path), True)
    for key, incident_id in targets(seeded).items():
        reply = await who.page(f"/incidents/{incident_id}")
        expect_page(who, reply, key in seen)
        if reply.status == 200:
            assert html.escape(PRIVATE[key][0]) in reply.text
    captures = {"a": seeded.capture_a, "b": seeded.capture_b}
    for key, capture_id in captures.items():
        expect_page(who, await who.page(f"/captures/{capture_id}/text"), key in seen)
    for key, activist_id in {"a": seeded.activist_a, "b": seeded.activist_b}.items():
        reply = await who.page(f"/activists/{activist_id}")
        expect_page(who, reply, key in activists, forbidden=role == "coalition")
    expect_page(who, await who.page("/alerts"), True, forbidden=role == "coalition")
    expect_page(who, await who.page("/audit"), True, forbidden=role != "admin")
    may_register = role in ("admin", "trainer_a", "trainer_b")
    expect_page(who, await who.page("/activists/new"), True, forbidden=not may_register)
    listing = await who.page("/activists")
    if role.startswith("activist"):
        own = seeded.activist_a if role == "activist_a" else seeded.activist_b
        assert listing.status == 303 and listing.location == f"/activists/{own}"
    else:
        expect_page(who, listing, True, forbidden=role == "coalition")
    await check_forms(who, seeded)
    assert_no_leaks(who)


async def check_forms(who: Caller, seeded: Seeded) -> None:
    """Every state-changing form, with a valid CSRF token, on every target."""
    seen = INCIDENTS_SEEN[who.role]
    for key, incident_id in targets(seeded).items():
        posts = {
            "status": {"status": "triaged", "note": "checked"},
            "shareable": {"shareable": "1" if key == "a_shared" else "0"},
            "steps": {"playbook": PLAYBOOKS[key], "step": "1.1", "done": "1"},
        }
        for action, fields in posts.items():
            reply = await who.form(f"/incidents/{incident_id}/{action}", fields)
            if who.anonymous:  # no session, so no valid CSRF token: refused before anything
                assert reply.status == 403
            elif key in seen and who.role in CASEWORK:
                assert reply.status == 303, (action, key, reply.status, reply.text[:300])
            elif key in seen:
                assert reply.status == 403, (action, key)
            else:
                assert reply.status == 404, (action, key)
    for key, activist_id in {"a": seeded.activist_a, "b": seeded.activist_b}.items():
        reply = await who.form(
            f"/activists/{activist_id}/identifiers", {"type": "alias", "value": f"Alias {key}"}
        )
        if who.anonymous or who.role == "coalition":
            assert reply.status == 403
        else:
            assert reply.status == (303 if key in ACTIVISTS_SEEN[who.role] else 404)


@pytest.mark.parametrize("role", ROLES)
async def test_api(role: str, store: Store, seeded: Seeded, client: WebClient) -> None:
    who = await caller(role, store, seeded, client, api=True)
    seen, activists = INCIDENTS_SEEN[role], ACTIVISTS_SEEN[role]
    for path in ("/api/me", "/api/incidents", "/api/stats", "/api/export/incidents"):
        expect_api(who, await who.api("GET", path), True)
    listed = await who.api("GET", "/api/incidents")
    if listed.status == 200:
        ids = {i["id"] for i in listed.json()["incidents"]}
        assert ids == {targets(seeded)[k] for k in seen}
    for key, incident_id in targets(seeded).items():
        expect_api(who, await who.api("GET", f"/api/incidents/{incident_id}"), key in seen)
        expect_api(
            who, await who.api("GET", f"/api/incidents/{incident_id}/sightings"), key in seen
        )
        casework = who.role in CASEWORK
        for suffix, body in (
            ("status", {"note": "api note"}),
            ("shareable", {"shareable": key == "a_shared"}),
        ):
            reply = await who.api("POST", f"/api/incidents/{incident_id}/{suffix}", body)
            expect_api(who, reply, key in seen, forbidden=key in seen and not casework)
    for key, capture_id in {"a": seeded.capture_a, "b": seeded.capture_b}.items():
        expect_api(who, await who.api("GET", f"/api/captures/{capture_id}"), key in seen)
    no_registrations = role == "coalition"
    expect_api(who, await who.api("GET", "/api/activists"), True, forbidden=no_registrations)
    for key, activist_id in {"a": seeded.activist_a, "b": seeded.activist_b}.items():
        reply = await who.api("GET", f"/api/activists/{activist_id}")
        expect_api(who, reply, key in activists, forbidden=no_registrations)
    expect_api(who, await who.api("GET", "/api/alerts"), True, forbidden=no_registrations)
    expect_api(who, await who.api("GET", "/api/audit"), True, forbidden=role != "admin")
    assert_no_leaks(who)


async def test_alerts_are_limited_to_the_scope(
    store: Store, seeded: Seeded, client: WebClient
) -> None:
    trainer = await caller("trainer_a", store, seeded, client, api=True)
    alerts = (await trainer.api("GET", "/api/alerts")).json()["alerts"]
    assert alerts and {a["incident_id"] for a in alerts} <= {
        seeded.incident_a,
        seeded.incident_a_shared,
    }
    admin = await caller("admin", store, seeded, client, api=True)
    everything = (await admin.api("GET", "/api/alerts")).json()["alerts"]
    assert seeded.incident_b in {a["incident_id"] for a in everything}


async def test_unassigning_a_trainer_takes_effect_at_once(
    store: Store, seeded: Seeded, client: WebClient
) -> None:
    from monitor.storage import users

    trainer = await caller("trainer_a", store, seeded, client, api=True)
    assert (await trainer.api("GET", f"/api/incidents/{seeded.incident_a}")).status == 200
    users.unassign(store, seeded.users["trainer_a"], seeded.activist_a)
    assert (await trainer.api("GET", f"/api/incidents/{seeded.incident_a}")).status == 404


async def test_disabled_users_lose_sessions_and_tokens(
    store: Store, seeded: Seeded, client: WebClient
) -> None:
    from monitor.storage import users

    page = await caller("trainer_a", store, seeded, client, api=False)
    api = await caller("trainer_a", store, seeded, client, api=True)
    users.set_disabled(store, seeded.users["trainer_a"], True)
    assert (await page.page("/incidents")).status == 303
    assert (await api.api("GET", "/api/me")).status == 401
