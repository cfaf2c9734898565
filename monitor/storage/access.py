"""Who may see and do what: the one place every web page and API route asks.

A signed-in user gets a `Scope`: the activists whose data they may see (all, the assigned ones,
their own, or any but only incidents marked shareable) and the actions their role allows. The
reading functions below take a scope and return only what it covers. Something outside the
scope is reported exactly like something that does not exist, so probing ids reveals nothing;
an action the role does not have at all is refused as forbidden.

Roles:
- `admin`: everything, including the audit log.
- `trainer`: the activists assigned to them (`monitor user assign`): incidents, registrations,
  sources and alerts; triage, checklists, sharing, exports.
- `activist`: their own registration and incidents, with the same rights over them.
- `coalition`: incidents marked shareable, read-only, for export; no registrations or alerts.

Checking a suspicious link is casework: admins, trainers (for their activists) and activists
(for themselves) may; the checks they see are those of the activists in their scope.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlmodel import Session, col, select

from monitor.errors import NotFound, UserError
from monitor.evidence import CaptureMeta
from monitor.models import Incident, Sighting
from monitor.storage import activists as activist_store
from monitor.storage import captures as capture_store
from monitor.storage import incidents as incident_store
from monitor.storage import links as link_store
from monitor.storage import outbox
from monitor.storage import sources as source_store
from monitor.storage.activists import ActivistRecord
from monitor.storage.incidents import IncidentFilter, IncidentRecord, SightingRecord
from monitor.storage.sources import SourceRecord
from monitor.storage.users import UserRecord
from monitor.store import Store

READ = "read"
TRIAGE = "triage"
SHARE = "share"
EXPORT = "export"
VIEW_ACTIVISTS = "view_activists"
EDIT_ACTIVISTS = "edit_activists"
REGISTER = "register"
VIEW_ALERTS = "view_alerts"
VIEW_AUDIT = "view_audit"
CHECK_LINKS = "check_links"
ACTIONS = (
    READ,
    TRIAGE,
    SHARE,
    EXPORT,
    VIEW_ACTIVISTS,
    EDIT_ACTIVISTS,
    REGISTER,
    VIEW_ALERTS,
    VIEW_AUDIT,
    CHECK_LINKS,
)
_CASEWORK = frozenset(
    {READ, TRIAGE, SHARE, EXPORT, VIEW_ACTIVISTS, EDIT_ACTIVISTS, VIEW_ALERTS, CHECK_LINKS}
)
PERMISSIONS: dict[str, frozenset[str]] = {
    "admin": frozenset(ACTIONS),
    "trainer": _CASEWORK | {REGISTER},
    "activist": _CASEWORK,
    "coalition": frozenset({READ, EXPORT}),
}


class Forbidden(UserError):
    """The user's role does not allow this at all (as opposed to: not in their scope)."""

    def __init__(self, message: str = "Your account may not do this.") -> None:
        super().__init__(message, code="forbidden")


@dataclass(frozen=True)
class Scope:
    user_id: int
    role: str
    activist_ids: frozenset[int] | None  # None: every activist
    shareable_only: bool = False

    @property
    def actor(self) -> str:
        return f"user:{self.user_id}"

    def allows(self, action: str) -> bool:
        return action in PERMISSIONS.get(self.role, frozenset())

    def require(self, action: str) -> None:
        if not self.allows(action):
            raise Forbidden()

    def covers_activist(self, activist_id: int) -> bool:
        return self.activist_ids is None or activist_id in self.activist_ids

    def covers_incident(self, activist_id: int, shareable: bool) -> bool:
        return self.covers_activist(activist_id) and (shareable or not self.shareable_only)

    def may(self, action: str, incident: IncidentRecord) -> bool:
        """For templates: whether to offer a form on this (visible) incident."""
        return self.allows(action) and self.covers_incident(
            incident.activist_id, incident.shareable
        )


def scope_of(user: UserRecord) -> Scope:
    """The scope a user's role and assignments give (pure: the record carries assignments)."""
    if user.role == "admin":
        return Scope(user.id, "admin", None)
    if user.role == "trainer":
        return Scope(user.id, "trainer", frozenset(user.assigned))
    if user.role == "activist":
        own = frozenset() if user.activist_id is None else frozenset({user.activist_id})
        return Scope(user.id, "activist", own)
    if user.role == "coalition":
        return Scope(user.id, "coalition", None, shareable_only=True)
    return Scope(user.id, user.role, frozenset())


def _missing_incident(incident_id: int) -> NotFound:
    return NotFound(f"No incident with id {incident_id}.")


def _missing_activist(activist_id: int) -> NotFound:
    return NotFound(f"No activist with id {activist_id}.")


