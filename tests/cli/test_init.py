"""`monitor init`: idempotent, keeps data, sets up and checks the data key."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from monitor import crypto
from tests.conftest import Cli


def test_init_twice_keeps_data(monitor_cli: Cli) -> None:
    monitor_cli.ok("activist", "add", "Jane Roe", "--handle", "x:janeroe")
    second = monitor_cli.json("init")
    assert second["previous_revision"] == second["revision"]
    assert second["key_created"] is False
    assert [a["handles"] for a in monitor_cli.json("activist", "list")] == [["x:janeroe"]]


def test_key_file_is_private_and_apart_from_the_database(
    sqlite_cli: Cli, sqlite_path: Path, isolated_env: Path
) -> None:
    key_file = isolated_env / "config" / "data.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert key_file.parent != sqlite_path.parent
    assert not any("key" in p.name for p in sqlite_path.parent.iterdir())


def test_database_opened_with_another_key_is_refused(
    monitor_cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monitor_cli.ok("activist", "add", "Jane Roe")
    monkeypatch.setenv("MONITOR_KEY", crypto.encode_key(crypto.generate_key()))
    for args in (["activist", "list"], ["init"]):
        result = monitor_cli(*args)
        assert result.exit_code == 1
        assert "does not open this database" in result.stderr
        assert "Jane" not in result.output


def test_missing_key_file_says_where_it_looked(sqlite_cli: Cli, isolated_env: Path) -> None:
    (isolated_env / "config" / "data.key").unlink()
    result = sqlite_cli("activist", "list")
    assert result.exit_code == 1
    assert "No data key at" in result.stderr and "data.key" in result.stderr


def test_key_file_readable_by_others_is_refused(sqlite_cli: Cli, isolated_env: Path) -> None:
    os.chmod(isolated_env / "config" / "data.key", 0o644)
    result = sqlite_cli("activist", "list")
    assert result.exit_code == 1
    assert "chmod 600" in result.stderr


def test_key_file_beside_the_database_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "together"
    monkeypatch.setenv("MONITOR_CONFIG_DIR", str(folder))
    result = Cli(str(folder / "monitor.db"))("init")
    assert result.exit_code == 1
    assert "beside the database" in result.stderr


def test_passphrase_protected_database(sqlite_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    runner = Cli(str(sqlite_path))
    monkeypatch.setenv("MONITOR_PASSPHRASE", "correct horse battery staple")
    assert runner.json("init", "--passphrase")["key_mode"] == "passphrase"
    runner.ok("activist", "add", "Jane Roe")
    monkeypatch.setenv("MONITOR_PASSPHRASE", "wrong horse")
    assert "does not open this database" in runner("activist", "list").stderr
    monkeypatch.delenv("MONITOR_PASSPHRASE")
    assert "protected by a passphrase" in runner("activist", "list").stderr
    monkeypatch.setenv("MONITOR_PASSPHRASE", "correct horse battery staple")
    assert runner.json("activist", "list")[0]["name"] == "Jane Roe"


def test_commands_before_init_say_run_init(sqlite_path: Path) -> None:
    result = Cli(str(sqlite_path))("activist", "list")
    assert result.exit_code == 1
    assert "monitor init" in result.stderr


def test_monitor_key_environment_variable(
    sqlite_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MONITOR_KEY", crypto.encode_key(crypto.generate_key()))
    runner = Cli(str(sqlite_path))
    assert runner.json("init")["key_origin"] == "MONITOR_KEY"
    runner.ok("activist", "add", "Jane Roe")
    monkeypatch.setenv("MONITOR_KEY", "not-a-key")
    assert (
        "not valid" in runner("activist", "list").stderr
        or "bytes" in runner("activist", "list").stderr
    )


def test_init_reports_created_key_once(sqlite_path: Path) -> None:
    runner = Cli(str(sqlite_path))
    first = runner.ok("init").stdout
    assert "created" in first and "Keep a copy of the key" in first
    assert "Keep a copy" not in runner.ok("init").stdout
    assert stat.S_IMODE(Path(runner.json("init")["key_origin"]).stat().st_mode) == 0o600
