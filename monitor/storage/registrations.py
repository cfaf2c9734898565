"""SQL for editing a registration after it was made: removing an identifier, changing the
alert language. (Adding identifiers is `monitor.storage.activists.add_identifiers`.)

Both touch `Activist.updated_at`, which is part of the registry fingerprint, so the running
pipeline rebuilds its matcher and stops (or starts) matching at once.
"""

from __future__ import annotations

from sqlmodel import Session, col, delete

from monitor.activists import Ident, validate_lang
from monitor.errors import InvalidInput, NotFound
from monitor.models import Activist, Identifier, utcnow
from monitor.storage.activists import lookup_of
from monitor.store import Store


def _touch(session: Session, activist_id: int) -> Activist:
    activist = session.get(Activist, activist_id)
    if activist is None:
        raise NotFound(f"No activist with id {activist_id}.")
    activist.updated_at = utcnow()
    session.add(activist)
    return activist


def remove_identifier(store: Store, activist_id: int, ident: Ident) -> bool:
    """Forget one identifier; the registered full name cannot be removed, only added to."""
    if ident.type == "name":
        raise InvalidInput("The registered name cannot be removed; add another spelling instead.")
    with Session(store.engine) as session:
        _touch(session, activist_id)
        result = session.exec(
            delete(Identifier).where(
                col(Identifier.activist_id) == activist_id,
                col(Identifier.type) == ident.type,
                col(Identifier.lookup) == lookup_of(store, ident),
            )
        )
        session.commit()
        return bool(result.rowcount)


def set_lang(store: Store, activist_id: int, lang: str) -> None:
    """The language of the activist's alerts and, for their own account, of the interface."""
    code = validate_lang(lang)
    with Session(store.engine) as session:
        activist = _touch(session, activist_id)
        activist.lang = code
        session.commit()
