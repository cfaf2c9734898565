"""Running one collector against the local web server, without the database."""

from __future__ import annotations

from monitor import config as config_module
from monitor.config import Config
from monitor.net import HttpClient
from monitor.registry import Collected, Collector, SourceView


def config(**overrides: object) -> Config:
    """Settings for a collector or channel under test: the test's environment (MONITOR_*
    variables it set) with private addresses allowed and a short timeout, then `overrides`."""
    values: dict[str, object] = {"allow_private_addresses": True, "http_timeout": 5.0}
    values.update(overrides)
    return config_module.load(overrides=values)


async def collect(
    collector: type[Collector],
    target: str,
    *,
    source_id: int = 1,
    settings: dict[str, object] | None = None,
    **view: object,
) -> Collected:
    cfg = config(**(settings or {}))
    async with HttpClient(cfg) as http:
        source = SourceView(id=source_id, kind=collector.kind, target=target, **view)  # type: ignore[arg-type]
        return await collector(http, config=cfg).collect(source)
