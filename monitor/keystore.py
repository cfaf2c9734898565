"""Where the data key comes from, and proof that it is the right one.

Three sources, in order: `MONITOR_KEY` (the key itself), a passphrase stretched with Argon2id
(`MONITOR_PASSPHRASE` or a prompt; for deployments where the whole disk may be seized), and by
default a 0600 key file in the user's config directory, never beside the database. `monitor init`
stores a sealed check value in the database; every later open decrypts it, so a wrong key is
refused with a clear message instead of producing garbage.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import Engine

from monitor import crypto
from monitor.config import Config
from monitor.db import sqlite_file
from monitor.errors import KeyProblem, UserError
from monitor.storage import meta

CHECK_CONTEXT = "meta:key_check"
CHECK_PLAINTEXT = b"activist-monitor data key check v1"
MODE_RAW = "raw"
MODE_PASSPHRASE = "passphrase"

PassphrasePrompt = Callable[[bool], str]  # argument: confirm (ask twice) when creating


@dataclass(frozen=True)
class KeyInfo:
    """How the key was obtained, for `monitor init` to report (never the key itself)."""

    mode: str
    origin: str
    created: bool


def create_or_check(
    engine: Engine, config: Config, prompt: PassphrasePrompt | None, *, use_passphrase: bool
) -> tuple[crypto.Vault, KeyInfo]:
    """For `monitor init`: reuse the database's key if it has one, else set one up."""
    if meta.get(engine, "key_check") is not None:
        vault, info = unlock(engine, config, prompt)
        return vault, info
    key, info = _new_key(engine, config, prompt, use_passphrase=use_passphrase)
    vault = crypto.Vault(key)
    meta.put(
        engine,
        {
            "key_check": vault.seal(CHECK_PLAINTEXT, CHECK_CONTEXT).hex(),
            "key_mode": info.mode,
        },
    )
    return vault, info


def unlock(
    engine: Engine, config: Config, prompt: PassphrasePrompt | None
) -> tuple[crypto.Vault, KeyInfo]:
    """Obtain the key for an initialised database and prove it is the right one."""
    check = meta.get(engine, "key_check")
    if check is None:
        raise UserError(
            "This database has no data key yet. Run `monitor init` first.", code="db_not_init"
        )
    key, info = _existing_key(engine, config, prompt)
    vault = crypto.Vault(key)
    try:
        vault.open(bytes.fromhex(check), CHECK_CONTEXT)
    except KeyProblem as exc:
        raise KeyProblem(
            f"The data key from {info.origin} does not open this database: it was set up with "
            "a different key. Use the key it was created with (MONITOR_KEY, the key file or "
            "the passphrase); without it the encrypted data cannot be read.",
            code="wrong_key",
        ) from exc
    return vault, info


def _existing_key(
    engine: Engine, config: Config, prompt: PassphrasePrompt | None
) -> tuple[bytes, KeyInfo]:
    if config.key:
        return crypto.decode_key(config.key, origin="MONITOR_KEY"), KeyInfo(
            MODE_RAW, "MONITOR_KEY", False
        )
    if meta.get(engine, "key_mode") == MODE_PASSPHRASE:
        params = crypto.KdfParams.from_dict(json.loads(meta.get(engine, "kdf") or "{}"))
        passphrase = _passphrase(config, prompt, confirm=False)
        return crypto.key_from_passphrase(passphrase, params), KeyInfo(
            MODE_PASSPHRASE, "the passphrase", False
        )
    path = config.key_path
    if not path.exists():
        raise KeyProblem(
            f"No data key at {path}. Copy the key file this database was created with to that "
            "path, or set MONITOR_KEY or MONITOR_KEY_FILE.",
            code="key_missing",
        )
    return read_key_file(path), KeyInfo(MODE_RAW, str(path), False)


def _new_key(
    engine: Engine, config: Config, prompt: PassphrasePrompt | None, *, use_passphrase: bool
) -> tuple[bytes, KeyInfo]:
    if config.key:
        return crypto.decode_key(config.key, origin="MONITOR_KEY"), KeyInfo(
            MODE_RAW, "MONITOR_KEY", False
        )
    if use_passphrase or config.passphrase:
        params = crypto.KdfParams.fresh()
        passphrase = _passphrase(config, prompt, confirm=True)
        meta.put(engine, {"kdf": json.dumps(params.to_dict())})
        return crypto.key_from_passphrase(passphrase, params), KeyInfo(
            MODE_PASSPHRASE, "the passphrase", True
        )
    path = config.key_path
    _refuse_beside_database(path, engine)
    if path.exists():
        return read_key_file(path), KeyInfo(MODE_RAW, str(path), False)
    key = crypto.generate_key()
    write_key_file(path, key)
    return key, KeyInfo(MODE_RAW, str(path), True)


def _passphrase(config: Config, prompt: PassphrasePrompt | None, *, confirm: bool) -> str:
    if config.passphrase:
        return config.passphrase
    if prompt is None:
        raise KeyProblem(
            "This database is protected by a passphrase: set MONITOR_PASSPHRASE "
            "(or MONITOR_PASSPHRASE_FILE) or run the command in a terminal to be asked for it.",
            code="passphrase_needed",
        )
    return prompt(confirm)


def _refuse_beside_database(key_path: Path, engine: Engine) -> None:
    database = sqlite_file(engine)
    if database is not None and key_path.resolve().parent == database.resolve().parent:
        raise UserError(
            f"The key file {key_path} would sit beside the database {database}; whoever copies "
            "the folder would get both. Choose another MONITOR_KEY_FILE or MONITOR_CONFIG_DIR.",
            code="key_beside_db",
        )


def write_key_file(path: Path, key: bytes) -> None:
    """Create the key file with mode 0600 (its folder 0700); never overwrite an existing one."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(crypto.encode_key(key) + "\n")


def read_key_file(path: Path) -> bytes:
    mode = path.stat().st_mode & 0o777
    if mode & 0o077:
        raise KeyProblem(
            f"The key file {path} can be read by other users (mode {mode:o}). "
            f"Run `chmod 600 {path}` and try again.",
            code="key_permissions",
        )
    return crypto.decode_key(path.read_text(encoding="ascii"), origin=str(path))
