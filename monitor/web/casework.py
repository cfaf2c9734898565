"""What the pages and the API both do with incidents, written once.

Each function takes the store and the reader's scope, goes through `monitor.storage.access`
for every read, and writes the audit entry the read or export requires, so a page and its
API twin cannot drift apart in what they show or what they log. All of them block (SQL):
views call them through `context.db`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from monitor.activists import Ident, RegistrationInput, validate
from monitor.errors import InvalidInput
from monitor.evidence import CaptureMeta
from monitor.exports import safe_cell
from monitor.links import LinkVerdict
from monitor.storage import access, audit, registrations, stats, triage
from monitor.storage import activists as activist_store
from monitor.storage import captures as capture_store
from monitor.storage import incidents as incident_store
from monitor.storage import links as link_store
from monitor.storage import users as user_store
from monitor.storage.access import Scope
from monitor.storage.activists import ActivistRecord
from monitor.storage.incidents import EventRecord, IncidentFilter, IncidentRecord, SightingRecord
from monitor.storage.sources import SourceRecord
from monitor.storage.triage import Tick
from monitor.store import Store
from monitor.web import openapi
from playbooks.loader import Playbook, default_library

INLINE_CAPTURE_BYTES = 256 * 1024
INLINE_CAPTURES = 20
# The CSV carries the documented fields of an incident (see the API's Incident schema).
CSV_COLUMNS = tuple(c for c in openapi.SCHEMAS["Incident"]["properties"] if c != "score")
# Identifier types a registration page may add (the name is given once, at registration),
# with the RegistrationInput field each one goes to.
FIELD_OF = {
    "alias": "aliases",
    "nickname": "nicknames",
    "handle": "handles",
    "email": "emails",
    "phone": "phones",
    "domain": "domains",
}
ADDABLE = tuple(FIELD_OF)


@dataclass(frozen=True)
class SightingView:
    record: SightingRecord
    text: str | None
    size: int
    truncated: bool


@dataclass(frozen=True)
class IncidentDetail:
    incident: IncidentRecord
    activist_label: str
    activist_link: bool
    sightings: list[SightingView]
    events: list[EventRecord]
    playbooks: list[Playbook]
    ticks: dict[tuple[str, str], Tick]
    names: dict[str, str]

    def to_dict(self) -> dict[str, Any]:
        data = self.incident.to_dict([p.id for p in self.playbooks])
        data["sightings_detail"] = [s.record.to_dict() for s in self.sightings]
        data["events"] = [e.to_dict() for e in self.events]
        data["checklists"] = [checklist(p, self.ticks) for p in self.playbooks]
        return data


def _audit(
    store: Store, scope: Scope, action: str, target: str, detail: dict[str, Any] | None = None
) -> None:
    """One audit entry by the reader: who (by id), what, on which target."""
    audit.record(store, user_id=scope.user_id, action=action, target=target, detail=detail)


def checklist(playbook: Playbook, ticks: dict[tuple[str, str], Tick]) -> dict[str, Any]:
    steps = []
    for step in playbook.steps:
        tick = ticks.get((playbook.id, step.key))
        steps.append(
            {
                "key": step.key,
                "text": step.text,
                "done": tick is not None,
                "done_by": tick.done_by if tick else None,
                "done_at": tick.done_at.isoformat() if tick else None,
            }
        )
    return {"playbook": playbook.id, "lang": playbook.lang, "title": playbook.title, "steps": steps}


def playbooks_for(record: IncidentRecord, lang: str) -> list[Playbook]:
    return default_library().for_incident(record.kind, record.signals, lang)


def display_names(store: Store, actors: Iterable[str]) -> dict[str, str]:
    """`user:12` → that user's username, for timelines (other actors show as they are)."""
    ids = {int(a[5:]) for a in actors if a.startswith("user:") and a[5:].isdigit()}
    return {f"user:{i}": name for i, name in user_store.usernames(store, ids).items()}


