"""A seeded database for the web tests: two activists, one user of every kind, incidents with
real captures (one carrying script, frame, handler and CSS payloads), alerts, a source.

Everything is written through the same storage functions the service uses (captures into the
hash chain, sightings through the incident book, alerts through the outbox), so the pages
show what a real installation would.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from sqlmodel import Session

from monitor.activists import RegistrationInput, validate
from monitor.models import utcnow
from monitor.registry import Fetched
from monitor.storage import activists as activist_store
from monitor.storage import captures, outbox, triage
from monitor.storage import sessions as session_store
from monitor.storage import sources as source_store
from monitor.storage import subscriptions as subscription_store
from monitor.storage import users as user_store
from monitor.storage.incidents import SightingInput, record_sighting
from monitor.store import Store
from monitor.web import passwords

PASSWORD = "a long test password 1"
A_NAME = "Gülnarə Mehdiyeva"
B_NAME = "Leyla Həsənova"
A_EMAIL = "gulnara.private@example.org"
B_EMAIL = "leyla.private@example.org"
A_TITLE = "Smear page names Gülnarə Mehdiyeva"
A_TAKEOVER_TITLE = "New login to the Instagram account of Gülnarə"
B_TITLE = "B-SECRET leaked letters of Leyla"
B_URL = "https://b-secret.example/leak"
ROLES = {
    "admin": ("admin", None),
    "trainer_a": ("trainer", "a"),
    "trainer_b": ("trainer", "b"),
    "activist_a": ("activist", "a"),
    "activist_b": ("activist", "b"),
    "coalition": ("coalition", None),
}


def payload(probe: str) -> str:
    """A captured page that would run script, load frames and CSS, if anything let it."""
    return f"""<!doctype html><html><head><title>payload</title>
<style>body {{ background: url({probe}/style-bg.png) }}</style>
<link rel="stylesheet" href="{probe}/linked.css">
<script>window.__pwned = 1; document.title = "pwned"; fetch("{probe}/fetch");</script>
<script src="{probe}/script.js"></script>
</head><body onload="window.__pwned = 2">
<h1>Gülnarə Mehdiyeva xain və əxlaqsızdır</h1>
<img src="{probe}/img.png" onerror="window.__pwned = 3; document.title = 'pwned'">
<svg onload="window.__pwned = 4"></svg>
<iframe src="{probe}/frame.html"></iframe>
<div style="background-image: url({probe}/inline-style.png)">styled</div>
<a href="javascript:window.__pwned=5">click</a>
<meta http-equiv="refresh" content="0; url={probe}/refresh">
</body></html>"""


@dataclass
class Seeded:
    activist_a: int
    activist_b: int
    incident_a: int
    incident_a_shared: int
    incident_b: int
    capture_a: int
    capture_b: int
    source_a: int
    users: dict[str, int] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)


def _fetched(url: str, body: str, minutes_ago: int) -> Fetched:
    return Fetched(
        request_url=url,
        final_url=url,
        status=200,
        headers=(("Content-Type", "text/html; charset=utf-8"),),
        raw=body.encode(),
        fetched_at=utcnow() - timedelta(minutes=minutes_ago),
    )


def _sighting(
    store: Store,
    activist_id: int,
    kind: str,
    title: str,
    url: str,
    body: str,
    *,
    source_id: int | None = None,
    signals: tuple[str, ...] = (),
    days_ago: int = 0,
) -> tuple[int, int]:
    with Session(store.engine) as session:
        capture_id = captures.append(session, store.vault, _fetched(url, body, 5), source_id)
        outcome = record_sighting(
            session,
            store.vault,
            SightingInput(
                activist_id=activist_id,
                kind=kind,
                base_severity="high",
                score=0.8,
                title=title,
                text=body,
                story_key=store.vault.lookup("story", title),
                item_key=url,
                seen_at=utcnow() - timedelta(days=days_ago),
                source_id=source_id,
                capture_id=capture_id,
                url=url,
                signals=signals,
                evidence={
                    "hits": [{"how": "full_name", "matched": title[:20]}],
                    "cues": [
                        {
                            "kind": kind,
                            "term": "xain",
                            "lang": "az",
                            "distance": 2,
                            "contribution": 0.4,
                        }
                    ],
                },
            ),
            alert=outbox.enqueue,
        )
        session.commit()
        return outcome.incident_id, capture_id


def seed(store: Store, probe: str = "http://127.0.0.1:9") -> Seeded:
    """Fill the store; `probe` is where the payload's requests would go if it ran."""
    a = activist_store.add(
        store,
        validate(
            RegistrationInput(A_NAME, aliases=("Гюльнара Мехдиева",), emails=(A_EMAIL,), lang="az")
        ),
    )
    b = activist_store.add(store, validate(RegistrationInput(B_NAME, emails=(B_EMAIL,), lang="ru")))
    source_a = source_store.add(
        store, source_store.NewSource("page", "https://a-watch.example/profile", 900, activist_id=a)
    )
    for activist_id in (a, b):
        subscription_store.add(
            store,
            subscription_store.NewSubscription(activist_id, "webhook", "https://hooks.example/x"),
        )
    inc_a, cap_a = _sighting(
        store, a, "smear", A_TITLE, "https://smear.example/page", payload(probe), days_ago=3
    )
    inc_a2, _ = _sighting(
        store,
        a,
        "account_takeover",
        A_TAKEOVER_TITLE,
        "https://mail.example/notice",
        "<p>New login from Baku</p>",
        source_id=source_a,
        signals=("new_login",),
        days_ago=10,
    )
    triage.set_shareable(store, inc_a2, True, "seed")
    inc_b, cap_b = _sighting(store, b, "leak", B_TITLE, B_URL, f"<p>{B_TITLE} {B_EMAIL}</p>")
    seeded = Seeded(a, b, inc_a, inc_a2, inc_b, cap_a, cap_b, source_a)
    hashed = passwords.hash_password(PASSWORD)
    for username, (role, owner) in ROLES.items():
        activist_id = {"a": a, "b": b}.get(owner or "") if role == "activist" else None
        user_id = user_store.add(store, username, hashed, role, activist_id)
        if role == "trainer":
            user_store.assign(store, user_id, a if owner == "a" else b)
        seeded.users[username] = user_id
        seeded.tokens[username] = session_store.create_token(store, user_id, "tests")
    return seeded
