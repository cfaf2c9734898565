"""The open database: engine, vault and settings, handed to every storage function.

`open_store` is what every command but `init` uses: it checks the schema is current and the key
is right before anything reads or writes. `initialise` is `monitor init`: create or upgrade the
schema, then set up or verify the data key.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import Engine

from monitor import db, keystore, schema
from monitor.config import Config
from monitor.crypto import Vault


@dataclass
class Store:
    engine: Engine
    vault: Vault
    config: Config

    def close(self) -> None:
        self.engine.dispose()


@dataclass(frozen=True)
class InitReport:
    database: str
    revision: str
    previous_revision: str | None
    key: keystore.KeyInfo


def open_store(config: Config, prompt: keystore.PassphrasePrompt | None = None) -> Store:
    engine = db.create_engine(config.database_url)
    try:
        schema.require_current(engine)
        vault, _ = keystore.unlock(engine, config, prompt)
    except BaseException:
        engine.dispose()
        raise
    return Store(engine, vault, config)


def initialise(
    config: Config,
    prompt: keystore.PassphrasePrompt | None = None,
    *,
    use_passphrase: bool = False,
) -> tuple[Store, InitReport]:
    engine = db.create_engine(config.database_url)
    try:
        previous = schema.current_revision(engine)
        revision = schema.upgrade(engine)
        vault, key = keystore.create_or_check(engine, config, prompt, use_passphrase=use_passphrase)
    except BaseException:
        engine.dispose()
        raise
    report = InitReport(db.describe(engine.url), revision, previous, key)
    return Store(engine, vault, config), report
