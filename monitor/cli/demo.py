"""`monitor demo`: the README's first command."""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

import click

from monitor.cli.base import cli, get_app, json_option
from monitor.cli.incidents import render_incidents
from monitor.demo import run as demo
from monitor.storage import incidents as incident_store


@cli.command("demo")
@json_option
@click.option(
    "--dir",
    "workdir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the throwaway database (default: a new temporary folder).",
)
@click.option("--serve", is_flag=True, help="Keep the demo sources up and keep collecting.")
@click.option("--port", type=int, default=0, help="Port for the demo sources (default: any).")
def demo_command(workdir: Path | None, serve: bool, port: int) -> None:
    """Run the service on fictional activists and local demo sources, then show incidents.

    Nothing outside the demo folder is touched: it has its own database and data key.

    Example:

        monitor demo
    """
    app = get_app()
    folder = workdir or Path(tempfile.mkdtemp(prefix="monitor-demo-"))
    folder.mkdir(parents=True, exist_ok=True)
    app.note(f"Demo folder: {folder}")
    if serve:
        app.note("Collecting every few seconds; Ctrl-C stops.")
    setup, report = asyncio.run(demo.run(folder, serve=serve, port=port))
    records = incident_store.list_incidents(setup.store)
    data = {
        "folder": str(folder),
        "activists": setup.activists,
        "collection": report.to_dict(),
        "incidents": [r.to_dict() for r in records],
    }

    def render() -> None:
        app.note(
            f"Collected {report.sources} demo source(s): {report.passes.new_items} item(s), "
            f"{report.passes.sightings} sighting(s)."
        )
        render_incidents(app, records)
        app.note("\nTo look around with the other commands:")
        for name, value in setup.environment().items():
            app.note(f"  export {name}={value}")
        app.note("  monitor incidents; monitor incident show 1; monitor source list")

    app.emit(data, render)
    setup.store.close()
