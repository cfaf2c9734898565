"""The fault suite's world: a private PostgreSQL cluster the tests may restart, a farm of slow
feeds whose ground truth is known, real `monitor run` workers to kill, and a webhook that
records every delivery.

The cluster is made with initdb (as the `postgres` user when the tests run as root) on a free
port in a temporary folder, so restarting it never disturbs any other database on the machine.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
import pytest
from aiohttp import web as aioweb

from tests.conftest import Cli
from tests.support.localweb import LocalWeb

PG_BIN = Path("/usr/lib/postgresql")
LEASE_SECONDS = 6
NAME = "Gülnarə Mehdiyeva"
WORDS = (
    "dağ çay bulud kitab pəncərə qapı yol şəhər kənd bazar məktəb xəstəxana körpü dəniz "
    "ağac günəş ay ulduz qum daş dəmir taxta kağız qələm stol stul çiçək yarpaq budaq kök "
    "meyvə alma armud üzüm nar heyva qoz fındıq badam çörək pendir yağ bal süd çay qəhvə"
).split()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Cluster:
    """A private PostgreSQL server: `url(db)`, `restart()`, `stop()`."""

    folder: Path
    port: int

    @property
    def data(self) -> Path:
        return self.folder / "data"

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def ctl(self, *args: str) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        command = [str(_bin("pg_ctl")), "-D", str(self.data), "-l", str(self.folder / "log")]
        _as_postgres([*command, "-o", options, "-w", *args])

    def restart(self) -> None:
        self.ctl("restart", "-m", "fast")

    def new_database(self) -> str:
        name = f"faults_{random.randrange(10**9)}"
        with psycopg.connect(self.url(), autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)


def _bin(name: str) -> Path:
    versions = sorted(PG_BIN.glob("*/bin"))
    if not versions:
        pytest.skip("PostgreSQL server binaries are not installed")
    return versions[-1] / name


def _as_postgres(command: list[str]) -> None:
    if os.geteuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    subprocess.run(command, check=True, capture_output=True, timeout=120)


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    folder = Path(tempfile.mkdtemp(prefix="monitor-pg-"))
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    server = Cluster(folder, free_port())
    _as_postgres(
        [str(_bin("initdb")), "-D", str(server.data), "-A", "trust", "-U", "postgres",
         "-E", "UTF8", "--no-sync"]
    )  # fmt: skip
    server.ctl("start")
    try:
        yield server
    finally:
        server.ctl("stop", "-m", "immediate")
        shutil.rmtree(folder, ignore_errors=True)


@dataclass
class FeedFarm:
    """Feeds of distinct stories, a known share naming the registered activist, answered
    slowly so that a cycle lasts long enough to be interrupted."""

    web: LocalWeb
    feeds: int = 24
    items: int = 6
    mention_every: int = 3
    delay: float = 0.15
    urls: list[str] = field(default_factory=list)

    def start(self) -> FeedFarm:
        rng = random.Random(4)
        for n in range(self.feeds):
            body = self._feed(n, rng)

            async def slow(request: aioweb.Request, body: str = body) -> aioweb.Response:
                await asyncio.sleep(self.delay)
                return aioweb.Response(text=body, content_type="application/rss+xml")

            self.urls.append(self.web.handle(f"/farm/{n}.xml", slow))
        return self

    def _feed(self, n: int, rng: random.Random) -> str:
        entries = []
        for i in range(self.items):
            story = " ".join(rng.choice(WORDS) for _ in range(14))
            named = (n * self.items + i) % self.mention_every == 0
            text = f"Xain qrantyeyən {NAME} yenə. {story}." if named else f"Hava. {story}."
            entries.append(
                f"<item><title>Xəbər {n}-{i}</title><link>https://farm.example/{n}/{i}</link>"
                f"<guid>{n}-{i}</guid><description>{text}</description></item>"
            )
        return f'<rss version="2.0"><channel><title>f{n}</title>{"".join(entries)}</channel></rss>'

    @property
    def expected_sightings(self) -> int:
        return sum(1 for k in range(self.feeds * self.items) if k % self.mention_every == 0)


class Webhook:
    """Records deliveries by idempotency key; `down` makes it answer 503."""

    def __init__(self, web: LocalWeb) -> None:
        self.accepted: Counter[str] = Counter()
        self.refused = 0
        self.down = False
        self.url = web.handle("/hook", self._receive)

    async def _receive(self, request: aioweb.Request) -> aioweb.Response:
        if self.down:
            self.refused += 1
            return aioweb.Response(status=503)
        self.accepted[request.headers["Idempotency-Key"]] += 1
        return aioweb.json_response({"ok": True})


def libfaketime() -> str:
    found = sorted(Path("/usr/lib").glob("*/faketime/libfaketime.so.1"))
    if not found:
        pytest.skip("libfaketime is not installed (scripts/setup-system.sh installs it)")
    return str(found[0])


class Worker:
    """A `monitor run --no-web` process (or another long-running command, `command`), its clock
    optionally skewed with libfaketime (preloaded into the worker itself, so signals reach it
    directly)."""

    def __init__(
        self, db: str, *, skew: str | None = None, command: tuple[str, ...] = ("run", "--no-web")
    ) -> None:
        command = (sys.executable, "-m", "monitor", "--db", db, *command)
        env = os.environ.copy()
        if skew:
            env.update(LD_PRELOAD=libfaketime(), FAKETIME=skew, FAKETIME_DONT_FAKE_MONOTONIC="1")
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 (lives as long as the worker)
        self.process = subprocess.Popen(
            command, env=env, stdout=subprocess.DEVNULL, stderr=self.log
        )

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> str:
        """Stop it the way an operator would (SIGTERM); returns what it logged."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        return self.logged()

    def logged(self) -> str:
        """What it has logged so far. Read with pread: the worker writes through the same
        open file, so moving its offset would make it overwrite its own log."""
        fd = self.log.fileno()
        return os.pread(fd, os.fstat(fd).st_size, 0).decode(errors="replace")

    @property
    def alive(self) -> bool:
        return self.process.poll() is None


