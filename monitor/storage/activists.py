"""SQL for activists and their identifiers (sealed values, keyed lookups)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session, col, func, select

from monitor.activists import PERSONAL_TYPES, Ident, ValidRegistration
from monitor.errors import InvalidInput, NotFound
from monitor.models import Activist, Identifier, utcnow
from monitor.store import Store

NAME_CONTEXT = "activist.name"
VALUE_CONTEXT = "identifier.value"


@dataclass(frozen=True)
class ActivistRecord:
    """A registration read back and decrypted."""

    id: int
    name: str
    lang: str
    created_at: datetime
    idents: tuple[Ident, ...] = field(default=())

    def values(self, type_: str) -> list[str]:
        return [i.label for i in self.idents if i.type == type_]

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "name": self.name,
            "lang": self.lang,
            "aliases": self.values("alias"),
            "nicknames": self.values("nickname"),
            "handles": self.values("handle"),
            "emails": self.values("email"),
            "phones": self.values("phone"),
            "domains": self.values("domain"),
            "created_at": self.created_at.isoformat(),
        }


def add(store: Store, registration: ValidRegistration) -> int:
    """Write a registration in one transaction; a taken handle/email/phone writes nothing."""
    with Session(store.engine) as session:
        _refuse_taken(store, session, registration.idents, owner=None)
        activist = Activist(
            name_enc=store.vault.seal_text(registration.name, NAME_CONTEXT),
            lang=registration.lang,
        )
        session.add(activist)
        session.flush()
        assert activist.id is not None
        session.add_all(_identifier_rows(store, activist.id, registration.idents))
        session.commit()
        return activist.id


def add_identifiers(store: Store, activist_id: int, idents: tuple[Ident, ...]) -> None:
    with Session(store.engine) as session:
        if session.get(Activist, activist_id) is None:
            raise NotFound(f"No activist with id {activist_id}.")
        existing = {i for i in _idents_by_activist(store, session, [activist_id])[activist_id]}
        new = tuple(i for i in idents if i not in existing)
        _refuse_taken(store, session, new, owner=activist_id)
        session.add_all(_identifier_rows(store, activist_id, new))
        activist = session.get(Activist, activist_id)
        assert activist is not None
        activist.updated_at = utcnow()
        session.commit()


def _identifier_rows(store: Store, activist_id: int, idents: tuple[Ident, ...]) -> list[Identifier]:
    rows = []
    for ident in idents:
        lookup = lookup_of(store, ident)
        rows.append(
            Identifier(
                activist_id=activist_id,
                type=ident.type,
                platform=ident.platform,
                value_enc=store.vault.seal_text(ident.value, VALUE_CONTEXT),
                lookup=lookup,
                unique_key=lookup if ident.type in PERSONAL_TYPES else None,
            )
        )
    return rows


def lookup_of(store: Store, ident: Ident) -> str:
    value = ident.value.casefold() if ident.type in ("name", "alias", "nickname") else ident.value
    return store.vault.lookup(ident.lookup_namespace, value)


def _refuse_taken(
    store: Store, session: Session, idents: tuple[Ident, ...], owner: int | None
) -> None:
    for ident in idents:
        if ident.type not in PERSONAL_TYPES:
            continue
        taken = session.exec(
            select(Identifier.activist_id).where(
                Identifier.type == ident.type, Identifier.unique_key == lookup_of(store, ident)
            )
        ).first()
        if taken is not None and taken != owner:
            raise InvalidInput(
                f"The {ident.type} {ident.label} is already registered to activist #{taken}."
            )


def list_all(store: Store) -> list[ActivistRecord]:
    with Session(store.engine) as session:
        activists = session.exec(select(Activist).order_by(col(Activist.id))).all()
        idents = _idents_by_activist(store, session, [a.id for a in activists if a.id])
        return [_record(store, a, idents[a.id or 0]) for a in activists]


def get(store: Store, activist_id: int) -> ActivistRecord:
    with Session(store.engine) as session:
        activist = session.get(Activist, activist_id)
        if activist is None:
            raise NotFound(f"No activist with id {activist_id}. `monitor activist list` shows ids.")
        idents = _idents_by_activist(store, session, [activist_id])
        return _record(store, activist, idents[activist_id])


def exists(store: Store, activist_id: int) -> bool:
    with Session(store.engine) as session:
        return session.get(Activist, activist_id) is not None


def _record(store: Store, activist: Activist, idents: list[Ident]) -> ActivistRecord:
    assert activist.id is not None
    return ActivistRecord(
        id=activist.id,
        name=store.vault.open_text(activist.name_enc, NAME_CONTEXT),
        lang=activist.lang,
        created_at=activist.created_at,
        idents=tuple(idents),
    )


def _idents_by_activist(
    store: Store, session: Session, activist_ids: list[int]
) -> dict[int, list[Ident]]:
    result: dict[int, list[Ident]] = defaultdict(list)
    rows = session.exec(
        select(Identifier)
        .where(col(Identifier.activist_id).in_(activist_ids))
        .order_by(col(Identifier.id))
    ).all()
    for row in rows:
        value = store.vault.open_text(row.value_enc, VALUE_CONTEXT)
        result[row.activist_id].append(Ident(row.type, value, row.platform))
    return result


def fingerprint(store: Store) -> tuple[int, int, str]:
    """Changes whenever a registration changes: tells the pipeline to rebuild its matcher."""
    with Session(store.engine) as session:
        count, last_id = session.exec(select(func.count(), func.max(Identifier.id))).one()
        updated = session.exec(select(func.max(Activist.updated_at))).one()
        return int(count or 0), int(last_id or 0), str(updated)
