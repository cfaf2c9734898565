"""`monitor demo`: the whole pipeline on fictional data, with nothing to set up.

A local server publishes the demo's hostile and neutral sources; a throwaway database (with
its own key, in a fresh folder) gets the fictional activists and those sources; one collection
pass runs; the incident log is shown. With `serve`, the sources stay up and collection keeps
running until interrupted, so a newcomer can explore with the other commands.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
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
from monitor.store import Store, initialise


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


def set_up(workdir: Path, base_url: str) -> DemoSetup:
    """A fresh database in `workdir` with the demo activists and sources registered."""
    settings = config_module.load(
        overrides={
            "db": str(workdir / "demo.db"),
            "config_dir": str(workdir / "config"),
            "data_dir": str(workdir),
            "allow_private_addresses": True,
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


async def run(workdir: Path, *, serve: bool, port: int = 0) -> tuple[DemoSetup, CycleReport]:
    """Set up, collect once; with `serve`, keep collecting until interrupted."""
    async with demo_sources(port) as base_url:
        setup = await asyncio.to_thread(set_up, workdir, base_url)
        report = await service.collect(setup.store, once=not serve, every_source=True)
        return setup, report
