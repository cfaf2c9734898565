"""Starting the service: a database that is down waits, one that is misconfigured fails."""

from __future__ import annotations

import asyncio
import logging

import pytest
import sqlalchemy as sa

from monitor import db, service


def _refused(words: str) -> sa.exc.OperationalError:
    return sa.exc.OperationalError("connect", {}, Exception(f"connection failed: {words}"))


REFUSED = "connection to server at 127.0.0.1, port 5432 failed: Connection refused"
NO_DATABASE = 'connection to server failed: FATAL:  database "monitr" does not exist'


def test_an_outage_is_waited_out_and_a_wrong_setting_is_not() -> None:
    assert db.unavailable(_refused(REFUSED))
    assert db.unavailable(_refused("FATAL:  the database system is starting up"))
    assert not db.unavailable(_refused(NO_DATABASE))
    assert not db.unavailable(_refused("FATAL:  password authentication failed for user x"))
    assert not db.unavailable(
        sa.exc.OperationalError("", {}, Exception("unable to open database file"))
    )
    assert not db.unavailable(ValueError("not a database error"))
    assert db.reason(_refused(REFUSED)).startswith("connection failed: connection to server")


def test_the_store_opens_once_the_database_is_back(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(service.Outage, "FIRST", 0.01)
    attempts: list[int] = []
    store = object()

    def open_store() -> object:
        attempts.append(1)
        if len(attempts) < 3:
            raise _refused(REFUSED)
        return store

    with caplog.at_level(logging.WARNING, logger="monitor.service"):
        opened = asyncio.run(service.open_when_reachable(open_store))  # type: ignore[arg-type]
    assert opened is store and len(attempts) == 3
    said = [(r.levelname, r.getMessage()) for r in caplog.records]
    assert said == [
        ("ERROR", f"start: database unavailable (connection failed: {REFUSED}); retrying"),
        ("WARNING", "start: database reachable again"),
    ]


@pytest.mark.parametrize("error", [_refused(NO_DATABASE), ValueError("a bug")])
def test_a_wrong_setting_or_a_bug_stops_the_start_at_once(error: Exception) -> None:
    attempts: list[int] = []

    def open_store() -> object:
        attempts.append(1)
        raise error

    with pytest.raises(type(error)):
        asyncio.run(service.open_when_reachable(open_store))  # type: ignore[arg-type]
    assert attempts == [1]
