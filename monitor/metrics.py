"""The Prometheus exposition of `monitor.storage.status.Status` (counts only).

Built with prometheus_client's collector API so the text format is the library's, not ours.
"""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from monitor.storage.status import Status


class _StatusCollector(Collector):
    def __init__(self, status: Status) -> None:
        self.status = status

    def collect(self) -> Iterator[GaugeMetricFamily]:
        s = self.status
        yield _gauge("monitor_sources", "Sources registered.", s.sources)
        yield _gauge(
            "monitor_sources_failing", "Sources whose last check failed.", s.sources_failing
        )
        yield _gauge("monitor_sources_due", "Enabled sources due for a check now.", s.sources_due)
        yield _gauge(
            "monitor_sources_leased", "Sources being checked by a worker.", s.sources_leased
        )
        alerts = GaugeMetricFamily(
            "monitor_alerts", "Alerts in the outbox by status.", labels=["status"]
        )
        for status in ("pending", "held", "sent", "failed"):
            alerts.add_metric([status], s.alerts.get(status, 0))
        yield alerts
        yield _gauge(
            "monitor_alert_oldest_pending_seconds",
            "Age of the oldest undelivered alert.",
            s.oldest_pending_alert_seconds or 0.0,
        )
        yield _gauge("monitor_incidents_open", "Incidents not yet resolved.", s.incidents_open)
        yield _gauge("monitor_incidents", "Incidents recorded.", s.incidents)
        yield _gauge("monitor_captures", "Evidence captures stored.", s.captures)
        yield _gauge(
            "monitor_workers_alive", "Workers seen recently.", sum(w.alive for w in s.workers)
        )
        last = s.last_cycle_at
        yield _gauge(
            "monitor_last_cycle_timestamp_seconds",
            "When a collection cycle last finished (Unix time).",
            last.timestamp() if last else 0.0,
        )
        counters = GaugeMetricFamily("monitor_counter", "Named counters.", labels=["name"])
        for name, value in sorted(s.counters.items()):
            counters.add_metric([name], value)
        yield counters


def _gauge(name: str, documentation: str, value: float) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, documentation, value=value)


def exposition(status: Status) -> bytes:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_StatusCollector(status))
    return generate_latest(registry)
