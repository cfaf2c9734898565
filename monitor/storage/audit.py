"""SQL for the audit log: who read which incident, who exported what, who signed in.

Entries name users by id (`user:12`) and targets by id (`incident:7`); anything more (the
filters of an export, the ids it contained) goes into the sealed `detail`. Admins read the log
in the web interface; nobody edits it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, func, select

from monitor.models import AuditEntry
from monitor.storage import users as user_store
from monitor.store import Store

DETAIL = "audit_entry.detail"


@dataclass(frozen=True)
class AuditRecord:
    id: int
    at: datetime
    user_id: int | None
    username: str | None
    actor: str
    action: str
    target: str
    detail: Mapping[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "at": self.at.isoformat(),
            "user_id": self.user_id,
            "username": self.username,
            "actor": self.actor,
            "action": self.action,
            "target": self.target,
            "detail": dict(self.detail),
        }


def record(
    store: Store,
    *,
    user_id: int | None,
    action: str,
    target: str = "",
    detail: Mapping[str, Any] | None = None,
) -> None:
    """Append one entry; `actor` is derived from the user id so it never carries a name."""
    entry = AuditEntry(
        user_id=user_id,
        actor=f"user:{user_id}" if user_id is not None else "anonymous",
        action=action[:32],
        target=target[:64],
        detail_enc=store.vault.seal_text(json.dumps(dict(detail), default=str), DETAIL)
        if detail
        else None,
    )
    with Session(store.engine) as session:
        session.add(entry)
        session.commit()


def entries(
    store: Store,
    *,
    action: str | None = None,
    user_id: int | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[AuditRecord]:
    """Newest first, optionally one action or one user's entries."""
    query = select(AuditEntry).order_by(col(AuditEntry.at).desc(), col(AuditEntry.id).desc())
    if action:
        query = query.where(AuditEntry.action == action)
    if user_id is not None:
        query = query.where(AuditEntry.user_id == user_id)
    with Session(store.engine) as session:
        rows = session.exec(query.offset(offset).limit(limit)).all()
    names = user_store.usernames(store, {r.user_id for r in rows if r.user_id is not None})
    return [
        AuditRecord(
            id=r.id or 0,
            at=r.at,
            user_id=r.user_id,
            username=names.get(r.user_id) if r.user_id is not None else None,
            actor=r.actor,
            action=r.action,
            target=r.target,
            detail=json.loads(store.vault.open_text(r.detail_enc, DETAIL)) if r.detail_enc else {},
        )
        for r in rows
    ]


def actions(store: Store) -> list[str]:
    """The actions present in the log, for the filter of the audit page."""
    with Session(store.engine) as session:
        return sorted(session.exec(select(AuditEntry.action).distinct()).all())


def count(store: Store, *, action: str | None = None) -> int:
    query = select(func.count()).select_from(AuditEntry)
    if action:
        query = query.where(AuditEntry.action == action)
    with Session(store.engine) as session:
        return int(session.exec(query).one())