@pytest.fixture
def fault_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Short leases and retries so a killed worker's work is taken over within seconds."""
    monkeypatch.setenv("MONITOR_LEASE_SECONDS", str(LEASE_SECONDS))
    monkeypatch.setenv("MONITOR_COLLECT_CONCURRENCY", "4")
    monkeypatch.setenv("MONITOR_ALERT_RETRY_SECONDS", "0.5")
    monkeypatch.setenv("MONITOR_PARSE_WORKERS", "-1")
    monkeypatch.setenv("MONITOR_LOG_LEVEL", "WARNING")


@dataclass
class Truth:
    """What the database holds, in numbers."""

    incidents: int
    sightings: int
    alerts: int
    alerts_sent: int
    captures: int
    chain_ok: bool

    @classmethod
    def read(cls, cli: Cli) -> Truth:
        incidents = cli.json("incidents")
        alerts = cli.json("alerts")
        store = (
            json.loads(cli("verify", "--store", "--json").stdout)
            if incidents
            else {"ok": True, "captures": 0, "problems": []}
        )
        assert store["ok"], store["problems"][:5]
        return cls(
            incidents=len(incidents),
            sightings=sum(i["sightings"] for i in incidents),
            alerts=len(alerts),
            alerts_sent=sum(1 for a in alerts if a["status"] == "sent"),
            captures=store["captures"],
            chain_ok=store["ok"],
        )


def wait_until(check: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}")


def report(capsys: pytest.CaptureFixture[str], name: str, **counts: Any) -> None:
    """Print a test's counts to the real stdout, so CI logs show them."""
    with capsys.disabled():
        print(f"\n[faults] {name}: {json.dumps(counts, sort_keys=True)}")
