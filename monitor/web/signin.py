"""Signing in: password check, rate limits per account and per client, the second factor.

Limits: 5 failed passwords for one account, or 20 from one client address, within 15 minutes
refuse further tries until the window has passed (the client limit is higher because people
behind one NAT or proxy share an address). 5 wrong codes end a half-finished sign-in. An
unknown username costs the same argon2 check as a known one and fails with the same message,
so neither timing nor wording tells which usernames exist.

These functions block (argon2, SQL): views call them through `context.db`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from monitor.errors import UserError
from monitor.storage import sessions as session_store
from monitor.storage import users as user_store
from monitor.store import Store
from monitor.web import passwords, totp

WINDOW = timedelta(minutes=15)
ACCOUNT_LIMIT = 5
CLIENT_LIMIT = 20
TOTP_LIMIT = 5


class TooManyAttempts(UserError):
    def __init__(self) -> None:
        super().__init__(
            "Too many failed sign-ins for this account or from this address. "
            f"Wait {int(WINDOW.total_seconds() // 60)} minutes, then try again.",
            code="rate_limited",
        )


class BadCredentials(UserError):
    def __init__(self, message: str = "Wrong username or password.") -> None:
        super().__init__(message, code="bad_credentials")


@dataclass(frozen=True)
class Verified:
    user_id: int
    needs_totp: bool


def _account_key(store: Store, username: str) -> str:
    return session_store.attempt_key(store, "account", username.strip().casefold())


def _client_key(store: Store, client: str) -> str:
    return session_store.attempt_key(store, "client", client)


def check_password(
    store: Store, username: str, password: str, client: str, now: datetime
) -> Verified:
    """Verify a username and password, counting failures; raise on any refusal."""
    since = now - WINDOW
    session_store.purge_attempts(store, since)
    account, address = _account_key(store, username), _client_key(store, client)
    if (
        session_store.count_attempts(store, account, since) >= ACCOUNT_LIMIT
        or session_store.count_attempts(store, address, since) >= CLIENT_LIMIT
    ):
        raise TooManyAttempts()
    found = user_store.credentials(store, username)
    matches = passwords.verify(found.password_hash if found else passwords.dummy_hash(), password)
    if found is None or not matches or found.disabled:
        session_store.record_attempts(store, [account, address], now)
        raise BadCredentials()
    session_store.clear_attempts(store, account)
    if passwords.needs_rehash(found.password_hash):
        user_store.set_password_hash(store, found.user_id, passwords.hasher().hash(password))
    return Verified(found.user_id, needs_totp=found.totp_secret is not None)


def check_code(store: Store, user_id: int, code: str, now: datetime) -> None:
    """Verify a TOTP code for a user (once per time step); raise on refusal."""
    since = now - WINDOW
    failures = session_store.attempt_key(store, "totp", str(user_id))
    if session_store.count_attempts(store, failures, since) >= TOTP_LIMIT:
        raise TooManyAttempts()
    secret = user_store.totp_secret(store, user_id)
    step = totp.matching_step(secret, code, now) if secret else None
    used = session_store.attempt_key(store, "totp-used", f"{user_id}:{step}")
    if step is None or session_store.count_attempts(store, used, since) > 0:
        session_store.record_attempts(store, [failures], now)
        raise BadCredentials("That code is not right (or was already used). Try the next one.")
    session_store.record_attempts(store, [used], now)
    session_store.clear_attempts(store, failures)


def code_failures_exhausted(store: Store, user_id: int, now: datetime) -> bool:
    key = session_store.attempt_key(store, "totp", str(user_id))
    return session_store.count_attempts(store, key, now - WINDOW) >= TOTP_LIMIT


def change_password(store: Store, user_id: int, current: str, new: str) -> None:
    if not passwords.verify(user_store.password_hash(store, user_id), current):
        raise BadCredentials("The current password is wrong.")
    user_store.set_password_hash(store, user_id, passwords.hash_password(new))


def enrol_totp(store: Store, user_id: int, secret: str, code: str, now: datetime) -> None:
    """Turn the second factor on once the person proves their app shows the right codes."""
    if totp.matching_step(secret, code, now) is None:
        raise BadCredentials("That code does not match the secret; check the app and try again.")
    user_store.set_totp_secret(store, user_id, secret)


def disable_totp(store: Store, user_id: int, code: str, now: datetime) -> None:
    check_code(store, user_id, code, now)
    user_store.set_totp_secret(store, user_id, None)
