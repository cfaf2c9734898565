"""SQL for the incident book: sightings into incidents, the log, status changes and notes.

`record_sighting` runs inside the caller's transaction together with the capture and the
outbox rows it causes, so an incident change and its alert are written together or not at all.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from monitor import incidents as book
from monitor.crypto import Vault
from monitor.errors import InvalidInput, NotFound
from monitor.models import STATUSES, Capture, Incident, IncidentEvent, Sighting, utcnow
from monitor.store import Store

TITLE = "incident.title"
S_URL = "sighting.url"
S_TITLE = "sighting.title"
S_EVIDENCE = "sighting.evidence"
NOTE = "incident_event.note"
# Called inside the transaction when an incident needs an alert: (session, incident, reason).
AlertHook = Callable[[Session, Incident, str], int]


@dataclass(frozen=True)
class SightingInput:
    """Everything the book needs to know about one appearance of a story."""

    activist_id: int
    kind: str
    base_severity: str
    score: float
    title: str
    text: str
    story_key: str
    item_key: str
    seen_at: datetime
    source_id: int | None = None
    capture_id: int | None = None
    url: str | None = None
    published_at: datetime | None = None
    signals: tuple[str, ...] = ()
    evidence: Mapping[str, Any] = field(default_factory=dict)
    # Mentions found in text group by similar wording; collector signals (a breach, a
    # lookalike domain, a canary) say exactly which story they belong to and group by that only.
    group_by_text: bool = True


@dataclass(frozen=True)
class SightingOutcome:
    incident_id: int
    created: bool
    duplicate: bool = False
    alert_reason: str | None = None
    alerts: int = 0


def record_sighting(
    session: Session, vault: Vault, new: SightingInput, alert: AlertHook | None = None
) -> SightingOutcome:
    """Attach a sighting to its story's incident (or open one), then re-decide severity."""
    item_lookup = vault.lookup(f"item:{new.source_id}", new.item_key)
    if _already_sighted(session, new, item_lookup):
        return SightingOutcome(0, created=False, duplicate=True)
    new_sketch = book.sketch(f"{new.title}\n{new.text}", sketch_key(vault))
    incident = _continuing_incident(session, new, new_sketch)
    created = incident is None
    if incident is None:
        incident = _open_incident(session, vault, new, new_sketch)
    try:
        with session.begin_nested():
            session.execute(
                sa.insert(_SIGHTING).values(_sighting_row(vault, new, incident, item_lookup))
            )
    except IntegrityError:
        return SightingOutcome(incident.id or 0, created=False, duplicate=True)
    _update_incident(session, incident, new)
    reason = book.alert_reason(incident.kind, incident.severity, incident.alerted_severity)
    alerts = 0
    if reason is not None:
        alerts = alert(session, incident, reason) if alert else 0
        _event(session, incident, "system", "alerted" if alerts else reason)
        incident.alerted_severity = incident.severity
    assert incident.id is not None
    return SightingOutcome(incident.id, created, False, reason, alerts)


def sketch_key(vault: Vault) -> bytes:
    return bytes.fromhex(vault.lookup("story-sketch-key", "v1"))[:32]


# Sightings and incident events are written and counted with Core statements built once:
# nothing reads them back as objects in the transaction, and an ORM flush per row was most of
# the cost of recording a sighting.
_SIGHTING = Sighting.__table__  # type: ignore[attr-defined]
_EVENT = IncidentEvent.__table__  # type: ignore[attr-defined]
_SIGHTED = sa.select(_SIGHTING.c.id).where(
    _SIGHTING.c.source_id == sa.bindparam("source_id"),
    _SIGHTING.c.item_lookup == sa.bindparam("item_lookup"),
    _SIGHTING.c.activist_id == sa.bindparam("activist_id"),
)
_SIGHTING_COUNTS = sa.select(
    sa.func.count(), sa.func.count(sa.distinct(_SIGHTING.c.source_id))
).where(_SIGHTING.c.incident_id == sa.bindparam("incident_id"))


