"""`monitor demo`: the whole pipeline on fictional data, with nothing to set up.

A local server publishes the demo's hostile and neutral sources; a throwaway database (with
its own key, in a fresh folder) gets the fictional activists and those sources; one collection
pass runs; the incident log is shown. With `serve`, the sources stay up and the whole service
runs (collection, alert delivery and the web interface, with a demo admin account) until
interrupted, so a newcomer can explore in the browser and with the other commands.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import secrets
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path

from aiohttp import web

from monitor import config as config_module
from monitor import registry, service
from monitor.activists import RegistrationInput, validate
from monitor.demo import server
from monitor.scheduler import CycleReport
from monitor.storage import activists as activist_store
from monitor.storage import sources as source_store
from monitor.storage import users as user_store
from monitor.store import Store, initialise
from monitor.web import passwords

ADMIN = "demo-admin"


@dataclass(frozen=True)
class DemoSetup:
    store: Store
    workdir: Path
    activists: dict[str, int]
    base_url: str

    def environment(self) -> dict[str, str]:
        """What to export to run other `monitor` commands against the demo database."""
        return {
            "MONITOR_DB": str(self.workdir / "demo.db"),
            "MONITOR_CONFIG_DIR": str(self.workdir / "config"),
            "MONITOR_ALLOW_PRIVATE_ADDRESSES": "1",
        }


@contextlib.asynccontextmanager
async def demo_sources(port: int = 0) -> AsyncIterator[str]:
    """Serve the demo data on 127.0.0.1; yields the base URL."""
    runner = web.AppRunner(server.app(), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", port)
    await site.start()
    try:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}"
    finally:
        await runner.cleanup()


def set_up(workdir: Path, base_url: str, web_port: int = 0) -> DemoSetup:
    """A fresh database in `workdir` with the demo activists and sources registered."""
    settings = config_module.load(
        overrides={
            "db": str(workdir / "demo.db"),
            "config_dir": str(workdir / "config"),
            "data_dir": str(workdir),
            "allow_private_addresses": True,
            "web_port": web_port,
        }
    )
    store, _ = initialise(settings)
    people = json.loads((server.DATA / "activists.json").read_text(encoding="utf-8"))
    ids = {person["key"]: _register(store, person) for person in people}
    for kind, path in server.source_paths():
        collector = registry.collector(kind)
        target = collector.validate_target(base_url + path)
        source_store.add(
            store, source_store.NewSource(kind, target, collector.default_every, name=path)
        )
    return DemoSetup(store, workdir, ids, base_url)


def _register(store: Store, person: dict[str, object]) -> int:
    def values(key: str) -> tuple[str, ...]:
        return tuple(str(v) for v in person.get(key, []))  # type: ignore[attr-defined]

    raw = RegistrationInput(
        name=str(person["name"]),
        aliases=values("aliases"),
        nicknames=values("nicknames"),
        handles=values("handles"),
        emails=values("emails"),
        phones=values("phones"),
        domains=values("domains"),
        lang=str(person.get("lang", "en")),
    )
    return activist_store.add(store, validate(raw))


def demo_admin(store: Store) -> tuple[str, str]:
    """An admin account for the demo's web interface, with a fresh random password (the
    demo database is throwaway, but a fixed password would still be a bad habit to teach)."""
    password = secrets.token_urlsafe(12)
    user_store.add(store, ADMIN, passwords.hash_password(password), "admin")
    return ADMIN, password


async def run(
    workdir: Path,
    *,
    port: int = 0,
    web_port: int | None = None,
    on_collected: Callable[[DemoSetup, CycleReport], None] | None = None,
) -> tuple[DemoSetup, CycleReport]:
    """Set up and collect once. With `web_port`, then run the whole service (collection,
    alerts, the web interface on that port) until stopped, while the demo sources stay up;
    `on_collected` sees the first pass before that."""
    async with demo_sources(port) as base_url:
        setup = await asyncio.to_thread(set_up, workdir, base_url, web_port or 0)
        report = await service.collect(setup.store, once=True, every_source=True)
        if on_collected is not None:
            on_collected(setup, report)
        if web_port is not None:
            await service.run(lambda: setup.store)
        return setup, report
