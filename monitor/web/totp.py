"""Time-based one-time codes (RFC 6238) as the optional second factor.

A code is accepted within one 30-second step either side (clock drift), and only once: the
time step it belongs to is remembered (as a keyed hash, in the attempts table) until it can
no longer be valid, so a code read over someone's shoulder cannot be replayed.
"""

from __future__ import annotations

import re
from datetime import datetime

import pyotp

ISSUER = "Activist Monitor"
STEP_SECONDS = 30
DRIFT_STEPS = 1
_CODE = re.compile(r"\d{6}")


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, account: str) -> str:
    """The otpauth:// URI an authenticator app imports (typed in, or as a QR code)."""
    return pyotp.TOTP(secret).provisioning_uri(name=account, issuer_name=ISSUER)


def clean(code: str) -> str:
    return re.sub(r"\s+", "", code)


def matching_step(secret: str, code: str, now: datetime) -> int | None:
    """The time step whose code equals `code` (current step ± drift), or None."""
    code = clean(code)
    if not _CODE.fullmatch(code):
        return None
    totp = pyotp.TOTP(secret)
    current = int(now.timestamp()) // STEP_SECONDS
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if pyotp.utils.strings_equal(totp.at(step * STEP_SECONDS), code):
            return step
    return None


def code_at(secret: str, when: datetime) -> str:
    """The code an authenticator shows at `when` (for tests and the enrolment check)."""
    return pyotp.TOTP(secret).at(when)
