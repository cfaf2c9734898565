"""`monitor run`: the long-running service."""

from __future__ import annotations

import asyncio

import click

from monitor import service
from monitor.cli.base import cli, command_options, get_app


@cli.command("run")
@command_options
@click.option("--no-web", is_flag=True, help="Do not serve the web interface from this process.")
def run_command(no_web: bool) -> None:
    """Run the service: collect due sources, deliver alerts and serve the web interface
    (web_host:web_port) until interrupted. Several workers may share one PostgreSQL database:
    give all but one --no-web.

    Ctrl-C or SIGTERM stops it cleanly: leases are handed back and nothing is half-written.

    Example:

        monitor run
    """
    app = get_app()
    app.note("Running: collecting, delivering alerts" + ("" if no_web else ", serving") + ".")
    asyncio.run(service.run(app.store, serve=not no_web))
