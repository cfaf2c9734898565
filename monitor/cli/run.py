"""`monitor run`: the long-running service."""

from __future__ import annotations

import asyncio

from monitor import service
from monitor.cli.base import cli, command_options, get_app


@cli.command("run")
@command_options
def run_command() -> None:
    """Run the service: collect due sources and deliver alerts until interrupted.

    Ctrl-C or SIGTERM stops it cleanly: leases are handed back and nothing is half-written.

    Example:

        monitor run
    """
    app = get_app()
    app.note("Running: collecting and delivering alerts. Ctrl-C stops.")
    asyncio.run(service.run(app.store()))
