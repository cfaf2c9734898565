"""Field encryption and keyed lookups: what keeps a seized database file unreadable.

One 32-byte data key (kept apart from the database) is stretched with HKDF into two subkeys:
one seals personal fields with AES-256-GCM (authenticated: a wrong key or an edited ciphertext
is detected, never decrypted to garbage), the other computes HMAC-SHA256 lookups so that
"is this handle already registered?" can be answered without storing the handle in clear.

Each sealed value is bound to its column through the GCM associated data (`context`), so a
ciphertext copied from one column into another does not decrypt.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
from dataclasses import dataclass

from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from monitor.errors import KeyProblem

KEY_BYTES = 32
NONCE_BYTES = 12
FORMAT_V1 = b"\x01"


@dataclass(frozen=True)
class KdfParams:
    """Argon2id parameters for passphrase-derived keys (stored beside the salt in the DB)."""

    salt: bytes
    time_cost: int = 3
    memory_cost_kib: int = 64 * 1024
    parallelism: int = 2

    def to_dict(self) -> dict[str, object]:
        return {
            "alg": "argon2id",
            "salt": base64.b64encode(self.salt).decode(),
            "time_cost": self.time_cost,
            "memory_cost_kib": self.memory_cost_kib,
            "parallelism": self.parallelism,
        }

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> KdfParams:
        return cls(
            salt=base64.b64decode(str(data["salt"])),
            time_cost=int(str(data["time_cost"])),
            memory_cost_kib=int(str(data["memory_cost_kib"])),
            parallelism=int(str(data["parallelism"])),
        )

    @classmethod
    def fresh(cls) -> KdfParams:
        return cls(salt=os.urandom(16))


def generate_key() -> bytes:
    return os.urandom(KEY_BYTES)


def encode_key(key: bytes) -> str:
    return base64.urlsafe_b64encode(key).decode("ascii")


def decode_key(text: str, *, origin: str) -> bytes:
    """Parse a base64 data key; `origin` names where it came from for the error message."""
    try:
        key = base64.urlsafe_b64decode(text.strip().encode("ascii"))
    except (binascii.Error, UnicodeEncodeError, ValueError) as exc:
        raise KeyProblem(
            f"The data key in {origin} is not valid base64. "
            "Restore the original key, or generate one with `monitor init` on a new database.",
            cause=type(exc).__name__,
        ) from exc
    if len(key) != KEY_BYTES:
        raise KeyProblem(
            f"The data key in {origin} has {len(key)} bytes; a data key has {KEY_BYTES}.",
        )
    return key


def key_from_passphrase(passphrase: str, params: KdfParams) -> bytes:
    """Stretch a passphrase with Argon2id (memory-hard, so guessing it is expensive)."""
    return hash_secret_raw(
        secret=passphrase.encode("utf-8"),
        salt=params.salt,
        time_cost=params.time_cost,
        memory_cost=params.memory_cost_kib,
        parallelism=params.parallelism,
        hash_len=KEY_BYTES,
        type=Type.ID,
    )


def _subkey(master: bytes, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None, info=purpose).derive(master)


class Vault:
    """Seals and opens personal fields; computes keyed lookups. Holds the only key copies."""

    def __init__(self, master_key: bytes) -> None:
        if len(master_key) != KEY_BYTES:
            raise KeyProblem(f"A data key has {KEY_BYTES} bytes, not {len(master_key)}.")
        self._aead = AESGCM(_subkey(master_key, b"monitor/field-encryption/v1"))
        self._lookup_key = _subkey(master_key, b"monitor/lookup-index/v1")

    def seal(self, plaintext: bytes, context: str) -> bytes:
        nonce = os.urandom(NONCE_BYTES)
        return FORMAT_V1 + nonce + self._aead.encrypt(nonce, plaintext, context.encode())

    def open(self, sealed: bytes, context: str) -> bytes:
        if not sealed.startswith(FORMAT_V1) or len(sealed) < 1 + NONCE_BYTES + 16:
            raise KeyProblem(f"A stored value ({context}) is not in a known sealed format.")
        nonce, body = sealed[1 : 1 + NONCE_BYTES], sealed[1 + NONCE_BYTES :]
        try:
            return self._aead.decrypt(nonce, body, context.encode())
        except InvalidTag as exc:
            raise KeyProblem(
                f"A stored value ({context}) cannot be decrypted: the data key is wrong "
                "or the database was altered.",
                cause="InvalidTag",
            ) from exc

    def seal_text(self, text: str, context: str) -> bytes:
        return self.seal(text.encode("utf-8"), context)

    def open_text(self, sealed: bytes, context: str) -> str:
        return self.open(sealed, context).decode("utf-8")

    def seal_optional(self, text: str | None, context: str) -> bytes | None:
        return None if text is None else self.seal_text(text, context)

    def open_optional(self, sealed: bytes | None, context: str) -> str | None:
        return None if sealed is None else self.open_text(sealed, context)

    def lookup(self, namespace: str, value: str) -> str:
        """A keyed hash for equality lookups; `value` must already be normalised."""
        message = namespace.encode() + b"\x00" + value.encode("utf-8")
        return hmac.new(self._lookup_key, message, hashlib.sha256).hexdigest()
