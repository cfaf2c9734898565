"""Password hashing with argon2id and the password rules.

argon2-cffi's defaults (RFC 9106's low-memory profile) make each guess cost tens of
milliseconds and 64 MiB, so a stolen database does not give up passwords cheaply. Hashes made
with older parameters are upgraded at the next successful sign-in.
"""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from monitor.errors import InvalidInput

MIN_LENGTH = 12
MAX_LENGTH = 1024


@cache
def hasher() -> PasswordHasher:
    return PasswordHasher()


@cache
def dummy_hash() -> str:
    """Checked against when the username is unknown, so both cases take the same time."""
    return hasher().hash("not a password anyone has")


def check_policy(password: str) -> str:
    """Long enough to resist guessing; no composition rules (they do not help, length does)."""
    if len(password) < MIN_LENGTH:
        raise InvalidInput(f"A password needs at least {MIN_LENGTH} characters.")
    if len(password) > MAX_LENGTH:
        raise InvalidInput(f"A password may have at most {MAX_LENGTH} characters.")
    return password


def hash_password(password: str) -> str:
    return hasher().hash(check_policy(password))


def verify(stored_hash: str, password: str) -> bool:
    try:
        return hasher().verify(stored_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    return hasher().check_needs_rehash(stored_hash)
