"""SQL for canary tokens: creating them, and turning a hit into evidence and an incident.

A hit is recorded in one transaction: the request as a capture (chained like any other),
a sighting of the canary's incident (critical account takeover, signal `canary_hit`) and
the outbox rows that tell the activist and their trainers.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from monitor import canaries
from monitor.errors import InvalidInput, NotFound
from monitor.models import Activist, Canary, utcnow
from monitor.registry import Fetched
from monitor.storage import captures, outbox
from monitor.storage.incidents import SightingInput, record_sighting
from monitor.store import Store

TOKEN = "canary.token"
LABEL = "canary.label"


@dataclass(frozen=True)
class CanaryRecord:
    id: int
    activist_id: int
    label: str
    url: str
    hits: int
    created_at: datetime
    last_hit_at: datetime | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "activist_id": self.activist_id,
            "label": self.label,
            "url": self.url,
            "hits": self.hits,
            "created_at": self.created_at.isoformat(),
            "last_hit_at": self.last_hit_at.isoformat() if self.last_hit_at else None,
        }


def token_lookup(store: Store, token: str) -> str:
    return store.vault.lookup("canary", token)


def create(store: Store, activist_id: int, label: str) -> CanaryRecord:
    if not label.strip():
        raise InvalidInput("Give the canary a --label (e.g. the document's fake title).")
    token = canaries.new_token()
    with Session(store.engine) as session:
        if session.get(Activist, activist_id) is None:
            raise InvalidInput(f"No activist with id {activist_id}.")
        row = Canary(
            activist_id=activist_id,
            token_lookup=token_lookup(store, token),
            token_enc=store.vault.seal_text(token, TOKEN),
            label_enc=store.vault.seal_text(label.strip(), LABEL),
        )
        session.add(row)
        session.commit()
        return _record(store, row)


def list_all(store: Store, activist_id: int | None = None) -> list[CanaryRecord]:
    with Session(store.engine) as session:
        query = select(Canary).order_by(col(Canary.id))
        if activist_id is not None:
            query = query.where(Canary.activist_id == activist_id)
        return [_record(store, row) for row in session.exec(query).all()]


def _record(store: Store, row: Canary) -> CanaryRecord:
    assert row.id is not None
    token = store.vault.open_text(row.token_enc, TOKEN)
    return CanaryRecord(
        id=row.id,
        activist_id=row.activist_id,
        label=store.vault.open_text(row.label_enc, LABEL),
        url=canaries.canary_url(store.config.base_url, token),
        hits=row.hits,
        created_at=row.created_at,
        last_hit_at=row.last_hit_at,
    )


@dataclass(frozen=True)
class Hit:
    """What the web server saw of a request to a canary URL."""

    token: str
    url: str
    client: str
    headers: tuple[tuple[str, str], ...]

    def header(self, name: str) -> str:
        return next((v for k, v in self.headers if k.lower() == name.lower()), "")


def record_hit(store: Store, hit: Hit) -> int | None:
    """Record a hit; returns the incident id, or None when the token is unknown."""
    with Session(store.engine) as session:
        row = session.exec(
            select(Canary).where(Canary.token_lookup == token_lookup(store, hit.token))
        ).first()
        if row is None:
            return None
        now = utcnow()
        row.hits += 1
        row.last_hit_at = now
        session.add(row)
        evidence = Fetched(
            request_url=hit.url,
            final_url=hit.url,
            status=200,
            headers=hit.headers,
            raw=json.dumps(
                {"client": hit.client, "headers": [list(h) for h in hit.headers]}
            ).encode(),
            fetched_at=now,
        )
        capture_id = captures.append(session, store.vault, evidence, None)
        outcome = record_sighting(
            session, store.vault, _sighting(store, row, hit, capture_id, now), outbox.enqueue
        )
        session.commit()
        return outcome.incident_id


def _sighting(store: Store, row: Canary, hit: Hit, capture_id: int, now: datetime) -> SightingInput:
    label = store.vault.open_text(row.label_enc, LABEL)
    return SightingInput(
        activist_id=row.activist_id,
        kind="account_takeover",
        base_severity="critical",
        score=1.0,
        title=f"Canary opened: {label}",
        text=f"canary {row.id} opened",
        story_key=store.vault.lookup("story", f"canary:{row.id}"),
        item_key=f"canary:{row.id}:{now.isoformat()}:{secrets.token_hex(4)}",
        seen_at=now,
        capture_id=capture_id,
        url=None,
        signals=("canary_hit",),
        evidence={
            "signal": "canary_hit",
            "canary_id": row.id,
            "label": label,
            "at": now.isoformat(),
            "client": hit.client,
            "user_agent": hit.header("User-Agent"),
            "referer": hit.header("Referer"),
        },
        group_by_text=False,
    )


def get(store: Store, canary_id: int) -> CanaryRecord:
    with Session(store.engine) as session:
        row = session.get(Canary, canary_id)
        if row is None:
            raise NotFound(f"No canary with id {canary_id}.")
        return _record(store, row)
