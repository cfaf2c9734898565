"""The outbox dispatcher: delivers due alerts, retries with backoff, survives restarts.

Each due alert (or each subscription's batch held over quiet hours, sent as one digest) is
delivered concurrently under a per-channel limit and a timeout, so a slow or broken channel
never holds up another. A failure is retried with exponential backoff up to
`alert_max_attempts`, then marked `failed` (listed by `monitor alerts`, retried on request).

Delivery is at least once: an alert is marked sent only after the channel accepted it, so a
crash between the two sends it again after the lease expires, with the same idempotency key
(webhook Idempotency-Key, Matrix transaction id, email Message-ID, ntfy message id), which
lets the receiving side drop the repeat.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections import defaultdict
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TypeVar

from alerts import message as text
from monitor import db
from monitor.registry import AlertMessage, Channel, ChannelError, Destination
from monitor.scheduler import worker_name
from monitor.storage import outbox
from monitor.storage.outbox import Claimed
from monitor.store import Store
from playbooks.loader import default_library

log = logging.getLogger(__name__)
PER_CHANNEL = 4
T = TypeVar("T")


@dataclass
class DispatchReport:
    sent: int = 0
    failed_attempts: int = 0
    digests: int = 0
    errors: dict[int, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, object]:
        return {
            "sent": self.sent,
            "failed_attempts": self.failed_attempts,
            "digests": self.digests,
            "errors": {str(k): v for k, v in sorted(self.errors.items())},
        }


def facts(alert: Claimed) -> text.AlertFacts:
    """What the message may say about a claimed alert (and the playbook to follow)."""
    playbooks = default_library().for_incident(alert.kind, alert.signals, text.language(alert.lang))
    playbook = playbooks[0] if playbooks else None
    return text.AlertFacts(
        key=alert.key,
        kind=alert.kind,
        severity=alert.severity,
        reason=alert.reason,
        incident_id=alert.incident_id,
        created_at=alert.created_at,
        playbook_id=playbook.id if playbook else None,
        playbook_title=playbook.title if playbook else None,
    )


def compose(group: list[Claimed], base_url: str) -> AlertMessage:
    """One alert's message, or a digest for several held for the same subscription."""
    messages = [text.build(facts(alert), alert.lang, base_url) for alert in group]
    if len(messages) == 1:
        return messages[0]
    digest_key = (
        "digest:"
        + hashlib.sha256("\n".join(sorted(a.key for a in group)).encode()).hexdigest()[:32]
    )
    return text.digest(digest_key, messages, group[0].lang)


class Dispatcher:
    def __init__(
        self,
        store: Store,
        channels: Mapping[str, Channel],
        *,
        worker: str | None = None,
        batch: int = 100,
    ) -> None:
        self.store = store
        self.channels = channels
        self.worker = worker or worker_name()
        self.batch = batch
        self.lease = timedelta(seconds=store.config.lease_seconds)
        self.limits: dict[str, asyncio.Semaphore] = defaultdict(
            lambda: asyncio.Semaphore(PER_CHANNEL)
        )
        self.database = ThreadPoolExecutor(max_workers=1, thread_name_prefix="monitor-outbox")
        self._nudged = asyncio.Event()

    def close(self) -> None:
        self.database.shutdown(wait=True)

    async def _db(self, func: Callable[..., T], *args: object, **kwargs: object) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.database, lambda: func(*args, **kwargs))

    async def run_once(self) -> DispatchReport:
        """Deliver everything due now, batch after batch, then return."""
        report = DispatchReport()
        while True:
            claimed = await self._db(
                outbox.claim, self.store, self.worker, limit=self.batch, lease=self.lease
            )
            if not claimed:
                return report
            await asyncio.gather(*(self._deliver(g, report) for g in _groups(claimed)))

    def nudge(self) -> None:
        """New alerts were just queued (by collection in this process): deliver now rather
        than at the next poll."""
        self._nudged.set()

    async def run_forever(self, stop: asyncio.Event, interval: float = 2.0) -> None:
        """Deliver until stopped; an unreachable database pauses delivery, it does not end it
        (a delivery the database could not record is sent again later with the same key)."""
        pause = 0.0
        while not stop.is_set():
            self._nudged.clear()
            try:
                await self.run_once()
                pause = 0.0
            except Exception as exc:
                if not db.unavailable(exc):
                    raise
                if not pause:
                    log.error("alerts: database unavailable (%s); retrying", type(exc).__name__)
                pause = min(30.0, pause * 2 or 1.0)
            await self._sleep(stop, pause or interval)

    async def _sleep(self, stop: asyncio.Event, seconds: float) -> None:
        """Wait for the next poll, a nudge, or the stop signal, whichever comes first."""
        waiters = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(self._nudged.wait())]
        _, pending = await asyncio.wait(
            waiters, timeout=seconds, return_when=asyncio.FIRST_COMPLETED
        )
        for waiter in pending:
            waiter.cancel()

    async def _deliver(self, group: list[Claimed], report: DispatchReport) -> None:
        ids = [a.id for a in group]
        first = group[0]
        channel = self.channels.get(first.channel)
        if channel is None:
            await self._failed(ids, f"channel {first.channel} is not available", False, report)
            return
        message = compose(group, self.store.config.base_url)
        destination = Destination(first.destination, first.secret)
        try:
            async with self.limits[first.channel]:
                await asyncio.wait_for(
                    channel.send(message, destination), self.store.config.alert_timeout
                )
        except ChannelError as exc:
            await self._failed(ids, exc.message, exc.retryable, report)
            return
        except TimeoutError:
            await self._failed(ids, f"{first.channel}: timed out", True, report)
            return
        except Exception as exc:  # a bug in one channel must not stop the others
            log.error("alert delivery crashed channel=%s: %s", first.channel, type(exc).__name__)
            await self._failed(ids, f"{first.channel}: internal error", True, report)
            return
        digest_key = message.key if len(group) > 1 else None
        await self._db(outbox.mark_sent, self.store, ids, self.worker, digest_key)
        report.sent += len(ids)
        report.digests += int(digest_key is not None)
        log.info("alert sent ids=%s channel=%s", ids, first.channel)

    async def _failed(
        self, ids: list[int], error: str, retryable: bool, report: DispatchReport
    ) -> None:
        await self._db(
            outbox.mark_failed_attempt,
            self.store,
            ids,
            self.worker,
            error,
            retryable=retryable,
            max_attempts=self.store.config.alert_max_attempts,
            first_delay=timedelta(seconds=self.store.config.alert_retry_seconds),
        )
        report.failed_attempts += len(ids)
        for alert_id in ids:
            report.errors[alert_id] = error
        log.warning("alert delivery failed ids=%s retryable=%s", ids, retryable)


def _groups(claimed: list[Claimed]) -> list[list[Claimed]]:
    """Pending alerts go one by one; held ones together per subscription (a digest)."""
    held: dict[int, list[Claimed]] = defaultdict(list)
    groups = []
    for alert in claimed:
        if alert.status == "held":
            held[alert.subscription_id].append(alert)
        else:
            groups.append([alert])
    return groups + list(held.values())
