"""What people record on an incident besides its status: the shareable mark and the playbook
checklist. Each change also leaves a line in the incident's timeline, so the history of a case
shows who ticked which step and who released it to the coalition.

Steps are stored by position key ("2.3"), which is the same in every translation, so a step
ticked by a trainer reading Russian shows as ticked to an activist reading Azerbaijani.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from monitor.errors import NotFound
from monitor.models import Incident, IncidentEvent, PlaybookStep, utcnow
from monitor.storage.incidents import NOTE
from monitor.store import Store


@dataclass(frozen=True)
class Tick:
    playbook_id: str
    step_key: str
    done_by: str
    done_at: datetime


def _timeline(
    session: Session, store: Store, incident_id: int, actor: str, action: str, note: str
) -> None:
    session.add(
        IncidentEvent(
            incident_id=incident_id,
            actor=actor,
            action=action,
            note_enc=store.vault.seal_text(note, NOTE),
        )
    )


def _incident(session: Session, incident_id: int) -> Incident:
    row = session.get(Incident, incident_id)
    if row is None:
        raise NotFound(f"No incident with id {incident_id}.")
    return row


def set_shareable(store: Store, incident_id: int, shareable: bool, actor: str) -> bool:
    """Mark an incident shareable with coalitions (or withdraw it); True when it changed."""
    with Session(store.engine) as session:
        row = _incident(session, incident_id)
        if row.shareable == shareable:
            return False
        row.shareable = shareable
        row.updated_at = utcnow()
        session.add(row)
        _timeline(
            session,
            store,
            incident_id,
            actor,
            "shared" if shareable else "unshared",
            "shareable with coalitions" if shareable else "no longer shareable",
        )
        session.commit()
        return True


def ticks(store: Store, incident_id: int) -> dict[tuple[str, str], Tick]:
    """Ticked steps of an incident, keyed by (playbook id, step key)."""
    with Session(store.engine) as session:
        rows = session.exec(
            select(PlaybookStep).where(PlaybookStep.incident_id == incident_id)
        ).all()
        return {
            (r.playbook_id, r.step_key): Tick(r.playbook_id, r.step_key, r.done_by, r.done_at)
            for r in rows
        }


def set_step(
    store: Store, incident_id: int, playbook_id: str, step_key: str, done: bool, actor: str
) -> bool:
    """Tick or untick one step; True when it changed (ticking twice is harmless)."""
    with Session(store.engine) as session:
        _incident(session, incident_id)
        row = session.exec(
            select(PlaybookStep).where(
                PlaybookStep.incident_id == incident_id,
                PlaybookStep.playbook_id == playbook_id,
                PlaybookStep.step_key == step_key,
            )
        ).first()
        if (row is not None) == done:
            return False
        if row is not None:
            session.delete(row)
        else:
            session.add(
                PlaybookStep(
                    incident_id=incident_id,
                    playbook_id=playbook_id,
                    step_key=step_key,
                    done_by=actor,
                )
            )
        action = "step_done" if done else "step_undone"
        _timeline(session, store, incident_id, actor, action, f"{playbook_id} {step_key}")
        try:
            session.commit()
        except IntegrityError:
            # Someone ticked the same step at the same moment: it is ticked, as asked.
            return False
        return True
