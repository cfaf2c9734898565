"""Page behaviour beyond access: registration edits, new registrations, CSV export, link
checks, filters and the dashboard, through the forms a person would use."""

from __future__ import annotations

import csv
import io

from monitor.storage import activists as activist_store
from monitor.storage import users as user_store
from monitor.store import Store
from tests.support.web_seed import A_TITLE, Seeded
from tests.web.helpers import Reply, WebClient, signed_in


class Session:
    def __init__(self, client: WebClient, store: Store, user_id: int) -> None:
        cookies, self.csrf = signed_in(store, user_id)
        self.client = client
        self.headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}

    async def get(self, path: str) -> Reply:
        return await self.client.get(path, headers=self.headers)

    async def post(self, path: str, fields: dict[str, str]) -> Reply:
        return await self.client.post(path, {"csrf": self.csrf, **fields}, headers=self.headers)


async def test_activist_edits_their_registration(
    store: Store, seeded: Seeded, client: WebClient
) -> None:
    me = Session(client, store, seeded.users["activist_a"])
    base = f"/activists/{seeded.activist_a}"
    added = await me.post(f"{base}/identifiers", {"type": "handle", "value": "instagram:gulnara.m"})
    assert added.status == 303 and "saved=ident_added" in added.location
    refused = await me.post(f"{base}/identifiers", {"type": "email", "value": "not an email"})
    assert refused.status == 400 and "not an email" in refused.text
    removed = await me.post(
        f"{base}/identifiers/remove",
        {"type": "alias", "value": "Гюльнара Мехдиева", "platform": ""},
    )
    assert removed.status == 303
    name = await me.post(
        f"{base}/identifiers/remove", {"type": "name", "value": "Gülnarə Mehdiyeva"}
    )
    assert name.status == 400
    assert (await me.post(f"{base}/lang", {"lang": "ru"})).status == 303
    record = activist_store.get(store, seeded.activist_a)
    assert record.lang == "ru"
    assert record.values("handle") == ["instagram:gulnara.m"] and record.values("alias") == []
    page = await me.get(f"{base}?saved=ident_added")
    assert "Added." in page.text or "Добавлено." in page.text


async def test_trainer_registers_and_is_assigned(
    store: Store, seeded: Seeded, client: WebClient
) -> None:
    trainer = Session(client, store, seeded.users["trainer_b"])
    reply = await trainer.post(
        "/activists/new",
        {"name": "Nərmin Əliyeva", "emails": "nermin@example.org\n", "lang": "az"},
    )
    assert reply.status == 303
    new_id = int(reply.location.split("/")[2].split("?")[0])
    assert new_id in user_store.get(store, seeded.users["trainer_b"]).assigned
    assert (await trainer.get(f"/activists/{new_id}")).status == 200
    bad = await trainer.post("/activists/new", {"name": "Someone", "phones": "12"})
    assert bad.status == 400


async def test_csv_export_is_scoped_and_safe(
    store: Store, seeded: Seeded, client: WebClient
) -> None:
    from monitor.storage import incidents

    incidents.set_status(store, seeded.incident_a, actor="t", status="triaged", note=None)
    trainer = Session(client, store, seeded.users["trainer_a"])
    reply = await trainer.get("/incidents/export.csv?kind=smear")
    assert reply.status == 200 and reply.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(reply.text)))
    assert [r["title"] for r in rows] == [A_TITLE]
    assert rows[0]["playbooks"] == "smear-campaign" and rows[0]["status"] == "triaged"
    from monitor.web.casework import to_csv

    record = incidents.get(store, seeded.incident_a)
    from dataclasses import replace

    risky = to_csv([replace(record, title='=HYPERLINK("http://x")')])
    assert "'=HYPERLINK" in risky


async def test_filters_and_dashboard(store: Store, seeded: Seeded, client: WebClient) -> None:
    admin = Session(client, store, seeded.users["admin"])
    leaks = await admin.get("/incidents?kind=leak")
    assert "1 incident(s)" in leaks.text
    assert (await admin.get("/incidents?severity=critical")).text.count('class="title"') == 0
    assert (await admin.get("/incidents?since=2999-01-01")).text.count("incident(s)") == 1
    assert (await admin.get("/incidents?kind=gossip")).status == 400
    assert (await admin.get("/incidents?activist=abc")).status == 400
    dashboard = await admin.get("/dashboard")
    assert '<span class="num">3</span> incidents' in dashboard.text


async def test_link_check_form(store: Store, seeded: Seeded, client: WebClient) -> None:
    trainer = Session(client, store, seeded.users["trainer_a"])
    reply = await trainer.post(
        "/links", {"url": "hxxps://example[.]org/login", "activist": str(seeded.activist_a)}
    )
    assert reply.status == 200 and "https://example.org/login" in reply.text
    assert "Not known to be bad" in reply.text
    page = await trainer.get("/links")
    assert "https://example.org/login" in page.text
    elsewhere = await trainer.post(
        "/links", {"url": "https://example.org/", "activist": str(seeded.activist_b)}
    )
    assert elsewhere.status == 404
    assert (await trainer.post("/links", {"url": "mailto:someone"})).status == 400
