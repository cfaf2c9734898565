"""SQL for sources: registration, listing with health, and the collector's saved state."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from monitor.errors import InvalidInput, NotFound
from monitor.models import Activist, Source
from monitor.registry import SourceView
from monitor.store import Store

TARGET_CONTEXT = "source.target"
NAME_CONTEXT = "source.name"
ERROR_CONTEXT = "source.last_error"
STATE_CONTEXT = "source.state"
PROXY_CONTEXT = "source.proxy"


@dataclass(frozen=True)
class NewSource:
    kind: str
    target: str
    every_seconds: int
    name: str | None = None
    activist_id: int | None = None
    proxy: str | None = None


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
        proxy=store.vault.open_optional(row.proxy_enc, PROXY_CONTEXT),
        state=json.loads(state) if state else {},
    )
