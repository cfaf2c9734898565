"""The composition root: wires store, HTTP client, matcher, pipeline and scheduler together.

Only this module and `monitor.cli` load plug-ins and start long-running loops. SIGINT and
SIGTERM set a stop event: the current cycle hands back its leases and the process exits
cleanly, with every committed item kept and nothing half-written.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import os
import signal
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ProcessPoolExecutor

from alerts.outbox import Dispatcher, DispatchReport
from monitor import db, registry
from monitor.net import HttpClient
from monitor.pipeline import MatcherCache, Pipeline
from monitor.registry import Channel
from monitor.scheduler import CycleReport, ProgressHook, Scheduler
from monitor.storage import outbox, status
from monitor.storage import sources as source_store
from monitor.store import Store
from monitor.web import app as web_app

log = logging.getLogger(__name__)
IDLE_SECONDS = 5.0
MIN_PAUSE = 0.05


def parse_pool(workers: int) -> ProcessPoolExecutor | None:
    """Worker processes for CPU-heavy parsing; they start only when first used, ignore
    Ctrl-C (the parent shuts them down), and come from a clean fork server."""
    count = (os.cpu_count() or 1) if workers == 0 else workers
    if count <= 0:
        return None
    return ProcessPoolExecutor(
        max_workers=count,
        mp_context=multiprocessing.get_context("forkserver"),
        initializer=signal.signal,
        initargs=(signal.SIGINT, signal.SIG_IGN),
    )


@contextlib.asynccontextmanager
async def collection(store: Store, *, concurrency: int | None = None) -> AsyncIterator[Scheduler]:
    pool = parse_pool(store.config.parse_workers)
    async with HttpClient(store.config) as http:
        pipeline = Pipeline(store, MatcherCache(store), alert=outbox.enqueue)
        scheduler = Scheduler(store, http, pipeline, concurrency=concurrency, cpu=pool)
        try:
            yield scheduler
        finally:
            scheduler.close()
            if pool is not None:
                pool.shutdown(wait=True, cancel_futures=True)


def stop_on_signals(stop: asyncio.Event) -> Callable[[], None]:
    """Set `stop` on SIGINT/SIGTERM; returns a function that restores the old handlers."""
    loop = asyncio.get_running_loop()
    installed = []
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop.add_signal_handler(sig, stop.set)
            installed.append(sig)

    def restore() -> None:
        for sig in installed:
            loop.remove_signal_handler(sig)

    return restore


async def collect(
    store: Store,
    *,
    once: bool,
    every_source: bool = False,
    concurrency: int | None = None,
    progress: ProgressHook | None = None,
    on_cycle: Callable[[CycleReport], None] | None = None,
) -> CycleReport:
    """Run collection cycles until stopped (or one, with `once`); returns the last report."""
    stop = asyncio.Event()
    restore = stop_on_signals(stop)
    report = CycleReport()
    try:
        async with collection(store, concurrency=concurrency) as scheduler:
            while True:
                report = await scheduler.run_cycle(
                    every_source=every_source, stop=stop, progress=progress
                )
                if on_cycle:
                    on_cycle(report)
                if once or stop.is_set():
                    return report
                every_source = False
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), IDLE_SECONDS)
                if stop.is_set():
                    return report
    finally:
        restore()


@contextlib.asynccontextmanager
async def dispatching(store: Store) -> AsyncIterator[Dispatcher]:
    """A dispatcher with every installed channel, each on the right HTTP client."""
    async with (
        HttpClient(store.config, allow_private=True) as trusted,
        HttpClient(store.config) as public,
    ):
        channels: dict[str, Channel] = {
            kind: cls(store.config, public if cls.user_supplied_url else trusted)
            for kind, cls in registry.channels().items()
        }
        dispatcher = Dispatcher(store, channels)
        try:
            yield dispatcher
        finally:
            dispatcher.close()


async def dispatch(store: Store, *, once: bool) -> DispatchReport:
    """Deliver due alerts once, or keep delivering until stopped."""
    stop = asyncio.Event()
    restore = stop_on_signals(stop)
    try:
        async with dispatching(store) as dispatcher:
            if once:
                return await dispatcher.run_once()
            await dispatcher.run_forever(stop)
            return DispatchReport()
    finally:
        restore()


async def run(
    open_store: Callable[[], Store], *, idle: float = IDLE_SECONDS, serve: bool = True
) -> None:
    """The long-running service until stopped: collection, alert delivery and (unless `serve`
    is off) the web interface, side by side on one event loop, once `open_store` succeeds.
    Signals are taken over only then: until the store is open (a passphrase prompt, a database
    still starting) Ctrl-C and SIGTERM end the process as usual, with nothing to hand back."""
    store = await open_when_reachable(open_store)
    stop = asyncio.Event()
    restore = stop_on_signals(stop)
    server = None
    try:
        server = await web_app.start(store) if serve else None
        async with collection(store) as scheduler, dispatching(store) as dispatcher:
            scheduler.on_alerts = dispatcher.nudge
            await asyncio.gather(
                _collect_forever(scheduler, stop, idle), dispatcher.run_forever(stop)
            )
    finally:
        if server is not None:
            await server.stop()
        restore()


async def open_when_reachable(open_store: Callable[[], Store]) -> Store:
    """The store, once its database can be reached. A service started while its database
    restarts waits for it, as it does when the database goes away later, instead of exiting (a
    supervisor restarting it in a loop would only add noise). A database that cannot be opened
    as configured is no outage (`db.unavailable`): that error goes up at once."""
    outage = Outage("start")
    never = asyncio.Event()  # only a signal, which ends the process, stops this wait
    while True:
        try:
            store = open_store()
        except Exception as exc:
            if not db.unavailable(exc):
                raise
            await outage.wait(never, exc)
            continue
        outage.over()
        return store


async def _collect_forever(scheduler: Scheduler, stop: asyncio.Event, idle: float) -> None:
    outage = Outage("collection")
    while not stop.is_set():
        try:
            await asyncio.to_thread(status.heartbeat, scheduler.store, scheduler.worker)
            await scheduler.run_cycle(stop=stop)
            await asyncio.to_thread(
                status.heartbeat, scheduler.store, scheduler.worker, cycle_done=True
            )
            pause = await _pause(scheduler.store, idle)
            outage.over()
        except Exception as exc:
            if not db.unavailable(exc):
                raise
            await outage.wait(stop, exc)
            continue
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), pause)


async def _pause(store: Store, idle: float) -> float:
    """Sleep until the next source falls due, but at most `idle` (so sources added meanwhile,
    or freed by a dead worker, are picked up soon): waking on time is what keeps the delay from
    a new item to its alert close to the source's interval."""
    until_due = await asyncio.to_thread(source_store.seconds_until_due, store)
    return idle if until_due is None else min(idle, max(MIN_PAUSE, until_due))


class Outage:
    """Waiting out an unreachable database: say so once, retry with growing pauses."""

    FIRST = 1.0
    LONGEST = 30.0

    def __init__(self, what: str) -> None:
        self.what = what
        self.pause = 0.0

    async def wait(self, stop: asyncio.Event, exc: BaseException) -> None:
        if not self.pause:
            log.error("%s: database unavailable (%s); retrying", self.what, db.reason(exc))
        self.pause = min(self.LONGEST, self.pause * 2 or self.FIRST)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), self.pause)

    def over(self) -> None:
        if self.pause:
            log.warning("%s: database reachable again", self.what)
        self.pause = 0.0
