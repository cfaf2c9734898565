"""The database engine behind `--db`: a SQLite file by default, PostgreSQL at scale.

A plain path (or `sqlite:///...`) means SQLite, opened in WAL mode with foreign keys enforced
and a busy timeout, so the collector, the alert dispatcher and the web app can share one file.
`postgresql://` URLs are handed to psycopg 3 through the same SQLAlchemy code.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import ArgumentError

from monitor.errors import UserError

SQLITE_BUSY_TIMEOUT_MS = 30_000


def resolve_url(target: str) -> URL:
    """Turn a `--db` value into a SQLAlchemy URL (a plain path means a SQLite file)."""
    if "://" not in target:
        return make_url("sqlite:///" + str(Path(target).expanduser().resolve()))
    try:
        url = make_url(target)
    except ArgumentError as exc:
        raise UserError(f"--db {target!r} is not a database URL or a file path.") from exc
    if url.drivername in ("postgresql", "postgres", "postgresql+psycopg2"):
        return url.set(drivername="postgresql+psycopg")
    if url.drivername in ("sqlite", "postgresql+psycopg"):
        return url
    raise UserError(
        f"Database {url.drivername!r} is not supported: use a SQLite path or a postgresql:// URL.",
        code="db_unsupported",
    )


def describe(url: URL) -> str:
    """The URL for display: never the password."""
    return url.render_as_string(hide_password=True)


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def create_engine(target: str) -> Engine:
    url = resolve_url(target)
    if url.drivername == "sqlite":
        return _sqlite_engine(url)
    return sa.create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10)


def _sqlite_engine(url: URL) -> Engine:
    if url.database and url.database != ":memory:":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(
        url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000, "check_same_thread": False}
    )
    sa.event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def sqlite_file(engine: Engine) -> Path | None:
    """The SQLite database file, if the engine has one (used to keep the key file apart)."""
    if not is_sqlite(engine) or not engine.url.database or engine.url.database == ":memory:":
        return None
    return Path(engine.url.database)


def unavailable(exc: BaseException) -> bool:
    """Whether an error means the database is (for now) out of reach: a restart, a dropped
    connection, a full disk or a lock held too long. The service waits and tries again; the
    transaction that failed was rolled back whole, so nothing half-written stays behind. A
    database that can never be opened as configured (no such database or role, a refused
    password, a SQLite path that cannot be created) is not an outage: waiting would hide it."""
    if isinstance(exc, sa.exc.PendingRollbackError):  # a session broken by a lost connection
        return True
    if not isinstance(exc, sa.exc.DBAPIError) or misconfigured(exc):
        return False
    if isinstance(exc, sa.exc.OperationalError | sa.exc.InterfaceError):
        return True
    state = str(getattr(exc.orig, "sqlstate", "") or "")
    return exc.connection_invalidated or state[:2] in UNAVAILABLE_STATES


def misconfigured(exc: sa.exc.DBAPIError) -> bool:
    """Whether the driver refused the database as configured. psycopg gives no SQLSTATE for a
    failed connection, so the server's and SQLite's own (English) words decide."""
    return any(words in str(exc.orig) for words in _MISCONFIGURED)


_MISCONFIGURED = (
    "does not exist",  # FATAL: database "x" / role "x" does not exist
    "password authentication failed",
    "no pg_hba.conf entry",
    "unable to open database file",
)


def reason(exc: BaseException) -> str:
    """The driver's own short reason (e.g. "database or disk is full"), without SQL text."""
    original = getattr(exc, "orig", None)
    return str(original).splitlines()[0][:160] if original else type(exc).__name__


# PostgreSQL SQLSTATE classes: 08 connection exception, 57 operator intervention (shutdown,
# restart, "cannot connect now").
UNAVAILABLE_STATES = frozenset({"08", "57"})
