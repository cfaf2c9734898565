"""Collection cycles: which sources are due, who polls them, and what happens when one fails.

A worker leases due sources (on PostgreSQL with SKIP LOCKED, so several workers never poll the
same source), collects them under a global concurrency limit, hands the items to the pipeline,
and records each source's health. A failing source backs off exponentially (with jitter, so a
fleet of failing feeds does not retry in lockstep) and keeps its last error for `source list`;
it never stops the others. Fetching is asynchronous; database work runs in one worker thread so
the event loop keeps fetching meanwhile.
"""

from __future__ import annotations

import asyncio
import logging
import random
import socket
import time
import uuid
from collections.abc import Callable
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TypeVar

from monitor import db, registry
from monitor.errors import UserError
from monitor.image_watch import ImageWatch, IndexCache
from monitor.net import FetchError, HttpClient
from monitor.pipeline import PassReport, Pipeline
from monitor.registry import Collector, Item, SourceView
from monitor.storage import sources as source_store
from monitor.storage.sources import NextCheck, Outcome
from monitor.store import Store

log = logging.getLogger(__name__)

JITTER = 0.1
MAX_BACKOFF = timedelta(hours=24)
MIN_RETRY = timedelta(seconds=60)
FINISH_BATCH = 64


def next_check(
    now: datetime, every_seconds: int, failures: int, rng: random.Random | None = None
) -> datetime:
    """When to look again: the interval after a success, doubling per failure (capped).

    The jitter that spreads sources apart only ever shortens a healthy source's interval, so
    "every 10 minutes" is a promise that new items are seen within 10 minutes."""
    rng = rng or random.Random()
    if failures == 0:
        return now + timedelta(seconds=every_seconds) * rng.uniform(1 - JITTER, 1)
    grown = timedelta(seconds=every_seconds * 2 ** min(failures - 1, 16))
    delay = max(MIN_RETRY, min(MAX_BACKOFF, grown))
    return now + delay * rng.uniform(1 - JITTER, 1 + JITTER)


def worker_name() -> str:
    return f"{socket.gethostname()[:32]}-{uuid.uuid4().hex[:8]}"


@dataclass
class CycleReport:
    """Counts for one cycle: what a person or a metrics scraper wants to know."""

    sources: int = 0
    ok: int = 0
    not_modified: int = 0
    failed: int = 0
    passes: PassReport = field(default_factory=PassReport)
    errors: dict[int, str] = field(default_factory=dict)
    leased_elsewhere: int = 0

    def add(self, source: SourceView, result: SourceResult) -> None:
        self.sources += 1
        if not result.outcome.ok:
            self.failed += 1
            self.errors[source.id] = result.outcome.error or result.outcome.error_code or "error"
            return
        self.ok += 1
        self.not_modified += int(result.not_modified)
        if result.passed is not None:
            self.passes.add(result.passed)

    def to_dict(self) -> dict[str, object]:
        return {
            "sources": self.sources,
            "ok": self.ok,
            "not_modified": self.not_modified,
            "failed": self.failed,
            "items": self.passes.items,
            "new_items": self.passes.new_items,
            "sightings": self.passes.sightings,
            "incidents_created": self.passes.incidents_created,
            "alerts_queued": self.passes.alerts,
            "leased_elsewhere": self.leased_elsewhere,
            "errors": {str(k): v for k, v in sorted(self.errors.items())},
        }


@dataclass(frozen=True)
class SourceResult:
    outcome: Outcome
    passed: PassReport | None = None
    not_modified: bool = False


ProgressHook = Callable[[SourceView, SourceResult], None]
T = TypeVar("T")