def _sighting_views(store: Store, records: list[SightingRecord]) -> list[SightingView]:
    views: list[SightingView] = []
    bodies: dict[int, bytes] = {}
    for record in records:
        capture_id = record.capture_id
        if capture_id is None or (len(bodies) >= INLINE_CAPTURES and capture_id not in bodies):
            views.append(SightingView(record, None, 0, False))
            continue
        if capture_id not in bodies:
            bodies[capture_id] = capture_store.read(store, capture_id)[1]
        body = bodies[capture_id]
        text = body[:INLINE_CAPTURE_BYTES].decode("utf-8", errors="replace")
        views.append(SightingView(record, text, len(body), len(body) > INLINE_CAPTURE_BYTES))
    return views


def _activist_label(store: Store, scope: Scope, activist_id: int) -> tuple[str, bool]:
    if scope.allows(access.VIEW_ACTIVISTS) and scope.covers_activist(activist_id):
        return access.activist(store, scope, activist_id).name, True
    return f"#{activist_id}", False


def incident_detail(
    store: Store, scope: Scope, incident_id: int, lang: str, *, via: str
) -> IncidentDetail:
    """Everything about one incident the scope covers; the read is audited."""
    record = access.incident(store, scope, incident_id)
    sightings = incident_store.sightings(store, incident_id)
    events = incident_store.events(store, incident_id)
    ticks = triage.ticks(store, incident_id)
    label, link = _activist_label(store, scope, record.activist_id)
    _audit(store, scope, "read_incident", f"incident:{incident_id}", {"via": via})
    return IncidentDetail(
        incident=record,
        activist_label=label,
        activist_link=link,
        sightings=_sighting_views(store, sightings),
        events=events,
        playbooks=playbooks_for(record, lang),
        ticks=ticks,
        names=display_names(store, [e.actor for e in events] + [t.done_by for t in ticks.values()]),
    )


def list_incidents(
    store: Store, scope: Scope, filters: IncidentFilter, offset: int, limit: int, *, via: str
) -> tuple[list[IncidentRecord], int]:
    """One page of the log the scope covers, and the total; the listed incidents are audited."""
    records = access.incidents(store, scope, filters)
    shown = records[offset : offset + limit]
    _audit(
        store,
        scope,
        "list_incidents",
        f"count:{len(shown)}",
        {"via": via, "ids": [r.id for r in shown]},
    )
    return shown, len(records)


def sightings(store: Store, scope: Scope, incident_id: int) -> list[SightingRecord]:
    found = access.sightings(store, scope, incident_id)
    _audit(store, scope, "read_sightings", f"incident:{incident_id}")
    return found


def export(
    store: Store, scope: Scope, filters: IncidentFilter, *, fmt: str
) -> list[IncidentRecord]:
    """Every incident the filters select within the scope; the export is audited."""
    scope.require(access.EXPORT)
    records = access.incidents(store, scope, filters)
    _audit(
        store,
        scope,
        "export",
        f"count:{len(records)}",
        {"format": fmt, "ids": [r.id for r in records]},
    )
    return records


