"""`monitor verify --store`: passes on an intact store, names what was altered or removed."""

from __future__ import annotations

import sqlalchemy as sa

from monitor import db
from tests.conftest import Cli
from tests.support.localweb import LocalWeb

SMEAR = """<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>
<item><title>Xain Gülnarə Mehdiyeva</title><link>https://smear.example/{n}</link><guid>{n}</guid>
<description>Gülnarə Mehdiyeva xalqa xəyanət edən əxlaqsız qrant yeyəndir. {n}</description></item>
</channel></rss>"""


def _collected(cli: Cli, web: LocalWeb, count: int = 3) -> None:
    cli.ok("activist", "add", "Gülnarə Mehdiyeva")
    for n in range(count):
        url = web.serve(f"/f{n}.xml", SMEAR.format(n=n), content_type="application/rss+xml")
        cli.ok("source", "add", "feed", url)
    cli.ok("collect", "--once", "--all")


def _sql(db_url: str, *statements: str) -> None:
    engine = db.create_engine(db_url)
    with engine.begin() as connection:
        if engine.dialect.name == "sqlite":
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        else:
            connection.exec_driver_sql("SET session_replication_role = replica")
        for statement in statements:
            connection.execute(sa.text(statement))
    engine.dispose()


def test_intact_store_verifies(monitor_cli: Cli, web: LocalWeb) -> None:
    _collected(monitor_cli, web)
    report = monitor_cli.json("verify", "--store")
    assert report["ok"] and report["captures"] == 3 and report["chain_length"] == 3
    assert "OK" in monitor_cli.ok("verify", "--store").stdout


def test_a_flipped_byte_in_a_capture_is_named(monitor_cli: Cli, web: LocalWeb) -> None:
    _collected(monitor_cli, web)
    engine = db.create_engine(monitor_cli.db)
    with engine.begin() as connection:
        body = connection.execute(sa.text("SELECT body_enc FROM capture WHERE id = 2")).scalar()
        flipped = bytes(body[:-5]) + bytes([body[-5] ^ 1]) + bytes(body[-4:])
        connection.execute(sa.text("UPDATE capture SET body_enc = :b WHERE id = 2"), {"b": flipped})
    engine.dispose()
    result = monitor_cli("verify", "--store")
    assert result.exit_code == 1
    assert "capture 2" in result.stdout and "capture 1" not in result.stdout


def test_a_changed_hash_is_named(monitor_cli: Cli, web: LocalWeb) -> None:
    _collected(monitor_cli, web)
    _sql(monitor_cli.db, "UPDATE capture SET sha256 = '" + "0" * 64 + "' WHERE id = 3")
    result = monitor_cli("verify", "--store")
    assert result.exit_code == 1 and "capture 3" in result.stdout


def test_a_deleted_capture_is_named(monitor_cli: Cli, web: LocalWeb) -> None:
    _collected(monitor_cli, web)
    _sql(monitor_cli.db, "DELETE FROM capture WHERE id = 2")
    result = monitor_cli("verify", "--store")
    assert result.exit_code == 1
    assert "capture 2: is in the chain but missing" in result.stdout


def test_a_deleted_chain_entry_is_named(monitor_cli: Cli, web: LocalWeb) -> None:
    _collected(monitor_cli, web)
    _sql(monitor_cli.db, "DELETE FROM chain_entry WHERE seq = 2")
    result = monitor_cli("verify", "--store")
    assert result.exit_code == 1
    assert "entries 2..2 are missing" in result.stdout
    assert "capture 2: has no chain entry" in result.stdout