def _already_sighted(session: Session, new: SightingInput, item_lookup: str) -> bool:
    existing = session.execute(
        _SIGHTED,
        {"source_id": new.source_id, "item_lookup": item_lookup, "activist_id": new.activist_id},
    ).first()
    return existing is not None


def _continuing_incident(
    session: Session, new: SightingInput, new_sketch: tuple[int, ...]
) -> Incident | None:
    since = new.seen_at - book.window_for(new.kind)
    rows = session.exec(
        select(Incident).where(
            Incident.activist_id == new.activist_id,
            Incident.kind == new.kind,
            col(Incident.last_seen) >= since,
        )
    ).all()
    candidates = [
        book.Candidate(
            r.id or 0, r.story_key, book.decode_sketch(r.story_sketch) if new.group_by_text else ()
        )
        for r in rows
    ]
    chosen = book.same_story(new.story_key, new_sketch, candidates)
    return next((r for r in rows if r.id == chosen), None)


def _open_incident(
    session: Session, vault: Vault, new: SightingInput, new_sketch: tuple[int, ...]
) -> Incident:
    incident = Incident(
        activist_id=new.activist_id,
        kind=new.kind,
        severity=new.base_severity,
        base_severity=new.base_severity,
        title_enc=vault.seal_text(new.title or new.kind, TITLE),
        story_key=new.story_key,
        story_sketch=book.encode_sketch(new_sketch),
        signals=book.merge_signals("", new.signals),
        score=new.score,
        first_seen=new.seen_at,
        last_seen=new.seen_at,
    )
    session.add(incident)
    session.flush()
    _event(session, incident, "system", "created", to_status="new")
    return incident


def _sighting_row(
    vault: Vault, new: SightingInput, incident: Incident, item_lookup: str
) -> dict[str, Any]:
    assert incident.id is not None
    return {
        "incident_id": incident.id,
        "activist_id": new.activist_id,
        "source_id": new.source_id,
        "capture_id": new.capture_id,
        "item_lookup": item_lookup,
        "url_enc": vault.seal_optional(new.url, S_URL),
        "title_enc": vault.seal_optional(new.title, S_TITLE),
        "kind": new.kind,
        "score": new.score,
        "evidence_enc": vault.seal_text(json.dumps(dict(new.evidence), default=str), S_EVIDENCE),
        "published_at": new.published_at,
        "seen_at": new.seen_at,
    }


def _update_incident(session: Session, incident: Incident, new: SightingInput) -> None:
    counts = session.execute(_SIGHTING_COUNTS, {"incident_id": incident.id}).one()
    incident.sightings_count, distinct_sources = counts[0], counts[1]
    incident.signals = book.merge_signals(incident.signals, new.signals)
    incident.base_severity = max(incident.base_severity, new.base_severity, key=book.rank)
    incident.severity = book.decide_severity(
        book.SeverityInputs(
            incident.kind,
            incident.base_severity,
            distinct_sources,
            frozenset(incident.signals.split(",")),
        )
    )
    incident.score = max(incident.score, new.score)
    incident.last_seen = max(incident.last_seen, new.seen_at)
    incident.updated_at = utcnow()
    if incident.status == "resolved":
        _event(session, incident, "system", "reopened", "resolved", "new")
        incident.status = "new"
    session.add(incident)


def _event(
    session: Session,
    incident: Incident,
    actor: str,
    action: str,
    from_status: str | None = None,
    to_status: str | None = None,
    note_enc: bytes | None = None,
) -> None:
    assert incident.id is not None
    session.execute(
        sa.insert(_EVENT).values(
            incident_id=incident.id,
            at=utcnow(),
            actor=actor,
            action=action,
            from_status=from_status,
            to_status=to_status,
            note_enc=note_enc,
        )
    )


# --- reading the log -------------------------------------------------------------------------