def incident_filter(scope: Scope, requested: IncidentFilter = IncidentFilter()) -> IncidentFilter:
    """The requested filters narrowed to the scope (never widened)."""
    ids = scope.activist_ids
    if requested.activist_ids is not None:
        ids = requested.activist_ids if ids is None else ids & requested.activist_ids
    return replace(
        requested,
        activist_ids=ids,
        shareable_only=requested.shareable_only or scope.shareable_only,
    )


def incidents(
    store: Store, scope: Scope, requested: IncidentFilter = IncidentFilter()
) -> list[IncidentRecord]:
    scope.require(READ)
    return incident_store.list_incidents(store, incident_filter(scope, requested))


def incident(store: Store, scope: Scope, incident_id: int, action: str = READ) -> IncidentRecord:
    """One incident the scope covers, for `action`; otherwise as if it did not exist."""
    scope.require(READ)
    try:
        record = incident_store.get(store, incident_id)
    except NotFound:
        raise _missing_incident(incident_id) from None
    if not scope.covers_incident(record.activist_id, record.shareable):
        raise _missing_incident(incident_id)
    scope.require(action)
    return record


def sightings(store: Store, scope: Scope, incident_id: int) -> list[SightingRecord]:
    incident(store, scope, incident_id)
    return incident_store.sightings(store, incident_id)


def capture(store: Store, scope: Scope, capture_id: int) -> tuple[CaptureMeta, bytes]:
    """A capture, when at least one incident the scope covers has a sighting of it."""
    scope.require(READ)
    with Session(store.engine) as session:
        owners = session.exec(
            select(Incident.activist_id, Incident.shareable)
            .join(Sighting, col(Sighting.incident_id) == col(Incident.id))
            .where(Sighting.capture_id == capture_id)
        ).all()
    if not any(scope.covers_incident(a, s) for a, s in owners):
        raise NotFound(f"No capture with id {capture_id}.")
    return capture_store.read(store, capture_id)


def activists(store: Store, scope: Scope) -> list[ActivistRecord]:
    scope.require(VIEW_ACTIVISTS)
    if scope.activist_ids is None:
        return activist_store.list_all(store)
    found = []
    for activist_id in sorted(scope.activist_ids):
        try:
            found.append(activist_store.get(store, activist_id))
        except NotFound:
            continue
    return found


def activist(
    store: Store, scope: Scope, activist_id: int, action: str = VIEW_ACTIVISTS
) -> ActivistRecord:
    scope.require(action)
    if not scope.covers_activist(activist_id):
        raise _missing_activist(activist_id)
    try:
        return activist_store.get(store, activist_id)
    except NotFound:
        raise _missing_activist(activist_id) from None


def sources(store: Store, scope: Scope, activist_id: int) -> list[SourceRecord]:
    """The sources that watch one activist (their own accounts, mailboxes, domains)."""
    activist(store, scope, activist_id)
    return [s for s in source_store.list_all(store) if s.activist_id == activist_id]


def activist_choices(store: Store, scope: Scope) -> list[tuple[int, str]]:
    """(id, label) pairs for the activist filter: names where the role may see them."""
    if scope.allows(VIEW_ACTIVISTS):
        return [(a.id, a.name) for a in activists(store, scope)]
    ids = sorted({r.activist_id for r in incidents(store, scope)})
    return [(i, f"#{i}") for i in ids]


def alerts(store: Store, scope: Scope, status: str | None = None) -> list[outbox.AlertRecord]:
    scope.require(VIEW_ALERTS)
    rows = outbox.list_alerts(store, status=status)
    if scope.activist_ids is None:
        return rows
    with Session(store.engine) as session:
        visible = set(
            session.exec(
                select(Incident.id).where(col(Incident.activist_id).in_(sorted(scope.activist_ids)))
            ).all()
        )
    return [a for a in rows if a.incident_id in visible]


def link_target(scope: Scope, activist_id: int | None) -> int | None:
    """Whom a link check is for: an activist always checks for themselves; others may name
    an activist in their scope, or nobody (then no incident is opened)."""
    scope.require(CHECK_LINKS)
    if scope.role == "activist":
        if not scope.activist_ids:
            raise Forbidden("This account is not linked to a registration.")
        return min(scope.activist_ids)
    if activist_id is not None and not scope.covers_activist(activist_id):
        raise _missing_activist(activist_id)
    return activist_id


def link_checks(store: Store, scope: Scope, limit: int = 50) -> list[link_store.LinkCheckRecord]:
    """Recent link checks of the activists in scope (admins also see checks for nobody)."""
    scope.require(CHECK_LINKS)
    if scope.activist_ids is None:
        return link_store.list_checks(store, limit=limit)
    found = [c for a in scope.activist_ids for c in link_store.list_checks(store, a, limit)]
    return sorted(found, key=lambda c: (c.checked_at, c.id), reverse=True)[:limit]
