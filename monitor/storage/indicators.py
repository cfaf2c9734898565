"""SQL for indicator lists: load or replace a list, look values up, summarise what is loaded.

A list is named (`origin`), and loading a file under a name makes the stored list equal to the
file: new indicators added, vanished ones removed, the rest untouched, in one transaction, so
loading the same file twice changes nothing. Indicators describe attacker infrastructure, not
the people we protect, so they are stored in clear (see `models.Indicator`).

An indicator is stored once however many lists carry it (the table is unique on type and
value); it stays with the list that brought it first, and a later list counts it as shared.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from monitor.errors import InvalidInput, UserError
from monitor.indicators import ParsedBundle, ParsedIndicator
from monitor.links import IndicatorHit, LookupKey
from monitor.models import Indicator
from monitor.store import Store

MAX_NAME = 256
CHUNK = 500

Key = tuple[str, str]


@dataclass(frozen=True)
class LoadReport:
    """What a load changed (counts only)."""

    name: str
    indicators: int
    added: int
    removed: int
    unchanged: int
    shared: int
    threats: tuple[str, ...]
    by_type: dict[str, int]

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "indicators": self.indicators,
            "added": self.added,
            "removed": self.removed,
            "unchanged": self.unchanged,
            "shared_with_other_lists": self.shared,
            "threats": list(self.threats),
            "by_type": self.by_type,
        }


@dataclass(frozen=True)
class IndicatorList:
    """One loaded list as `monitor ioc list` shows it."""

    name: str
    count: int
    threats: tuple[str, ...]
    by_type: dict[str, int]
    loaded_at: datetime

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "indicators": self.count,
            "threats": list(self.threats),
            "by_type": self.by_type,
            "loaded_at": self.loaded_at.isoformat(),
        }


def validate_name(name: str) -> str:
    text = " ".join(name.split())
    if not text or len(text) > MAX_NAME:
        raise InvalidInput(f"A list name must be 1 to {MAX_NAME} characters.")
    return text


def replace_list(store: Store, name: str, bundle: ParsedBundle) -> LoadReport:
    """Make the stored list `name` hold exactly the bundle's indicators."""
    name = validate_name(name)
    wanted = {(i.type, i.value): i for i in bundle.indicators}
    with Session(store.engine) as session:
        own = {(r.type, r.value): r for r in session.exec(_list_rows(name)).all()}
        gone = [own[key] for key in own.keys() - wanted.keys()]
        for row in gone:
            session.delete(row)
        _update_threats(session, own, wanted)
        fresh = [wanted[key] for key in wanted.keys() - own.keys()]
        taken = _existing(session, [(i.type, i.value) for i in fresh])
        session.add_all(_row(i, name) for i in fresh if (i.type, i.value) not in taken)
        try:
            session.commit()
        except IntegrityError as exc:
            raise UserError(
                "Another load of indicators ran at the same time; run this one again.",
                code="conflict",
            ) from exc
    added = len(fresh) - len(taken)
    return LoadReport(
        name,
        len(wanted),
        added,
        len(gone),
        len(wanted) - len(fresh),
        len(taken),
        bundle.threats,
        bundle.counts_by_type(),
    )


def _list_rows(name: str) -> Any:
    return select(Indicator).where(Indicator.origin == name)


def _update_threats(
    session: Session, own: dict[Key, Indicator], wanted: dict[Key, ParsedIndicator]
) -> None:
    for key in own.keys() & wanted.keys():
        if own[key].threat != wanted[key].threat:
            own[key].threat = wanted[key].threat
            session.add(own[key])


def _existing(session: Session, keys: Sequence[Key]) -> set[Key]:
    """Which of these (type, value) pairs some list already holds."""
    found: set[Key] = set()
    wanted = set(keys)
    values = sorted({value for _, value in keys})
    for start in range(0, len(values), CHUNK):
        rows = session.exec(
            select(Indicator.type, Indicator.value).where(
                col(Indicator.value).in_(values[start : start + CHUNK])
            )
        ).all()
        found |= {(t, v) for t, v in rows if (t, v) in wanted}
    return found


def _row(indicator: ParsedIndicator, name: str) -> Indicator:
    return Indicator(
        type=indicator.type, value=indicator.value, threat=indicator.threat, origin=name
    )


def find(store: Store, keys: Sequence[LookupKey]) -> list[IndicatorHit]:
    """The stored indicators matching any of `keys`, each with how it matched."""
    if not keys:
        return []
    how = {(k.type, k.value): k.how for k in keys}
    with Session(store.engine) as session:
        rows = session.exec(
            select(Indicator)
            .where(col(Indicator.value).in_(sorted({k.value for k in keys})))
            .order_by(col(Indicator.id))
        ).all()
    return [
        IndicatorHit(r.type, r.value, r.threat, r.origin, how[(r.type, r.value)])
        for r in rows
        if (r.type, r.value) in how
    ]


def count(store: Store) -> int:
    with Session(store.engine) as session:
        return int(session.exec(select(func.count()).select_from(Indicator)).one())


def list_lists(store: Store) -> list[IndicatorList]:
    """Every loaded list with its size, threats, types and when it was last added to."""
    with Session(store.engine) as session:
        groups = session.exec(
            select(Indicator.origin, Indicator.threat, Indicator.type, func.count()).group_by(
                col(Indicator.origin), col(Indicator.threat), col(Indicator.type)
            )
        ).all()
        loaded = dict(
            session.exec(
                select(Indicator.origin, func.max(Indicator.created_at)).group_by(
                    col(Indicator.origin)
                )
            ).all()
        )
    threats: dict[str, dict[str, None]] = defaultdict(dict)
    types: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for origin, threat, type_, n in groups:
        threats[origin][threat] = None
        types[origin][type_] += n
    return [
        IndicatorList(
            name,
            sum(types[name].values()),
            tuple(threats[name]),
            dict(sorted(types[name].items())),
            loaded[name],
        )
        for name in sorted(threats)
    ]