class Scheduler:
    def __init__(
        self,
        store: Store,
        http: HttpClient,
        pipeline: Pipeline,
        *,
        worker: str | None = None,
        concurrency: int | None = None,
        collectors: dict[str, type[Collector]] | None = None,
        cpu: Executor | None = None,
        watch_images: bool = True,
        on_alerts: Callable[[], None] | None = None,
    ) -> None:
        self.store = store
        self.on_alerts = on_alerts
        self.cpu = cpu
        self.http = http
        self.pipeline = pipeline
        self.worker = worker or worker_name()
        self.concurrency = concurrency or store.config.collect_concurrency
        self.collectors = collectors if collectors is not None else registry.collectors()
        self.database = ThreadPoolExecutor(max_workers=1, thread_name_prefix="monitor-db")
        self.source_timeout = store.config.http_timeout * 4
        self.images = ImageWatch(http, cpu) if watch_images else None
        self.image_index = IndexCache(store)
        self.lease = timedelta(seconds=store.config.lease_seconds)
        self._flush_after = max(0.1, store.config.lease_seconds / 4)

    def close(self) -> None:
        self.database.shutdown(wait=True)

    async def _db(self, func: Callable[..., T], *args: object) -> T:
        return await asyncio.get_running_loop().run_in_executor(self.database, func, *args)

    async def run_cycle(
        self,
        *,
        every_source: bool = False,
        stop: asyncio.Event | None = None,
        progress: ProgressHook | None = None,
    ) -> CycleReport:
        """Collect every due source once (`every_source`: all of them), then return.

        Sources are claimed in batches and their outcomes recorded in batches, so the
        database sees a few transactions per batch rather than several per source.
        """
        report = CycleReport()
        stop = stop or asyncio.Event()
        since = await self._db(source_store.current_time, self.store) if every_source else None
        running: dict[asyncio.Task[SourceResult], SourceView] = {}
        finished_batch: list[tuple[int, Outcome, NextCheck]] = []
        oldest = 0.0  # when the oldest unrecorded outcome finished (monotonic)
        renewed = time.monotonic()
        try:
            while not stop.is_set():
                if len(running) <= self.concurrency // 2:
                    await self._fill(running, since)
                if not running:
                    break
                if time.monotonic() - renewed >= self._flush_after:
                    await self._renew(running)
                    renewed = time.monotonic()
                wait = self._flush_after
                if finished_batch:
                    wait = max(0.0, wait - (time.monotonic() - oldest))
                done, _ = await asyncio.wait(
                    running, timeout=wait, return_when=asyncio.FIRST_COMPLETED
                )
                for task in done:
                    source = running.pop(task)
                    result = task.result()
                    oldest = oldest if finished_batch else time.monotonic()
                    finished_batch.append((source.id, result.outcome, self._next(source)))
                    report.add(source, result)
                    if progress:
                        progress(source, result)
                if self._due_to_record(finished_batch, oldest, bool(running)):
                    await self._record(finished_batch)
        finally:
            await self._wind_down(finished_batch, running)
        if every_source:
            report.leased_elsewhere = await self._db(
                source_store.leased_elsewhere, self.store, self.worker, since
            )
        return report

    async def _wind_down(
        self,
        batch: list[tuple[int, Outcome, NextCheck]],
        running: dict[asyncio.Task[SourceResult], SourceView],
    ) -> None:
        """Record what finished and hand back the rest; if the database is gone, the leases
        simply expire and the sources are collected again (their items were not committed)."""
        try:
            await self._record(batch)
        except Exception as exc:
            if not db.unavailable(exc):
                raise
        finally:
            await self._abandon(running)

    def _due_to_record(
        self, batch: list[tuple[int, Outcome, NextCheck]], oldest: float, busy: bool
    ) -> bool:
        """Record outcomes in batches, but always well before the leases run out: an outcome
        recorded after its lease expired would let another worker poll the source again."""
        if not batch:
            return False
        stale = time.monotonic() - oldest >= self._flush_after
        return len(batch) >= FINISH_BATCH or stale or not busy

    async def _renew(self, running: dict[asyncio.Task[SourceResult], SourceView]) -> None:
        ids = [source.id for source in running.values()]
        await self._db(source_store.renew, self.store, ids, self.worker, self.lease)

    def _next(self, source: SourceView) -> NextCheck:
        rng = random.Random()
        every = source.every_seconds
        return lambda now, failures: next_check(now, every, failures, rng)

    async def _record(self, batch: list[tuple[int, Outcome, NextCheck]]) -> None:
        if batch:
            outcomes = list(batch)
            batch.clear()
            await self._db(source_store.finish_many, self.store, self.worker, outcomes)

    async def _fill(
        self, running: dict[asyncio.Task[SourceResult], SourceView], since: datetime | None
    ) -> None:
        room = self.concurrency - len(running)
        if room <= 0:
            return
        claimed = await self._db(self._claim, room, since)
        for source in claimed:
            running[asyncio.create_task(self._collect(source))] = source

    def _claim(self, room: int, since: datetime | None) -> list[SourceView]:
        return source_store.claim_due(
            self.store, self.worker, limit=room, lease=self.lease, checked_before=since
        )

    async def _abandon(self, running: dict[asyncio.Task[SourceResult], SourceView]) -> None:
        """On shutdown: stop what is in flight and hand its leases back at once."""
        for task in running:
            task.cancel()
        await asyncio.gather(*running, return_exceptions=True)
        ids = [source.id for source in running.values()]
        try:
            await self._db(source_store.release, self.store, ids, self.worker)
        except Exception as exc:
            if not db.unavailable(exc):
                raise

    async def _collect(self, source: SourceView) -> SourceResult:
        result = await self._fetch_and_process(source)
        log.info(
            "collected source_id=%d kind=%s ok=%s code=%s",
            source.id,
            source.kind,
            result.outcome.ok,
            result.outcome.error_code,
        )
        return result

    async def _record_pass(self, source: SourceView, items: list[Item]) -> PassReport:
        """Look at the images of the new items (if any photo is registered), then record
        the whole pass in one transaction."""
        if not items:
            return PassReport()
        report = None
        if self.images is not None and any(item.image_urls for item in items):
            registered = await self._db(self.image_index.get)
            if len(registered.index):
                fresh = await self._db(self.pipeline.unseen, source, items)
                report = await self.images.scan(source, fresh, registered)
        return await self._db(self.pipeline.process, source, items, report)

    async def _fetch_and_process(self, source: SourceView) -> SourceResult:
        collector_class = self.collectors.get(source.kind)
        if collector_class is None:
            return _failure("unknown_kind", f"no collector for {source.kind}")
        try:
            collected = await asyncio.wait_for(
                collector_class(self.http, self.cpu, self.store.config).collect(source),
                self.source_timeout,
            )
            passed = await self._record_pass(source, collected.items)
            if passed.alerts and self.on_alerts is not None:
                self.on_alerts()
        except FetchError as exc:
            return _failure(exc.code, str(exc))
        except TimeoutError:
            return _failure("timeout", f"collection took longer than {self.source_timeout:.0f} s")
        except UserError as exc:
            return _failure(exc.code, exc.message)
        except Exception as exc:  # a bug or a hostile input must not stop the other sources
            if db.unavailable(exc):
                raise  # not this source's fault: the cycle stops and waits for the database
            log.error("source_id=%d failed: %s", source.id, type(exc).__name__)
            log.debug("source_id=%d traceback", source.id, exc_info=True)
            return _failure("internal", f"internal error ({type(exc).__name__})")
        outcome = Outcome(
            True,
            error_code=None,
            etag=collected.etag,
            last_modified=collected.last_modified,
            state=dict(collected.state),
        )
        return SourceResult(outcome, passed, collected.not_modified)


def _failure(code: str, message: str) -> SourceResult:
    return SourceResult(Outcome(False, error_code=code, error=message))
