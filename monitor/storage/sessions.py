"""SQL for sign-ins: browser sessions, API tokens and recent failed attempts.

Only keyed hashes of session cookies and API tokens are stored, so a copy of the database does
not let anyone sign in. Attempt keys are keyed hashes as well (of a username, a client address,
a user id), so the rate-limit table does not list who tried to sign in from where.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, delete, func, select

from monitor.errors import NotFound
from monitor.models import ApiToken, LoginAttempt, User, WebSession, utcnow
from monitor.store import Store

SESSION_NS = "web-session"
TOKEN_NS = "api-token"
TOKEN_PREFIX = "mon_"
# last_used_at is written at most this often, so API reads do not each cost a write.
TOKEN_TOUCH = timedelta(minutes=1)


@dataclass(frozen=True)
class SessionRecord:
    id: int
    user_id: int
    csrf_token: str
    second_factor_done: bool
    expires_at: datetime


@dataclass(frozen=True)
class TokenRecord:
    id: int
    label: str
    created_at: datetime
    last_used_at: datetime | None
    revoked: bool


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def create_session(
    store: Store, user_id: int, *, hours: int, second_factor_done: bool, now: datetime | None = None
) -> tuple[str, SessionRecord]:
    """A new session; returns the cookie value (shown once) and the stored record."""
    token = new_secret()
    row = WebSession(
        token_lookup=store.vault.lookup(SESSION_NS, token),
        user_id=user_id,
        csrf_token=new_secret(),
        second_factor_done=second_factor_done,
        created_at=now or utcnow(),
        expires_at=(now or utcnow()) + timedelta(hours=hours),
    )
    with Session(store.engine) as session:
        session.add(row)
        session.commit()
        return token, _session_record(row)


def _session_record(row: WebSession) -> SessionRecord:
    assert row.id is not None
    return SessionRecord(
        row.id, row.user_id, row.csrf_token, row.second_factor_done, row.expires_at
    )


def resolve_session(store: Store, token: str, now: datetime | None = None) -> SessionRecord | None:
    """The live session behind a cookie: None when unknown, expired or its user is disabled."""
    when = now or utcnow()
    with Session(store.engine) as session:
        found = session.exec(
            select(WebSession, User.disabled)
            .join(User, col(User.id) == col(WebSession.user_id))
            .where(WebSession.token_lookup == store.vault.lookup(SESSION_NS, token))
        ).first()
        if found is None:
            return None
        row, disabled = found
        if row.expires_at <= when or disabled:
            session.delete(row)
            session.commit()
            return None
        return _session_record(row)


def complete_second_factor(store: Store, session_id: int) -> None:
    with Session(store.engine) as session:
        row = session.get(WebSession, session_id)
        if row is None:
            raise NotFound("This sign-in has ended; sign in again.")
        row.second_factor_done = True
        session.add(row)
        session.commit()


def end_session(store: Store, session_id: int) -> None:
    with Session(store.engine) as session:
        session.exec(delete(WebSession).where(col(WebSession.id) == session_id))
        session.commit()


def end_user_sessions(store: Store, user_id: int, keep: int | None = None) -> int:
    """Sign a user out everywhere (but `keep`), e.g. after a password change."""
    with Session(store.engine) as session:
        query = delete(WebSession).where(col(WebSession.user_id) == user_id)
        if keep is not None:
            query = query.where(col(WebSession.id) != keep)
        result = session.exec(query)
        session.commit()
        return int(result.rowcount or 0)


def purge_expired(store: Store, now: datetime | None = None) -> int:
    with Session(store.engine) as session:
        result = session.exec(
            delete(WebSession).where(col(WebSession.expires_at) <= (now or utcnow()))
        )
        session.commit()
        return int(result.rowcount or 0)


# --- API tokens --------------------------------------------------------------------------------


def create_token(store: Store, user_id: int, label: str = "") -> str:
    """A new bearer token for the JSON API; the value is returned once and never stored."""
    token = TOKEN_PREFIX + new_secret()
    with Session(store.engine) as session:
        if session.get(User, user_id) is None:
            raise NotFound(f"No user with id {user_id}.")
        session.add(
            ApiToken(
                token_lookup=store.vault.lookup(TOKEN_NS, token),
                user_id=user_id,
                label=label[:128],
            )
        )
        session.commit()
    return token


def resolve_token(store: Store, token: str, now: datetime | None = None) -> int | None:
    """The user id behind a bearer token, or None (unknown, revoked, or user disabled)."""
    when = now or utcnow()
    with Session(store.engine) as session:
        found = session.exec(
            select(ApiToken, User.disabled)
            .join(User, col(User.id) == col(ApiToken.user_id))
            .where(ApiToken.token_lookup == store.vault.lookup(TOKEN_NS, token))
        ).first()
        if found is None or found[0].revoked or found[1]:
            return None
        row = found[0]
        if row.last_used_at is None or when - row.last_used_at >= TOKEN_TOUCH:
            row.last_used_at = when
            session.add(row)
            session.commit()
        return row.user_id


def list_tokens(store: Store, user_id: int) -> list[TokenRecord]:
    with Session(store.engine) as session:
        rows = session.exec(
            select(ApiToken).where(ApiToken.user_id == user_id).order_by(col(ApiToken.id))
        ).all()
        return [
            TokenRecord(r.id or 0, r.label, r.created_at, r.last_used_at, r.revoked) for r in rows
        ]


def revoke_token(store: Store, user_id: int, token_id: int) -> None:
    with Session(store.engine) as session:
        row = session.get(ApiToken, token_id)
        if row is None or row.user_id != user_id:
            raise NotFound(f"No API token with id {token_id}.")
        row.revoked = True
        session.add(row)
        session.commit()


# --- failed attempts ---------------------------------------------------------------------------


def attempt_key(store: Store, kind: str, value: str) -> str:
    """The stored key for an attempt counter: `kind` is account, client, totp or totp-used."""
    return store.vault.lookup(f"attempt:{kind}", value)


def record_attempts(store: Store, keys: list[str], now: datetime | None = None) -> None:
    with Session(store.engine) as session:
        session.add_all([LoginAttempt(key_lookup=k, at=now or utcnow()) for k in keys])
        session.commit()


def count_attempts(store: Store, key: str, since: datetime) -> int:
    with Session(store.engine) as session:
        return int(
            session.exec(
                select(func.count()).where(
                    LoginAttempt.key_lookup == key, col(LoginAttempt.at) >= since
                )
            ).one()
        )


def clear_attempts(store: Store, key: str) -> None:
    with Session(store.engine) as session:
        session.exec(delete(LoginAttempt).where(col(LoginAttempt.key_lookup) == key))
        session.commit()


def purge_attempts(store: Store, before: datetime) -> None:
    """Forget attempts older than the rate-limit window (nothing needs them after that)."""
    with Session(store.engine) as session:
        session.exec(delete(LoginAttempt).where(col(LoginAttempt.at) < before))
        session.commit()
