"""`monitor user ...` and `monitor serve`'s helpers, through the real CLI."""

from __future__ import annotations

import pytest

from monitor.cli.serve import exposed
from monitor.models import utcnow
from monitor.storage import sessions as session_store
from monitor.store import Store
from monitor.web import signin
from tests.conftest import Cli

PASSWORD = "correct horse battery staple"


@pytest.fixture
def password_env(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("TEST_PW", PASSWORD)
    return "TEST_PW"


def test_user_lifecycle(monitor_cli: Cli, password_env: str) -> None:
    activist = monitor_cli.json("activist", "add", "Aysel Quliyeva", "--lang", "az")["id"]
    trainer = monitor_cli.json(
        "user", "add", "Ayla", "--role", "trainer", "--password-env", password_env
    )
    monitor_cli.ok(
        "user",
        "add",
        "aysel",
        "--role",
        "activist",
        "--activist",
        str(activist),
        "--password-env",
        password_env,
    )
    monitor_cli.ok("user", "assign", "ayla", "--activist", str(activist))
    users = {u["username"]: u for u in monitor_cli.json("user", "list")}
    assert users["ayla"]["id"] == trainer["id"] and users["ayla"]["assigned"] == [activist]
    assert users["aysel"]["role"] == "activist" and users["aysel"]["activist_id"] == activist
    assert "password" not in str(users) and PASSWORD not in str(users)
    monitor_cli.ok("user", "set-role", "ayla", "coalition")
    assert {u["username"]: u["role"] for u in monitor_cli.json("user", "list")}[
        "ayla"
    ] == "coalition"
    token = monitor_cli.json("user", "token", "aysel", "--label", "script")["token"]
    assert token.startswith("mon_")
    monitor_cli.ok("user", "disable", "aysel")
    assert monitor_cli.json("user", "list")[1]["disabled"] is True


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["user", "add", "x", "--role", "trainer"], "not a valid username"),
        (["user", "add", "someone", "--role", "boss"], "Invalid value for '--role'"),
        (["user", "add", "someone", "--role", "activist"], "needs --activist"),
        (["user", "add", "someone", "--role", "trainer", "--activist", "1"], "Only activist"),
        (
            ["user", "add", "someone", "--role", "activist", "--activist", "99"],
            "No activist with id 99",
        ),
        (["user", "assign", "nobody", "--activist", "1"], "No user named"),
    ],
)
def test_refusals(monitor_cli: Cli, password_env: str, args: list[str], message: str) -> None:
    result = (
        monitor_cli(*args, "--password-env", password_env)
        if args[1] == "add"
        else monitor_cli(*args)
    )
    assert result.exit_code != 0
    assert message in result.output


def test_short_passwords_and_taken_names(monitor_cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHORT_PW", "too short")
    short = monitor_cli("user", "add", "someone", "--role", "admin", "--password-env", "SHORT_PW")
    assert short.exit_code == 2 and "at least 12 characters" in short.output
    monkeypatch.setenv("GOOD_PW", PASSWORD)
    monitor_cli.ok("user", "add", "someone", "--role", "admin", "--password-env", "GOOD_PW")
    taken = monitor_cli("user", "add", "SomeOne", "--role", "admin", "--password-env", "GOOD_PW")
    assert taken.exit_code == 2 and "taken" in taken.output


def test_prompted_password_and_reset(sqlite_cli: Cli, sqlite_store: Store) -> None:
    sqlite_cli.ok("user", "add", "admin1", "--role", "admin", input=f"{PASSWORD}\n{PASSWORD}\n")
    assert signin.check_password(sqlite_store, "admin1", PASSWORD, "127.0.0.9", utcnow()).user_id
    new = "another long passphrase"
    sqlite_cli.ok("user", "password", "admin1", input=f"{new}\n{new}\n")
    with pytest.raises(signin.BadCredentials):
        signin.check_password(sqlite_store, "admin1", PASSWORD, "127.0.0.9", utcnow())
    user_id = signin.check_password(sqlite_store, "admin1", new, "127.0.0.9", utcnow()).user_id
    assert session_store.list_tokens(sqlite_store, user_id) == []


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("127.0.0.1", False),
        ("::1", False),
        ("localhost", False),
        ("0.0.0.0", True),
        ("10.1.2.3", True),
    ],
)
def test_exposed_hosts(host: str, expected: bool) -> None:
    assert exposed(host) is expected
