"""The alembic revisions and the models describe the same schema; upgrades keep data."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlmodel import SQLModel

from monitor import db, schema
from tests.conftest import Cli


def test_migrations_match_the_models(db_url: str) -> None:
    engine = db.create_engine(db_url)
    schema.upgrade(engine)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, SQLModel.metadata)
    engine.dispose()
    assert differences == []


def test_init_upgrades_an_older_database_and_keeps_its_rows(db_url: str) -> None:
    engine = db.create_engine(db_url)
    first = schema.upgrade(engine, "0001")
    with engine.begin() as connection:
        connection.execute(sa.text("INSERT INTO meta (name, value) VALUES ('kept', 'yes')"))
    engine.dispose()
    report = Cli(db_url).json("init")
    assert report["previous_revision"] == first
    assert report["revision"] == schema.head_revision()
    engine = db.create_engine(db_url)
    with engine.connect() as connection:
        kept = connection.execute(sa.text("SELECT value FROM meta WHERE name='kept'")).scalar()
    engine.dispose()
    assert kept == "yes"


def test_sqlite_runs_in_wal_mode_with_foreign_keys(sqlite_path) -> None:  # type: ignore[no-untyped-def]
    engine = db.create_engine(str(sqlite_path))
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    engine.dispose()
