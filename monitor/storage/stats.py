"""Incident counts for the dashboard and the API: by kind, status, severity and week.

Only structure is read (kind, status, severity, first seen), never a sealed column, so the
numbers cost one narrow query whatever the size of the log. Weeks start on Monday (ISO).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlmodel import Session, select

from monitor.models import KINDS, SEVERITIES, STATUSES, utcnow
from monitor.storage import incidents as incident_store
from monitor.storage.incidents import IncidentFilter
from monitor.store import Store


@dataclass(frozen=True)
class Week:
    start: date
    total: int
    by_kind: dict[str, int]


@dataclass(frozen=True)
class Stats:
    total: int
    by_kind: dict[str, int]
    by_status: dict[str, int]
    by_severity: dict[str, int]
    weeks: list[Week] = field(default_factory=list)

    @property
    def busiest_week(self) -> int:
        return max((w.total for w in self.weeks), default=0)

    def to_dict(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "by_kind": self.by_kind,
            "by_status": self.by_status,
            "by_severity": self.by_severity,
            "weeks": [
                {"start": w.start.isoformat(), "total": w.total, "by_kind": w.by_kind}
                for w in self.weeks
            ],
        }


def week_start(when: datetime | date) -> date:
    day = when.date() if isinstance(when, datetime) else when
    return day - timedelta(days=day.weekday())


def summarise(rows: list[tuple[str, str, str, datetime]], weeks: int, now: datetime) -> Stats:
    """Pure: counts from (kind, status, severity, first_seen) rows; the last `weeks` weeks."""
    kinds = Counter(r[0] for r in rows)
    statuses = Counter(r[1] for r in rows)
    severities = Counter(r[2] for r in rows)
    current = week_start(now)
    starts = [current - timedelta(weeks=n) for n in range(weeks - 1, -1, -1)]
    per_week: dict[date, Counter[str]] = {start: Counter() for start in starts}
    for kind, _, _, first_seen in rows:
        bucket = per_week.get(week_start(first_seen))
        if bucket is not None:
            bucket[kind] += 1
    return Stats(
        total=len(rows),
        by_kind={k: kinds[k] for k in KINDS if kinds[k]},
        by_status={s: statuses[s] for s in STATUSES},
        by_severity={s: severities[s] for s in SEVERITIES},
        weeks=[
            Week(start, sum(per_week[start].values()), dict(per_week[start])) for start in starts
        ],
    )


def incident_stats(
    store: Store, filters: IncidentFilter, *, weeks: int = 12, now: datetime | None = None
) -> Stats:
    """Counts over the incidents `filters` selects (callers narrow it to a user's scope)."""
    query = incident_store._filtered(filters).subquery()
    with Session(store.engine) as session:
        rows = session.exec(
            select(query.c.kind, query.c.status, query.c.severity, query.c.first_seen)
        ).all()
    return summarise([tuple(r) for r in rows], weeks, now or utcnow())
