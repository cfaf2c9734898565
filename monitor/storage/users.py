"""SQL for web accounts: users, their roles, second factors, and trainer assignments.

Usernames are personal data (often a real name or an email), so they are sealed like the rest
and found through a keyed lookup of their normalised form. Password hashing is not done here:
callers pass an argon2 hash made by `monitor.web.passwords`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from monitor.errors import InvalidInput, NotFound
from monitor.models import ROLES, Activist, TrainerAssignment, User
from monitor.store import Store

USERNAME = "app_user.username"
TOTP_SECRET = "app_user.totp_secret"
_USERNAME = re.compile(r"[a-z0-9][a-z0-9._@+-]{2,63}")


@dataclass(frozen=True)
class UserRecord:
    """An account read back: never the password hash or the TOTP secret."""

    id: int
    username: str
    role: str
    activist_id: int | None
    totp_enabled: bool
    disabled: bool
    created_at: datetime
    assigned: tuple[int, ...] = ()

    @property
    def actor(self) -> str:
        """How this user is named in incident timelines and the audit log (an id, no name)."""
        return f"user:{self.id}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "username": self.username,
            "role": self.role,
            "activist_id": self.activist_id,
            "totp": self.totp_enabled,
            "disabled": self.disabled,
            "assigned": list(self.assigned),
            "created_at": self.created_at.isoformat(),
        }


@dataclass(frozen=True)
class Credentials:
    """What a sign-in needs to check: the hash and, when enrolled, the TOTP secret."""

    user_id: int
    password_hash: str
    totp_secret: str | None
    disabled: bool


def normalise_username(text: str) -> str:
    """Usernames compare case-insensitively; 3–64 of letters, digits and `._@+-`."""
    name = text.strip().casefold()
    if not _USERNAME.fullmatch(name):
        raise InvalidInput(
            f"{text!r} is not a valid username: use 3 to 64 letters, digits or . _ @ + - "
            "(starting with a letter or digit)."
        )
    return name


def validate_role(role: str) -> str:
    if role not in ROLES:
        raise InvalidInput(f"Unknown role {role!r}; use one of {', '.join(ROLES)}.")
    return role


def username_lookup(store: Store, username: str) -> str:
    return store.vault.lookup("username", normalise_username(username))


def add(
    store: Store, username: str, password_hash: str, role: str, activist_id: int | None = None
) -> int:
    """Create an account; an activist account is tied to one registration."""
    name = normalise_username(username)
    validate_role(role)
    with Session(store.engine) as session:
        _check_activist_link(session, role, activist_id)
        user = User(
            username_lookup=store.vault.lookup("username", name),
            username_enc=store.vault.seal_text(name, USERNAME),
            password_hash=password_hash,
            role=role,
            activist_id=activist_id,
        )
        session.add(user)
        try:
            session.commit()
        except IntegrityError as exc:
            raise InvalidInput(f"The username {name!r} is taken; choose another.") from exc
        assert user.id is not None
        return user.id


def _check_activist_link(session: Session, role: str, activist_id: int | None) -> None:
    if role == "activist" and activist_id is None:
        raise InvalidInput("An activist account needs --activist ID (their registration).")
    if role != "activist" and activist_id is not None:
        raise InvalidInput("Only activist accounts are tied to a registration (--activist).")
    if activist_id is not None and session.get(Activist, activist_id) is None:
        raise InvalidInput(f"No activist with id {activist_id}. `monitor activist list` shows ids.")


def get(store: Store, user_id: int) -> UserRecord:
    with Session(store.engine) as session:
        user = session.get(User, user_id)
        if user is None:
            raise NotFound(f"No user with id {user_id}.")
        return _record(store, session, user)


def by_name(store: Store, username: str) -> UserRecord:
    with Session(store.engine) as session:
        user = _by_lookup(session, username_lookup(store, username))
        if user is None:
            raise NotFound(f"No user named {username!r}. `monitor user list` shows them.")
        return _record(store, session, user)


def _by_lookup(session: Session, lookup: str) -> User | None:
    return session.exec(select(User).where(User.username_lookup == lookup)).first()


def credentials(store: Store, username: str) -> Credentials | None:
    """The stored hash for a sign-in, or None for an unknown (or malformed) username."""
    try:
        lookup = username_lookup(store, username)
    except InvalidInput:
        return None
    with Session(store.engine) as session:
        user = _by_lookup(session, lookup)
        if user is None or user.id is None:
            return None
        secret = store.vault.open_optional(user.totp_secret_enc, TOTP_SECRET)
        return Credentials(user.id, user.password_hash, secret, user.disabled)


def password_hash(store: Store, user_id: int) -> str:
    with Session(store.engine) as session:
        user = session.get(User, user_id)
        if user is None:
            raise NotFound(f"No user with id {user_id}.")
        return user.password_hash


def totp_secret(store: Store, user_id: int) -> str | None:
    with Session(store.engine) as session:
        user = session.get(User, user_id)
        return (
            None if user is None else store.vault.open_optional(user.totp_secret_enc, TOTP_SECRET)
        )


def list_all(store: Store) -> list[UserRecord]:
    with Session(store.engine) as session:
        users = session.exec(select(User).order_by(col(User.id))).all()
        return [_record(store, session, u) for u in users]


def _record(store: Store, session: Session, user: User) -> UserRecord:
    assert user.id is not None
    return UserRecord(
        id=user.id,
        username=store.vault.open_text(user.username_enc, USERNAME),
        role=user.role,
        activist_id=user.activist_id,
        totp_enabled=user.totp_secret_enc is not None,
        disabled=user.disabled,
        created_at=user.created_at,
        assigned=tuple(sorted(assigned_activists(session, user.id))),
    )


def assigned_activists(session: Session, user_id: int) -> frozenset[int]:
    rows = session.exec(
        select(TrainerAssignment.activist_id).where(TrainerAssignment.user_id == user_id)
    ).all()
    return frozenset(rows)


def _update(store: Store, user_id: int, **values: Any) -> None:
    with Session(store.engine) as session:
        user = session.get(User, user_id)
        if user is None:
            raise NotFound(f"No user with id {user_id}.")
        for name, value in values.items():
            setattr(user, name, value)
        session.add(user)
        session.commit()


def set_role(store: Store, user_id: int, role: str, activist_id: int | None = None) -> None:
    """Change a role; becoming an activist needs a registration, leaving it drops the link."""
    validate_role(role)
    with Session(store.engine) as session:
        _check_activist_link(session, role, activist_id)
    _update(store, user_id, role=role, activist_id=activist_id)


def set_password_hash(store: Store, user_id: int, new_hash: str) -> None:
    _update(store, user_id, password_hash=new_hash)


def set_totp_secret(store: Store, user_id: int, secret: str | None) -> None:
    _update(store, user_id, totp_secret_enc=store.vault.seal_optional(secret, TOTP_SECRET))


def set_disabled(store: Store, user_id: int, disabled: bool) -> None:
    _update(store, user_id, disabled=disabled)


def assign(store: Store, user_id: int, activist_id: int) -> bool:
    """Let a trainer support an activist; False when the assignment already existed."""
    with Session(store.engine) as session:
        user = session.get(User, user_id)
        if user is None:
            raise NotFound(f"No user with id {user_id}.")
        if user.role != "trainer":
            raise InvalidInput(f"Only trainers are assigned activists; this user is {user.role}.")
        if session.get(Activist, activist_id) is None:
            raise InvalidInput(f"No activist with id {activist_id}.")
        if activist_id in assigned_activists(session, user_id):
            return False
        session.add(TrainerAssignment(user_id=user_id, activist_id=activist_id))
        session.commit()
        return True


def unassign(store: Store, user_id: int, activist_id: int) -> bool:
    with Session(store.engine) as session:
        row = session.exec(
            select(TrainerAssignment).where(
                TrainerAssignment.user_id == user_id, TrainerAssignment.activist_id == activist_id
            )
        ).first()
        if row is None:
            return False
        session.delete(row)
        session.commit()
        return True


def trainers_of(store: Store, activist_id: int) -> list[int]:
    """Ids of the trainers assigned to an activist (for the registration page)."""
    with Session(store.engine) as session:
        return list(
            session.exec(
                select(TrainerAssignment.user_id)
                .where(TrainerAssignment.activist_id == activist_id)
                .order_by(col(TrainerAssignment.user_id))
            ).all()
        )


def usernames(store: Store, user_ids: set[int]) -> dict[int, str]:
    """Display names for timelines and the audit log, looked up in one query."""
    if not user_ids:
        return {}
    with Session(store.engine) as session:
        rows = session.exec(select(User).where(col(User.id).in_(sorted(user_ids)))).all()
        return {u.id or 0: store.vault.open_text(u.username_enc, USERNAME) for u in rows}


def preferred_lang(store: Store, user: UserRecord) -> str | None:
    """An activist's account speaks the language of their registration; others have none."""
    if user.activist_id is None:
        return None
    with Session(store.engine) as session:
        activist = session.get(Activist, user.activist_id)
        return None if activist is None else activist.lang
