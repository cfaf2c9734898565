"""Schema versions: applies the alembic revisions in `monitor/migrations/versions/`.

`monitor init` calls `upgrade`, which is idempotent (an up-to-date database is left alone, an
older one is brought to the newest revision, data kept). Every other command calls
`require_current` so it never runs against a schema it does not understand.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

from monitor.errors import UserError

MIGRATIONS = Path(__file__).parent / "migrations"


def _alembic_config() -> AlembicConfig:
    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    assert head is not None, "monitor/migrations/versions holds no revision"
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> str:
    """Bring the database to `revision` (default: newest); returns the revision reached."""
    config = _alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
    reached = current_revision(engine)
    assert reached is not None
    return reached


def require_current(engine: Engine) -> None:
    """Refuse to work on a database that `monitor init` has not created or upgraded."""
    current = current_revision(engine)
    if current is None:
        raise UserError(
            "This database has not been set up. Run `monitor init` first.", code="db_not_init"
        )
    if current != head_revision():
        raise UserError(
            f"This database is at schema {current}; this version of monitor needs "
            f"{head_revision()}. Run `monitor init` to upgrade it (data is kept).",
            code="db_outdated",
        )
