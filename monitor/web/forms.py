"""Reading query strings and form posts: the incident filters, ids, dates, paging.

Pure functions over plain mappings, shared by the pages and the API so both accept the same
names and refuse the same mistakes (with `InvalidInput`, which becomes a 400).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlencode

from monitor.errors import InvalidInput
from monitor.models import KINDS, SEVERITIES, STATUSES
from monitor.storage.incidents import IncidentFilter

FILTER_NAMES = ("activist", "kind", "severity", "status", "since", "until")
FLASHES = frozenset(
    {
        "status",
        "shared",
        "unshared",
        "ident_added",
        "ident_removed",
        "lang",
        "registered",
        "password",
        "totp_on",
        "totp_off",
        "token_revoked",
    }
)


@dataclass(frozen=True)
class Page:
    number: int
    size: int

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size

    def pages(self, total: int) -> int:
        return max(1, -(-total // self.size))


def text(values: Mapping[str, Any], name: str, *, limit: int = 4000) -> str:
    value = values.get(name, "")
    if not isinstance(value, str):
        raise InvalidInput(f"{name} must be text.")
    if len(value) > limit:
        raise InvalidInput(f"{name} is too long (at most {limit} characters).")
    return value.strip()


def integer(value: str, name: str, *, minimum: int = 0, maximum: int = 2**31 - 1) -> int:
    try:
        number = int(value)
    except ValueError:
        raise InvalidInput(f"{name} must be a whole number, not {value!r}.") from None
    if not minimum <= number <= maximum:
        raise InvalidInput(f"{name} must be between {minimum} and {maximum}.")
    return number


def choice(value: str, name: str, allowed: tuple[str, ...]) -> str | None:
    if not value:
        return None
    if value not in allowed:
        raise InvalidInput(f"Unknown {name} {value!r}; use one of {', '.join(allowed)}.")
    return value


def when(value: str, name: str, *, end_of_day: bool = False) -> datetime | None:
    """`YYYY-MM-DD` (a whole day, UTC) or an ISO date-time."""
    if not value:
        return None
    try:
        if len(value) == 10:
            day = date.fromisoformat(value)
            start = datetime.combine(day, time(), tzinfo=UTC)
            return start + timedelta(days=1) - timedelta(microseconds=1) if end_of_day else start
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise InvalidInput(f"{name} must be a date (YYYY-MM-DD), not {value!r}.") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def incident_filter(query: Mapping[str, str]) -> tuple[IncidentFilter, dict[str, str]]:
    """Filters from a query string, and the values to show back in the form."""
    shown = {name: query.get(name, "").strip() for name in FILTER_NAMES}
    activist = shown["activist"]
    filters = IncidentFilter(
        activist_id=integer(activist, "activist", minimum=1) if activist else None,
        kind=choice(shown["kind"], "kind", KINDS),
        status=choice(shown["status"], "status", STATUSES),
        min_severity=choice(shown["severity"], "severity", SEVERITIES),
        since=when(shown["since"], "since"),
        until=when(shown["until"], "until", end_of_day=True),
    )
    return filters, shown


def filter_query(shown: Mapping[str, str]) -> str:
    """The non-empty filters as a query string, for paging and export links."""
    return urlencode([(k, v) for k, v in shown.items() if v])


def page(query: Mapping[str, str], size: int) -> Page:
    raw = query.get("page", "")
    return Page(integer(raw, "page", minimum=1) if raw else 1, size)


def flash_key(query: Mapping[str, str]) -> str | None:
    saved = query.get("saved", "")
    return f"flash.{saved}" if saved in FLASHES else None


def lines(value: str) -> tuple[str, ...]:
    """A textarea with one value per line (blank lines ignored)."""
    return tuple(line.strip() for line in value.splitlines() if line.strip())