def to_csv(records: Sequence[IncidentRecord]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for r in records:
        row = r.to_dict([p.id for p in playbooks_for(r, "en")])
        row["signals"] = " ".join(row["signals"])
        row["urls"] = " ".join(row["urls"])
        row["playbooks"] = " ".join(row["playbooks"])
        writer.writerow([safe_cell(row[c]) for c in CSV_COLUMNS])
    return out.getvalue()


def _capture(store: Store, scope: Scope, capture_id: int) -> tuple[CaptureMeta, bytes]:
    found = access.capture(store, scope, capture_id)
    _audit(store, scope, "read_capture", f"capture:{capture_id}")
    return found


def read_capture(store: Store, scope: Scope, capture_id: int) -> bytes:
    return _capture(store, scope, capture_id)[1]


def capture_record(store: Store, scope: Scope, capture_id: int) -> dict[str, Any]:
    meta, body = _capture(store, scope, capture_id)
    data = meta.to_dict()
    data["id"] = capture_id
    data["text"] = body.decode("utf-8", errors="replace")
    return data


def change_status(
    store: Store, scope: Scope, incident_id: int, status: str | None, note: str | None
) -> IncidentRecord:
    access.incident(store, scope, incident_id, access.TRIAGE)
    record = incident_store.set_status(
        store, incident_id, actor=scope.actor, status=status, note=note
    )
    _audit(
        store,
        scope,
        "set_status",
        f"incident:{incident_id}",
        {"status": status} if status else None,
    )
    return record


def set_shareable(store: Store, scope: Scope, incident_id: int, shareable: bool) -> bool:
    access.incident(store, scope, incident_id, access.SHARE)
    changed = triage.set_shareable(store, incident_id, shareable, scope.actor)
    _audit(store, scope, "share" if shareable else "unshare", f"incident:{incident_id}")
    return changed


def set_step(
    store: Store,
    scope: Scope,
    incident_id: int,
    playbook_id: str,
    step_key: str,
    done: bool,
) -> bool:
    """Tick a step of one of the incident's own playbooks (others are refused)."""
    record = access.incident(store, scope, incident_id, access.TRIAGE)
    playbook = next((p for p in playbooks_for(record, "en") if p.id == playbook_id), None)
    if playbook is None:
        raise InvalidInput(f"Playbook {playbook_id!r} is not linked to incident {incident_id}.")
    if step_key not in {s.key for s in playbook.steps}:
        raise InvalidInput(f"Playbook {playbook_id!r} has no step {step_key!r}.")
    return triage.set_step(store, incident_id, playbook_id, step_key, done, scope.actor)


def incident_stats(store: Store, scope: Scope) -> stats.Stats:
    scope.require(access.READ)
    return stats.incident_stats(store, access.incident_filter(scope))


@dataclass(frozen=True)
class ActivistPage:
    activist: ActivistRecord
    sources: list[SourceRecord]
    trainers: list[str]


def activist_page(store: Store, scope: Scope, activist_id: int) -> ActivistPage:
    record = access.activist(store, scope, activist_id)
    trainer_ids = set(user_store.trainers_of(store, activist_id))
    names = user_store.usernames(store, trainer_ids)
    return ActivistPage(
        record, access.sources(store, scope, activist_id), [names[i] for i in sorted(names)]
    )


def add_identifier(store: Store, scope: Scope, activist_id: int, type_: str, value: str) -> None:
    """Validate one new identifier like `monitor activist add` would, then add it."""
    record = access.activist(store, scope, activist_id, access.EDIT_ACTIVISTS)
    if type_ not in ADDABLE:
        raise InvalidInput(f"Unknown identifier type {type_!r}; use one of {', '.join(ADDABLE)}.")
    fields: dict[str, Any] = {FIELD_OF[type_]: (value,)}
    valid = validate(RegistrationInput(name=record.name, lang=record.lang, **fields))
    new = tuple(i for i in valid.idents if i.type != "name")
    activist_store.add_identifiers(store, activist_id, new)


def remove_identifier(store: Store, scope: Scope, activist_id: int, ident: Ident) -> bool:
    access.activist(store, scope, activist_id, access.EDIT_ACTIVISTS)
    return registrations.remove_identifier(store, activist_id, ident)


def set_alert_lang(store: Store, scope: Scope, activist_id: int, lang: str) -> None:
    access.activist(store, scope, activist_id, access.EDIT_ACTIVISTS)
    registrations.set_lang(store, activist_id, lang)


def register_activist(store: Store, scope: Scope, raw: RegistrationInput) -> int:
    """A new registration by an admin or trainer; a trainer is assigned to it at once."""
    scope.require(access.REGISTER)
    activist_id = activist_store.add(store, validate(raw))
    if scope.role == "trainer":
        user_store.assign(store, scope.user_id, activist_id)
    _audit(store, scope, "register", f"activist:{activist_id}")
    return activist_id


def check_link(store: Store, scope: Scope, url: str, activist_id: int | None) -> LinkVerdict:
    """Check a link someone was sent; a bad verdict for an activist opens an incident."""
    target = access.link_target(scope, activist_id)
    verdict = link_store.check_link(store, url, target)
    _audit(
        store,
        scope,
        "check_link",
        f"link_check:{verdict.check_id}",
        {"verdict": verdict.verdict, "incident_id": verdict.incident_id},
    )
    return verdict
