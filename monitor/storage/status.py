"""SQL for health: worker heartbeats and the numbers `monitor status` and /metrics report.

Counts only: no names, targets or content, so the status page and the metrics endpoint are
safe to expose to an operator who may not see the activists' data.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from monitor.models import Alert, Capture, ChainEntry, Counter, Incident, Source, Worker
from monitor.storage.sources import db_now
from monitor.store import Store

# A worker silent for this long is reported as gone.
WORKER_SILENCE = timedelta(minutes=5)
OPEN_INCIDENT_STATUSES = ("new", "triaged", "confirmed")


def heartbeat(store: Store, worker: str, *, cycle_done: bool = False) -> None:
    """Say this worker is alive (and, after a collection cycle, count it)."""
    with Session(store.engine) as session:
        now = db_now(session)
        row = session.get(Worker, worker)
        if row is None:
            row = Worker(name=worker, started_at=now, last_seen_at=now)
        row.last_seen_at = now
        if cycle_done:
            row.cycles += 1
            row.last_cycle_at = now
        session.add(row)
        session.commit()


@dataclass(frozen=True)
class WorkerStatus:
    name: str
    started_at: datetime
    last_seen_at: datetime
    cycles: int
    last_cycle_at: datetime | None
    alive: bool


@dataclass(frozen=True)
class Status:
    at: datetime
    sources: int
    sources_enabled: int
    sources_failing: int
    sources_due: int
    sources_leased: int
    alerts: dict[str, int]
    oldest_pending_alert_seconds: float | None
    incidents_open: int
    incidents: int
    captures: int
    chain_length: int
    workers: list[WorkerStatus] = field(default_factory=list)
    counters: dict[str, int] = field(default_factory=dict)

    @property
    def last_cycle_at(self) -> datetime | None:
        times = [w.last_cycle_at for w in self.workers if w.last_cycle_at]
        return max(times) if times else None

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["last_cycle_at"] = self.last_cycle_at
        return _jsonable(data)


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value


def read(store: Store) -> Status:
    with Session(store.engine) as session:
        now = db_now(session)
        count = _counter(session)
        due = or_due(now)
        alerts = dict(session.exec(select(Alert.status, func.count()).group_by(Alert.status)).all())
        oldest = session.exec(
            select(func.min(Alert.created_at)).where(col(Alert.status) == "pending")
        ).one()
        return Status(
            at=now,
            sources=count(Source),
            sources_enabled=count(Source, col(Source.enabled).is_(True)),
            sources_failing=count(Source, col(Source.consecutive_failures) > 0),
            sources_due=count(Source, col(Source.enabled).is_(True), due),
            sources_leased=count(Source, col(Source.lease_expires_at) > now),
            alerts={status: int(n) for status, n in alerts.items()},
            oldest_pending_alert_seconds=(now - oldest).total_seconds() if oldest else None,
            incidents_open=count(Incident, col(Incident.status).in_(OPEN_INCIDENT_STATUSES)),
            incidents=count(Incident),
            captures=count(Capture),
            chain_length=count(ChainEntry),
            workers=_workers(session, now),
            counters={c.name: c.value for c in session.exec(select(Counter)).all()},
        )


def or_due(now: datetime) -> Any:
    return sa.or_(col(Source.next_check_at).is_(None), col(Source.next_check_at) <= now)


def _counter(session: Session) -> Any:
    def count(table: Any, *conditions: Any) -> int:
        query = select(func.count()).select_from(table)
        for condition in conditions:
            query = query.where(condition)
        return int(session.exec(query).one())

    return count


def _workers(session: Session, now: datetime) -> list[WorkerStatus]:
    rows = session.exec(select(Worker).order_by(col(Worker.name))).all()
    return [
        WorkerStatus(
            name=row.name,
            started_at=row.started_at,
            last_seen_at=row.last_seen_at,
            cycles=row.cycles,
            last_cycle_at=row.last_cycle_at,
            alive=now - row.last_seen_at < WORKER_SILENCE,
        )
        for row in rows
    ]
