"""Subscription rules: quiet hours and who hears about what. Pure functions.

Quiet hours are local times in the subscriber's time zone ("22:00-07:00" spans midnight). An
alert that arrives during them is held and delivered in one digest when they end, unless it
is critical: a critical incident (intimate images published, a canary opened) is worth
waking someone for.
"""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from monitor.errors import InvalidInput
from monitor.models import SEVERITIES

_WINDOW = re.compile(r"([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)")
BYPASS_QUIET = frozenset({"critical"})


def parse_quiet(text: str) -> tuple[str, str]:
    """`22:00-07:00` → ("22:00", "07:00")."""
    match = _WINDOW.fullmatch(text.strip())
    if match is None or match.group(1, 2) == match.group(3, 4):
        raise InvalidInput(f"Quiet hours {text!r} must look like 22:00-07:00.")
    return f"{match.group(1)}:{match.group(2)}", f"{match.group(3)}:{match.group(4)}"


def validate_timezone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise InvalidInput(f"Unknown time zone {name!r}; use e.g. Asia/Baku or UTC.") from exc
    return name


def validate_severity(name: str) -> str:
    if name not in SEVERITIES:
        raise InvalidInput(f"Unknown severity {name!r}; use one of {', '.join(SEVERITIES)}.")
    return name


def held_until(
    now: datetime, start: str | None, end: str | None, zone: str, severity: str
) -> datetime | None:
    """The end of the current quiet period if `now` falls in one (and the alert may wait)."""
    if not start or not end or severity in BYPASS_QUIET:
        return None
    local = now.astimezone(ZoneInfo(zone))
    begin, finish = _clock(start), _clock(end)
    clock = local.time().replace(tzinfo=None)
    overnight = begin > finish
    quiet = (clock >= begin or clock < finish) if overnight else (begin <= clock < finish)
    if not quiet:
        return None
    day = local.date() + timedelta(days=1) if overnight and clock >= begin else local.date()
    return datetime.combine(day, finish, tzinfo=local.tzinfo).astimezone(now.tzinfo)


def _clock(text: str) -> time:
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))
