"""`monitor demo`: the README's first command."""

from __future__ import annotations

import asyncio
import logging
import os
import tempfile
from pathlib import Path

import click

from monitor.cli.base import App, cli, get_app, json_option
from monitor.cli.incidents import render_incidents
from monitor.demo import run as demo
from monitor.demo.run import DemoSetup
from monitor.errors import InvalidInput
from monitor.scheduler import CycleReport
from monitor.storage import incidents as incident_store
from monitor.storage.incidents import IncidentRecord


@cli.command("demo")
@json_option
@click.option(
    "--dir",
    "workdir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the throwaway database (default: a new temporary folder).",
)
@click.option(
    "--serve",
    is_flag=True,
    help="Then keep running the whole service (collection, alerts, web interface) until Ctrl-C.",
)
@click.option("--port", type=int, default=0, help="Port for the demo sources (default: any).")
@click.option(
    "--web-port", type=int, default=8080, show_default=True, help="Web interface port (--serve)."
)
def demo_command(workdir: Path | None, serve: bool, port: int, web_port: int) -> None:
    """Run the service on fictional activists and local demo sources, then show incidents.

    Nothing outside the demo folder is touched: it has its own database and data key. With
    --serve the service keeps running, and the web interface is open to a demo admin account
    whose password is printed.

    Example:

        monitor demo
        monitor demo --serve --web-port 8080
    """
    app = get_app()
    if not (serve or app.debug or "MONITOR_LOG_LEVEL" in os.environ):
        # One pass ends in a summary and the incident log; a line per source would bury them.
        logging.getLogger().setLevel(logging.WARNING)
    folder = workdir or Path(tempfile.mkdtemp(prefix="monitor-demo-"))
    folder.mkdir(parents=True, exist_ok=True)
    app.note(f"Demo folder: {folder}")

    def show(setup: DemoSetup, report: CycleReport) -> None:
        records = incident_store.list_incidents(setup.store)
        data = {
            "folder": str(folder),
            "activists": setup.activists,
            "collection": report.to_dict(),
            "incidents": [r.to_dict() for r in records],
        }
        if serve:
            user, password = demo.demo_admin(setup.store)
            data["web"] = {"url": f"http://127.0.0.1:{web_port}/", "user": user}
        app.emit(data, lambda: _render(app, setup, report, records))
        if serve:
            app.note(f"\nWeb interface: http://127.0.0.1:{web_port}/")
            app.note(f"  sign in as {user} with password {password}")
            app.note("Collecting and delivering alerts; Ctrl-C stops.")

    try:
        setup, _ = asyncio.run(
            demo.run(folder, port=port, web_port=web_port if serve else None, on_collected=show)
        )
    except OSError as exc:
        raise InvalidInput(f"Could not serve the web interface ({exc}); try --web-port.") from exc
    setup.store.close()


def _render(app: App, setup: DemoSetup, report: CycleReport, records: list[IncidentRecord]) -> None:
    app.note(
        f"Collected {report.sources} demo source(s): {report.passes.new_items} item(s), "
        f"{report.passes.sightings} sighting(s)."
    )
    render_incidents(app, records)
    app.note("\nTo look around with the other commands:")
    for name, value in setup.environment().items():
        app.note(f"  export {name}={value}")
    app.note("  monitor incidents; monitor incident show 1; monitor source list")
