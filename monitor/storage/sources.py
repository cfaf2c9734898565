"""SQL for sources: registration, listing with health, and the collector's saved state."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy import or_
from sqlmodel import Session, col, func, select

from monitor.errors import InvalidInput, NotFound
from monitor.models import Activist, Alert, Source, utcnow
from monitor.registry import SourceView
from monitor.storage import activists as activist_store
from monitor.store import Store

TARGET_CONTEXT = "source.target"
NAME_CONTEXT = "source.name"
ERROR_CONTEXT = "source.last_error"
STATE_CONTEXT = "source.state"
PROXY_CONTEXT = "source.proxy"
SECRET_CONTEXT = "source.secret"


@dataclass(frozen=True)
class NewSource:
    kind: str
    target: str
    every_seconds: int
    name: str | None = None
    activist_id: int | None = None
    proxy: str | None = None
    secret: str | None = None


@dataclass(frozen=True)
class SourceRecord:
    """A source read back, decrypted, with its health."""

    id: int
    kind: str
    target: str
    name: str | None
    activist_id: int | None
    every_seconds: int
    enabled: bool
    created_at: datetime
    next_check_at: datetime | None
    last_checked_at: datetime | None
    last_success_at: datetime | None
    last_error: str | None
    last_error_code: str | None
    last_error_at: datetime | None
    consecutive_failures: int

    @property
    def health(self) -> str:
        if not self.enabled:
            return "disabled"
        if self.consecutive_failures:
            return "failing"
        return "ok" if self.last_success_at else "new"

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "kind": self.kind,
            "target": self.target,
            "name": self.name,
            "activist_id": self.activist_id,
            "every": self.every_seconds,
            "enabled": self.enabled,
            "health": self.health,
            "consecutive_failures": self.consecutive_failures,
            "last_error": self.last_error,
            "last_error_code": self.last_error_code,
        }
        for key in ("created_at", "next_check_at", "last_checked_at", "last_success_at"):
            value = getattr(self, key)
            data[key] = value.isoformat() if value else None
        data["last_error_at"] = self.last_error_at.isoformat() if self.last_error_at else None
        return data


def target_lookup(store: Store, kind: str, target: str) -> str:
    return store.vault.lookup(f"source:{kind}", target)


def add(store: Store, new: NewSource) -> int:
    seal = store.vault.seal_optional
    with Session(store.engine) as session:
        if new.activist_id is not None and session.get(Activist, new.activist_id) is None:
            raise InvalidInput(f"No activist with id {new.activist_id}.")
        lookup = target_lookup(store, new.kind, new.target)
        existing = session.exec(
            select(Source.id).where(Source.kind == new.kind, Source.target_lookup == lookup)
        ).first()
        if existing is not None:
            raise InvalidInput(f"This {new.kind} source is already watched as source #{existing}.")
        source = Source(
            kind=new.kind,
            target_enc=store.vault.seal_text(new.target, TARGET_CONTEXT),
            target_lookup=lookup,
            name_enc=seal(new.name, NAME_CONTEXT),
            activist_id=new.activist_id,
            every_seconds=new.every_seconds,
            proxy_enc=seal(new.proxy, PROXY_CONTEXT),
            secret_enc=seal(new.secret, SECRET_CONTEXT),
        )
        session.add(source)
        session.commit()
        assert source.id is not None
        return source.id


def list_all(store: Store) -> list[SourceRecord]:
    with Session(store.engine) as session:
        rows = session.exec(select(Source).order_by(col(Source.id))).all()
        return [record(store, row) for row in rows]


def get(store: Store, source_id: int) -> SourceRecord:
    with Session(store.engine) as session:
        row = session.get(Source, source_id)
        if row is None:
            raise NotFound(f"No source with id {source_id}. `monitor source list` shows ids.")
        return record(store, row)


def record(store: Store, row: Source) -> SourceRecord:
    open_ = store.vault.open_optional
    assert row.id is not None
    return SourceRecord(
        id=row.id,
        kind=row.kind,
        target=store.vault.open_text(row.target_enc, TARGET_CONTEXT),
        name=open_(row.name_enc, NAME_CONTEXT),
        activist_id=row.activist_id,
        every_seconds=row.every_seconds,
        enabled=row.enabled,
        created_at=row.created_at,
        next_check_at=row.next_check_at,
        last_checked_at=row.last_checked_at,
        last_success_at=row.last_success_at,
        last_error=open_(row.last_error_enc, ERROR_CONTEXT),
        last_error_code=row.last_error_code,
        last_error_at=row.last_error_at,
        consecutive_failures=row.consecutive_failures,
    )


def view(store: Store, row: Source) -> SourceView:
    """What the collector gets: target, validators, proxy and its saved cursor."""
    assert row.id is not None
    state = store.vault.open_optional(row.state_enc, STATE_CONTEXT)
    return SourceView(
        id=row.id,
        kind=row.kind,
        target=store.vault.open_text(row.target_enc, TARGET_CONTEXT),
        activist_id=row.activist_id,
        name=store.vault.open_optional(row.name_enc, NAME_CONTEXT),
        etag=row.etag,
        last_modified=row.last_modified,
        every_seconds=row.every_seconds,
        proxy=store.vault.open_optional(row.proxy_enc, PROXY_CONTEXT),
        state=json.loads(state) if state else {},
        secret=store.vault.open_optional(row.secret_enc, SECRET_CONTEXT),
        activist=_registration(store, row.activist_id),
    )


def _registration(store: Store, activist_id: int | None) -> dict[str, Any] | None:
    if activist_id is None:
        return None
    return activist_store.get(store, activist_id).to_dict()


def save_state(store: Store, source_id: int, state: dict[str, Any]) -> None:
    """Replace a source's saved state (e.g. a profile baseline the activist acknowledged)."""
    with Session(store.engine) as session:
        row = session.get(Source, source_id)
        if row is None:
            raise NotFound(f"No source with id {source_id}.")
        row.state_enc = store.vault.seal_text(json.dumps(state), STATE_CONTEXT)
        session.add(row)
        session.commit()


