"""SQL for the alert outbox: rows written with the incident change, leased for delivery.

`enqueue` runs inside the incident book's transaction, so an incident change and its alerts
are committed together or not at all. Delivery workers lease due rows (SKIP LOCKED on
PostgreSQL); a worker that dies loses its lease when it expires and another delivers the row,
with the same idempotency key.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from monitor import incidents as book
from monitor import subscriptions as rules
from monitor.models import Alert, Incident, Subscription
from monitor.storage.sources import db_now, update_held
from monitor.storage.subscriptions import DESTINATION, SECRET
from monitor.store import Store

OPEN_STATUSES = ("pending", "held")
MAX_RETRY_DELAY = timedelta(hours=1)
FIRST_RETRY_DELAY = timedelta(seconds=30)


def enqueue(session: Session, incident: Incident, reason: str) -> int:
    """One alert per enabled subscription that wants this severity; returns how many."""
    now = db_now(session)
    subscriptions = session.exec(
        select(Subscription).where(
            Subscription.activist_id == incident.activist_id,
            col(Subscription.enabled).is_(True),
        )
    ).all()
    written = 0
    for subscription in subscriptions:
        if book.rank(incident.severity) < book.rank(subscription.min_severity):
            continue
        held = rules.held_until(
            now,
            subscription.quiet_start,
            subscription.quiet_end,
            subscription.timezone,
            incident.severity,
        )
        alert = Alert(
            incident_id=incident.id or 0,
            subscription_id=subscription.id or 0,
            channel=subscription.channel,
            reason=reason,
            severity=incident.severity,
            lang=subscription.lang,
            idempotency_key=f"{incident.id}:{reason}:{incident.severity}:{subscription.id}",
            status="held" if held else "pending",
            next_attempt_at=held or now,
        )
        try:
            with session.begin_nested():
                session.add(alert)
        except IntegrityError:
            continue  # this exact alert was already written
        written += 1
    return written


@dataclass(frozen=True)
class Claimed:
    """A leased alert with what the dispatcher needs to deliver it (decrypted)."""

    id: int
    status: str
    subscription_id: int
    channel: str
    destination: str
    secret: str | None
    lang: str
    reason: str
    severity: str
    kind: str
    signals: tuple[str, ...]
    incident_id: int
    key: str
    attempts: int
    created_at: datetime


def claim(store: Store, worker: str, *, limit: int, lease: timedelta) -> list[Claimed]:
    """Lease up to `limit` due alerts; held ones come with all the others held for the same
    subscription, so a digest is complete."""
    with Session(store.engine) as session:
        now = db_now(session)
        rows = session.exec(
            _due(now).order_by(col(Alert.next_attempt_at), col(Alert.id)).limit(limit)
        ).all()
        held_subscriptions = {r.subscription_id for r in rows if r.status == "held"}
        if held_subscriptions:
            rows = list(rows) + list(
                session.exec(
                    _due(now).where(
                        Alert.status == "held",
                        col(Alert.subscription_id).in_(held_subscriptions),
                        col(Alert.id).not_in([r.id for r in rows]),
                    )
                ).all()
            )
        claimed = [_claimed(store, session, row) for row in rows]
        for row in rows:
            row.lease_owner, row.lease_expires_at = worker, now + lease
            session.add(row)
        session.commit()
        return claimed


def _due(now: datetime) -> Any:
    return (
        select(Alert)
        .where(col(Alert.status).in_(OPEN_STATUSES), col(Alert.next_attempt_at) <= now)
        .where(or_(col(Alert.lease_expires_at).is_(None), col(Alert.lease_expires_at) < now))
        .with_for_update(skip_locked=True)
    )


def _claimed(store: Store, session: Session, row: Alert) -> Claimed:
    subscription = session.get(Subscription, row.subscription_id)
    incident = session.get(Incident, row.incident_id)
    assert subscription is not None and incident is not None and row.id is not None
    return Claimed(
        id=row.id,
        status=row.status,
        subscription_id=row.subscription_id,
        channel=row.channel,
        destination=store.vault.open_text(subscription.destination_enc, DESTINATION),
        secret=store.vault.open_optional(subscription.secret_enc, SECRET),
        lang=row.lang,
        reason=row.reason,
        severity=row.severity,
        kind=incident.kind,
        signals=tuple(s for s in incident.signals.split(",") if s),
        incident_id=row.incident_id,
        key=row.idempotency_key,
        attempts=row.attempts,
        created_at=row.created_at,
    )


def _update(
    store: Store, ids: list[int], worker: str, change: Callable[[Alert, datetime], None]
) -> int:
    """Apply `change` to the rows this worker still holds the lease on, and release them."""

    def settle(row: Alert, now: datetime) -> None:
        change(row, now)
        row.lease_owner, row.lease_expires_at = None, None

    return update_held(store, Alert, ids, worker, settle)


def mark_sent(store: Store, ids: list[int], worker: str, digest_key: str | None = None) -> int:
    def sent(row: Alert, now: datetime) -> None:
        row.status, row.sent_at, row.digest_key, row.last_error = "sent", now, digest_key, None
        row.attempts += 1

    return _update(store, ids, worker, sent)


def mark_failed_attempt(
    store: Store,
    ids: list[int],
    worker: str,
    error: str,
    *,
    retryable: bool,
    max_attempts: int,
    first_delay: timedelta = FIRST_RETRY_DELAY,
) -> int:
    """Count the attempt; back off exponentially, or give up (visible as `failed`)."""

    def failed(row: Alert, now: datetime) -> None:
        row.attempts += 1
        row.last_error = error[:500]
        if not retryable or row.attempts >= max_attempts:
            row.status = "failed"
            return
        row.next_attempt_at = now + retry_delay(row.attempts, first_delay)

    return _update(store, ids, worker, failed)


def retry_delay(attempts: int, first: timedelta = FIRST_RETRY_DELAY) -> timedelta:
    return min(MAX_RETRY_DELAY, first * 2 ** max(0, attempts - 1))


def retry_failed(store: Store) -> int:
    """Put failed alerts back in the queue (after fixing a channel's settings)."""
    with Session(store.engine) as session:
        now = db_now(session)
        rows = session.exec(select(Alert).where(Alert.status == "failed")).all()
        for row in rows:
            row.status, row.attempts, row.next_attempt_at = "pending", 0, now
            session.add(row)
        session.commit()
        return len(rows)


@dataclass(frozen=True)
class AlertRecord:
    id: int
    incident_id: int
    subscription_id: int
    channel: str
    reason: str
    severity: str
    status: str
    attempts: int
    last_error: str | None
    created_at: datetime
    sent_at: datetime | None
    next_attempt_at: datetime

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "incident_id": self.incident_id,
            "subscription_id": self.subscription_id,
            "channel": self.channel,
            "reason": self.reason,
            "severity": self.severity,
            "status": self.status,
            "attempts": self.attempts,
            "last_error": self.last_error,
            "created_at": self.created_at.isoformat(),
            "sent_at": self.sent_at.isoformat() if self.sent_at else None,
            "next_attempt_at": self.next_attempt_at.isoformat(),
        }


def list_alerts(
    store: Store, status: str | None = None, incident_id: int | None = None
) -> list[AlertRecord]:
    with Session(store.engine) as session:
        query = select(Alert).order_by(col(Alert.id))
        if status:
            query = query.where(Alert.status == status)
        if incident_id is not None:
            query = query.where(Alert.incident_id == incident_id)
        return [
            AlertRecord(
                r.id or 0,
                r.incident_id,
                r.subscription_id,
                r.channel,
                r.reason,
                r.severity,
                r.status,
                r.attempts,
                r.last_error,
                r.created_at,
                r.sent_at,
                r.next_attempt_at,
            )
            for r in session.exec(query).all()
        ]
