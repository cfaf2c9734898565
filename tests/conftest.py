"""Shared fixtures: an isolated environment per test, databases on SQLite and PostgreSQL, the
CLI, and the throwaway certificates the local TLS servers and the timestamp authority use.

Every test gets its own config directory (so its own data key) and its own database. Tests that
take the `db_url` fixture run twice: on a SQLite file, and on a fresh PostgreSQL database
created from `MONITOR_TEST_PG` and dropped afterwards (skipped, saying so, when that variable is
unset; `.ci/run` sets it).
"""

from __future__ import annotations

import datetime
import json
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest
from click.testing import CliRunner, Result
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from psycopg import sql
from sqlalchemy.engine import make_url

from monitor import config as config_module
from monitor.cli import cli
from monitor.store import Store, initialise
from tests.support.localweb import LocalWeb

PG_ENV = "MONITOR_TEST_PG"
MONITOR_VARIABLES = [name for name in os.environ if name.startswith("MONITOR_") and name != PG_ENV]


@pytest.fixture(autouse=True)
def isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No test sees the developer's settings, key or database."""
    for name in MONITOR_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    home = tmp_path / "home"
    monkeypatch.setenv("MONITOR_CONFIG_DIR", str(home / "config"))
    monkeypatch.setenv("MONITOR_DATA_DIR", str(home / "data"))
    monkeypatch.setenv("MONITOR_ALLOW_PRIVATE_ADDRESSES", "1")
    return home


def _pg_admin_url() -> str | None:
    return os.environ.get(PG_ENV) or None


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this test, dropped afterwards."""
    admin = _pg_admin_url()
    if admin is None:
        pytest.skip(f"{PG_ENV} is not set: PostgreSQL tests skipped")
    name = f"monitor_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    url = make_url(admin).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Runs the test on a SQLite file and on PostgreSQL."""
    if request.param == "sqlite":
        return str(tmp_path / "db" / "monitor.db")
    return str(request.getfixturevalue("pg_url"))


@pytest.fixture
def sqlite_path(tmp_path: Path) -> Path:
    return tmp_path / "db" / "monitor.db"


@dataclass
class Cli:
    """Runs `monitor` in-process against one database, the way a person would type it."""

    db: str

    def __call__(self, *args: str, input: str | None = None) -> Result:
        return CliRunner().invoke(cli, ["--db", self.db, *args], input=input)

    def ok(self, *args: str, input: str | None = None) -> Result:
        result = self(*args, input=input)
        assert result.exit_code == 0, f"monitor {' '.join(args)}: {result.output}"
        return result

    def json(self, *args: str) -> Any:
        return json.loads(self.ok(*args, "--json").stdout)


@pytest.fixture
def monitor_cli(db_url: str) -> Cli:
    """The CLI on an initialised database (SQLite and PostgreSQL)."""
    runner = Cli(db_url)
    runner.ok("init")
    return runner


@pytest.fixture
def sqlite_cli(sqlite_path: Path) -> Cli:
    """The CLI on an initialised SQLite database only."""
    runner = Cli(str(sqlite_path))
    runner.ok("init")
    return runner


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    """An initialised store (SQLite and PostgreSQL) for library-level tests."""
    opened, _ = initialise(config_module.load(overrides={"db": db_url}))
    yield opened
    opened.close()


@pytest.fixture
def sqlite_store(sqlite_path: Path) -> Iterator[Store]:
    opened, _ = initialise(config_module.load(overrides={"db": str(sqlite_path)}))
    yield opened
    opened.close()


@pytest.fixture
def web() -> Iterator[LocalWeb]:
    """A local HTTP server whose routes the test sets (see tests/support/localweb.py)."""
    server = LocalWeb().start()
    yield server
    server.stop()


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's headless Chromium driven by Playwright (installed by scripts/setup-system.sh).

    Module scope: Playwright's sync API keeps an event loop running on the main thread while
    it is open, which would break asyncio tests collected after it."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


ARTIFACTS = Path(__file__).parent.parent / "artifacts"


# -- throwaway certificates ---------------------------------------------------------------
# For the local servers (TLS for SMTP and IMAP, the timestamp authority's signing certificate),
# made with cryptography so that clients verify them for real.
Key = ec.EllipticCurvePrivateKey


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])


def _builder(subject: x509.Name, issuer: x509.Name, key: Key) -> x509.CertificateBuilder:
    now = datetime.datetime.now(datetime.UTC)
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
    )


def make_ca(common: str) -> tuple[Key, x509.Certificate]:
    """A self-signed CA that may sign certificates."""
    key = ec.generate_private_key(ec.SECP256R1())
    certificate = (
        _builder(_name(common), _name(common), key)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    return key, certificate


def issue(
    ca_key: Key,
    ca: x509.Certificate,
    common: str,
    extensions: list[tuple[x509.ExtensionType, bool]],
) -> tuple[Key, x509.Certificate]:
    """A new key and a certificate for it signed by the CA, with (extension, critical) pairs."""
    key = ec.generate_private_key(ec.SECP256R1())
    builder = _builder(_name(common), ca.subject, key)
    for extension, critical in extensions:
        builder = builder.add_extension(extension, critical=critical)
    return key, builder.sign(ca_key, hashes.SHA256())


def write_certificate(path: Path, certificate: x509.Certificate) -> Path:
    path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    return path


def write_key(path: Path, key: Key) -> Path:
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return path