@dataclass(frozen=True)
class IncidentFilter:
    activist_id: int | None = None
    kind: str | None = None
    status: str | None = None
    min_severity: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    activist_ids: frozenset[int] | None = None  # restrict to what a user may see
    shareable_only: bool = False


@dataclass(frozen=True)
class SightingRecord:
    id: int
    source_id: int | None
    capture_id: int | None
    capture_sha256: str | None
    url: str | None
    title: str | None
    kind: str
    score: float
    seen_at: datetime
    published_at: datetime | None
    evidence: Mapping[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "source_id": self.source_id,
            "capture_id": self.capture_id,
            "capture_sha256": self.capture_sha256,
            "url": self.url,
            "title": self.title,
            "kind": self.kind,
            "score": round(self.score, 3),
            "seen_at": self.seen_at.isoformat(),
            "published_at": self.published_at.isoformat() if self.published_at else None,
            "evidence": dict(self.evidence),
        }


@dataclass(frozen=True)
class EventRecord:
    at: datetime
    actor: str
    action: str
    from_status: str | None
    to_status: str | None
    note: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "at": self.at.isoformat(),
            "actor": self.actor,
            "action": self.action,
            "from_status": self.from_status,
            "to_status": self.to_status,
            "note": self.note,
        }


@dataclass(frozen=True)
class IncidentRecord:
    id: int
    activist_id: int
    kind: str
    severity: str
    status: str
    title: str
    signals: tuple[str, ...]
    score: float
    first_seen: datetime
    last_seen: datetime
    sightings: int
    shareable: bool
    urls: tuple[str, ...]

    def to_dict(self, playbooks: Sequence[str] = ()) -> dict[str, Any]:
        return {
            "id": self.id,
            "activist_id": self.activist_id,
            "kind": self.kind,
            "severity": self.severity,
            "status": self.status,
            "title": self.title,
            "signals": list(self.signals),
            "score": round(self.score, 3),
            "first_seen": self.first_seen.isoformat(),
            "last_seen": self.last_seen.isoformat(),
            "sightings": self.sightings,
            "shareable": self.shareable,
            "urls": list(self.urls),
            "playbooks": list(playbooks),
        }


def list_incidents(
    store: Store, filters: IncidentFilter = IncidentFilter()
) -> list[IncidentRecord]:
    with Session(store.engine) as session:
        rows = session.exec(_filtered(filters)).all()
        urls = _urls_by_incident(store, session, [r.id for r in rows if r.id is not None])
        return [_record(store.vault, r, urls[r.id or 0]) for r in rows]


def _filtered(filters: IncidentFilter) -> Any:
    query = select(Incident).order_by(col(Incident.first_seen).desc(), col(Incident.id).desc())
    if filters.activist_id is not None:
        query = query.where(Incident.activist_id == filters.activist_id)
    if filters.activist_ids is not None:
        query = query.where(col(Incident.activist_id).in_(sorted(filters.activist_ids)))
    if filters.kind:
        query = query.where(Incident.kind == filters.kind)
    if filters.status:
        query = query.where(Incident.status == filters.status)
    if filters.min_severity:
        allowed = [s for s in book.SEVERITIES if book.rank(s) >= book.rank(filters.min_severity)]
        query = query.where(col(Incident.severity).in_(allowed))
    if filters.since:
        query = query.where(col(Incident.last_seen) >= filters.since)
    if filters.until:
        query = query.where(col(Incident.first_seen) <= filters.until)
    if filters.shareable_only:
        query = query.where(col(Incident.shareable).is_(True))
    return query


def _urls_by_incident(
    store: Store, session: Session, incident_ids: list[int]
) -> dict[int, list[str]]:
    urls: dict[int, list[str]] = defaultdict(list)
    for chunk_start in range(0, len(incident_ids), 500):
        chunk = incident_ids[chunk_start : chunk_start + 500]
        rows = session.exec(
            select(Sighting.incident_id, Sighting.url_enc)
            .where(col(Sighting.incident_id).in_(chunk))
            .order_by(col(Sighting.id))
        ).all()
        for incident_id, url_enc in rows:
            url = store.vault.open_optional(url_enc, S_URL)
            if url and url not in urls[incident_id]:
                urls[incident_id].append(url)
    return urls


