"""`monitor activist add/list/show`: registration, validation, and secrecy at rest."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
from sqlalchemy.engine import make_url

from tests.conftest import Cli

REGISTRATION = [
    "Gülnarə Mehdiyeva",
    "--alias", "Гюльнара Мехдиева",
    "--alias", "Gulnara Mehdiyeva",
    "--nickname", "Qızılgül",
    "--handle", "instagram:gulnara.mehdi",
    "--handle", "telegram:@GulnaraFem",
    "--email", "Gulnara.Mehdiyeva@Feminitiva.example",
    "--phone", "050 555 12 07",
    "--domain", "feminitiva.example",
    "--lang", "az",
]  # fmt: skip
SECRETS = [
    "Gülnarə",
    "Mehdiyeva",
    "Гюльнара",
    "Мехдиева",
    "Qızılgül",
    "gulnara.mehdi",
    "gulnarafem",
    "gulnara.mehdiyeva@feminitiva.example",
    "+994505551207",
    "505551207",
    "feminitiva",
]


def test_registration_reads_back_complete_and_normalised(monitor_cli: Cli) -> None:
    created = monitor_cli.json("activist", "add", *REGISTRATION)
    [record] = monitor_cli.json("activist", "list")
    assert record["id"] == created["id"]
    assert record["name"] == "Gülnarə Mehdiyeva"
    assert record["aliases"] == ["Гюльнара Мехдиева", "Gulnara Mehdiyeva"]
    assert record["nicknames"] == ["Qızılgül"]
    assert record["handles"] == ["instagram:gulnara.mehdi", "telegram:gulnarafem"]
    assert record["emails"] == ["gulnara.mehdiyeva@feminitiva.example"]
    assert record["phones"] == ["+994505551207"]
    assert record["domains"] == ["feminitiva.example"]
    assert record["lang"] == "az"
    shown = monitor_cli.json("activist", "show", str(created["id"]))
    assert shown == record


def test_human_listing_shows_the_registration(monitor_cli: Cli) -> None:
    monitor_cli.ok("activist", "add", *REGISTRATION)
    out = monitor_cli.ok("activist", "show", "1").stdout
    assert "Gülnarə Mehdiyeva" in out and "+994505551207" in out


def _encodings(text: str) -> list[bytes]:
    return [text.encode("utf-8"), text.encode("utf-16-le"), text.encode("utf-16-be")]


def test_sqlite_file_reveals_no_personal_data(sqlite_cli: Cli, sqlite_path: Path) -> None:
    sqlite_cli.ok("activist", "add", *REGISTRATION)
    raw = b"".join(
        p.read_bytes() for p in sqlite_path.parent.iterdir() if p.name.startswith("monitor.db")
    )
    assert len(raw) > 10_000
    for secret in SECRETS:
        for variant in {secret, secret.lower(), secret.upper()}:
            for encoded in _encodings(variant):
                assert encoded not in raw, f"{variant!r} found in the database file"


def test_postgresql_tables_reveal_no_personal_data(pg_url: str) -> None:
    runner = Cli(pg_url)
    runner.ok("init")
    runner.ok("activist", "add", *REGISTRATION)
    url = make_url(pg_url)
    with psycopg.connect(
        host=url.host, port=url.port, user=url.username, dbname=url.database
    ) as connection:
        tables = [
            row[0]
            for row in connection.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
            )
        ]
        dump = "\n".join(
            str(row) for table in tables for row in connection.execute(f'SELECT * FROM "{table}"')
        )
    assert "activist" in tables
    for secret in SECRETS:
        assert secret.lower() not in dump.lower(), f"{secret!r} readable in PostgreSQL"


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["--handle", "myspace:gulnara"], "myspace"),
        (["--handle", "instagram:has space"], "has space"),
        (["--handle", "gulnara"], "gulnara"),
        (["--email", "gulnara@"], "gulnara@"),
        (["--email", "not-an-email"], "not-an-email"),
        (["--phone", "12345"], "12345"),
        (["--phone", "+1 555 0100"], "+1 555 0100"),
        (["--domain", "not a domain"], "not a domain"),
        (["--lang", "fr"], "fr"),
    ],
)
def test_invalid_values_exit_2_name_the_value_and_write_nothing(
    monitor_cli: Cli, args: list[str], named: str
) -> None:
    result = monitor_cli("activist", "add", "Jane Roe", "--email", "jane@ok.example", *args)
    assert result.exit_code == 2, result.output
    assert named in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert monitor_cli.json("activist", "list") == []


@pytest.mark.parametrize(
    "taken",
    [
        ["--handle", "INSTAGRAM:@Gulnara.Mehdi"],
        ["--email", "gulnara.mehdiyeva@FEMINITIVA.example"],
        ["--phone", "+994 50 555 12 07"],
    ],
)
def test_identifier_of_someone_else_is_refused(monitor_cli: Cli, taken: list[str]) -> None:
    monitor_cli.ok("activist", "add", *REGISTRATION)
    result = monitor_cli("activist", "add", "Jane Roe", "--email", "jane@ok.example", *taken)
    assert result.exit_code == 2
    assert "already registered to activist #1" in result.stderr
    assert [a["id"] for a in monitor_cli.json("activist", "list")] == [1]


def test_shared_organisation_domain_and_namesakes_are_allowed(monitor_cli: Cli) -> None:
    monitor_cli.ok("activist", "add", *REGISTRATION)
    monitor_cli.ok("activist", "add", "Gülnarə Mehdiyeva", "--domain", "feminitiva.example")
    assert len(monitor_cli.json("activist", "list")) == 2


def test_json_output_is_only_json(monitor_cli: Cli) -> None:
    result = monitor_cli("activist", "add", *REGISTRATION, "--json")
    assert result.stdout.strip() == '{\n  "id": 1\n}'


def test_show_unknown_activist_is_a_clear_error(monitor_cli: Cli) -> None:
    result = monitor_cli("activist", "show", "42")
    assert result.exit_code == 1
    assert "No activist with id 42" in result.stderr