# --- scheduling ------------------------------------------------------------------------------


def db_now(session: Session) -> datetime:
    """The database server's clock on PostgreSQL (workers with skewed clocks agree on it)."""
    if session.get_bind().dialect.name == "postgresql":
        value = session.execute(sa.text("SELECT now()")).scalar_one()
        return value.astimezone(UTC)
    return utcnow()


Leased = TypeVar("Leased", Source, Alert)


def update_held(
    store: Store,
    table: type[Leased],
    ids: list[int],
    worker: str,
    change: Callable[[Leased, datetime], None],
) -> int:
    """Apply `change` to the rows of `table` among `ids` whose lease `worker` still holds, in
    one transaction and at the database's time; rows whose lease went to another worker are
    left alone. Returns how many were changed. Sources and alerts are leased the same way."""
    if not ids:
        return 0
    with Session(store.engine) as session:
        now = db_now(session)
        rows = session.exec(
            select(table).where(col(table.id).in_(ids), table.lease_owner == worker)
        ).all()
        for row in rows:
            change(row, now)
            session.add(row)
        session.commit()
        return len(rows)


def current_time(store: Store) -> datetime:
    with Session(store.engine) as session:
        return db_now(session)


def claim_due(
    store: Store,
    worker: str,
    *,
    limit: int,
    lease: timedelta,
    checked_before: datetime | None = None,
) -> list[SourceView]:
    """Lease up to `limit` due sources to `worker` (on PostgreSQL: skipping locked rows, so
    concurrent workers never claim the same source); expired leases are free to take.

    With `checked_before`, every source not checked since then is due, whatever its schedule
    (`monitor collect --all`)."""
    with Session(store.engine) as session:
        now = db_now(session)
        query = (
            select(Source)
            .where(col(Source.enabled).is_(True))
            .where(or_(col(Source.lease_expires_at).is_(None), col(Source.lease_expires_at) < now))
            .order_by(col(Source.next_check_at).asc().nulls_first(), col(Source.id))
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        if checked_before is None:
            query = query.where(
                or_(col(Source.next_check_at).is_(None), col(Source.next_check_at) <= now)
            )
        else:
            query = query.where(
                or_(
                    col(Source.last_checked_at).is_(None),
                    col(Source.last_checked_at) < checked_before,
                )
            )
        rows = session.exec(query).all()
        for row in rows:
            row.lease_owner = worker
            row.lease_expires_at = now + lease
            session.add(row)
        views = [view(store, row) for row in rows]
        session.commit()
        return views


@dataclass(frozen=True)
class Outcome:
    """How one collection of one source ended, for its health record."""

    ok: bool
    error_code: str | None = None
    error: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    state: dict[str, Any] | None = None


NextCheck = Callable[[datetime, int], datetime]


def finish_many(store: Store, worker: str, outcomes: list[tuple[int, Outcome, NextCheck]]) -> int:
    """Record health and next checks for many sources in one transaction and release their
    leases; sources whose lease this worker lost are left alone. Returns how many were
    recorded."""
    by_id = {source_id: (outcome, next_check) for source_id, outcome, next_check in outcomes}

    def record(row: Source, now: datetime) -> None:
        _apply(store, row, *by_id[row.id], now)  # type: ignore[index]

    return update_held(store, Source, list(by_id), worker, record)


def _apply(
    store: Store, row: Source, outcome: Outcome, next_check: NextCheck, now: datetime
) -> None:
    row.last_checked_at = now
    if outcome.ok:
        row.last_success_at = now
        row.consecutive_failures = 0
        row.etag = outcome.etag if outcome.etag is not None else row.etag
        row.last_modified = outcome.last_modified or row.last_modified
        if outcome.state is not None:
            row.state_enc = store.vault.seal_text(json.dumps(outcome.state), STATE_CONTEXT)
    else:
        row.consecutive_failures += 1
        row.last_error_code = outcome.error_code
        row.last_error_enc = store.vault.seal_optional(outcome.error, ERROR_CONTEXT)
        row.last_error_at = now
    row.next_check_at = next_check(now, row.consecutive_failures)
    row.lease_owner = None
    row.lease_expires_at = None


def release(store: Store, source_ids: list[int], worker: str) -> None:
    """Give back leases without recording an outcome (clean shutdown mid-cycle)."""

    def unlease(row: Source, now: datetime) -> None:
        row.lease_owner = None
        row.lease_expires_at = None

    update_held(store, Source, source_ids, worker, unlease)


def view_by_id(store: Store, source_id: int) -> SourceView:
    """A source as its collector sees it (decrypted target and state)."""
    with Session(store.engine) as session:
        row = session.get(Source, source_id)
        if row is None:
            raise NotFound(f"No source with id {source_id}. `monitor source list` shows ids.")
        return view(store, row)


def renew(store: Store, source_ids: list[int], worker: str, lease: timedelta) -> int:
    """Extend this worker's leases on sources it is still working on (a live worker keeps its
    sources; a dead one stops renewing and loses them within one lease)."""

    def extend(row: Source, now: datetime) -> None:
        row.lease_expires_at = now + lease

    return update_held(store, Source, source_ids, worker, extend)


def leased_elsewhere(store: Store, worker: str, checked_before: datetime | None) -> int:
    """Enabled sources another worker holds right now (and, for --all, has not finished)."""
    with Session(store.engine) as session:
        now = db_now(session)
        query = select(func.count()).where(
            col(Source.enabled).is_(True),
            col(Source.lease_expires_at) > now,
            col(Source.lease_owner) != worker,
        )
        if checked_before is not None:
            query = query.where(
                or_(
                    col(Source.last_checked_at).is_(None),
                    col(Source.last_checked_at) < checked_before,
                )
            )
        return int(session.exec(query).one())


def seconds_until_due(store: Store) -> float | None:
    """How long until the next enabled source falls due (0 if one is due now), by the
    database's clock; None when no source is enabled. A leased source counts from its lease
    expiry, the earliest moment another worker could take it."""
    with Session(store.engine) as session:
        now = db_now(session)
        enabled = col(Source.enabled).is_(True)
        free = or_(col(Source.lease_expires_at).is_(None), col(Source.lease_expires_at) < now)
        unscheduled, next_free = session.exec(
            select(
                func.count(col(Source.id)).filter(col(Source.next_check_at).is_(None)),
                func.min(col(Source.next_check_at)),
            ).where(enabled, free)
        ).one()
        lease_ends = session.exec(
            select(func.min(col(Source.lease_expires_at))).where(enabled, ~free)
        ).one()
    if unscheduled:
        return 0.0
    times = [t for t in (next_free, lease_ends) if t is not None]
    return max(0.0, (min(times) - now).total_seconds()) if times else None