def _record(vault: Vault, row: Incident, urls: list[str]) -> IncidentRecord:
    assert row.id is not None
    return IncidentRecord(
        id=row.id,
        activist_id=row.activist_id,
        kind=row.kind,
        severity=row.severity,
        status=row.status,
        title=vault.open_text(row.title_enc, TITLE),
        signals=tuple(s for s in row.signals.split(",") if s),
        score=row.score,
        first_seen=row.first_seen,
        last_seen=row.last_seen,
        sightings=row.sightings_count,
        shareable=row.shareable,
        urls=tuple(urls),
    )


def get(store: Store, incident_id: int) -> IncidentRecord:
    with Session(store.engine) as session:
        row = session.get(Incident, incident_id)
        if row is None:
            raise NotFound(f"No incident with id {incident_id}. `monitor incidents` lists them.")
        urls = _urls_by_incident(store, session, [incident_id])
        return _record(store.vault, row, urls[incident_id])


def sightings(store: Store, incident_id: int) -> list[SightingRecord]:
    with Session(store.engine) as session:
        rows = session.exec(
            select(Sighting, Capture.sha256)
            .join(Capture, col(Capture.id) == col(Sighting.capture_id), isouter=True)
            .where(Sighting.incident_id == incident_id)
            .order_by(col(Sighting.seen_at), col(Sighting.id))
        ).all()
        return [_sighting_record(store.vault, s, sha) for s, sha in rows]


def _sighting_record(vault: Vault, row: Sighting, sha: str | None) -> SightingRecord:
    assert row.id is not None
    evidence = vault.open_optional(row.evidence_enc, S_EVIDENCE)
    return SightingRecord(
        id=row.id,
        source_id=row.source_id,
        capture_id=row.capture_id,
        capture_sha256=sha,
        url=vault.open_optional(row.url_enc, S_URL),
        title=vault.open_optional(row.title_enc, S_TITLE),
        kind=row.kind,
        score=row.score,
        seen_at=row.seen_at,
        published_at=row.published_at,
        evidence=json.loads(evidence) if evidence else {},
    )


def events(store: Store, incident_id: int) -> list[EventRecord]:
    with Session(store.engine) as session:
        rows = session.exec(
            select(IncidentEvent)
            .where(IncidentEvent.incident_id == incident_id)
            .order_by(col(IncidentEvent.at), col(IncidentEvent.id))
        ).all()
        return [
            EventRecord(
                r.at,
                r.actor,
                r.action,
                r.from_status,
                r.to_status,
                store.vault.open_optional(r.note_enc, NOTE),
            )
            for r in rows
        ]


def set_status(
    store: Store, incident_id: int, *, actor: str, status: str | None, note: str | None
) -> IncidentRecord:
    """Change status and/or add a note; both are written to the incident's audit trail."""
    if status is not None and status not in STATUSES:
        raise InvalidInput(f"Unknown status {status!r}; use one of {', '.join(STATUSES)}.")
    if status is None and not note:
        raise InvalidInput("Give --status, --note, or both.")
    with Session(store.engine) as session:
        row = session.get(Incident, incident_id)
        if row is None:
            raise NotFound(f"No incident with id {incident_id}.")
        note_enc = store.vault.seal_optional(note, NOTE) if note else None
        if status is not None and status != row.status:
            _event(session, row, actor, "status", row.status, status, note_enc)
            row.status = status
        elif note_enc is not None:
            _event(session, row, actor, "note", note_enc=note_enc)
        row.updated_at = utcnow()
        session.add(row)
        session.commit()
    return get(store, incident_id)
