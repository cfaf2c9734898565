"""`monitor canary ...`: tripwire URLs and decoy documents."""

from __future__ import annotations

from pathlib import Path

import click
from rich.table import Table

from monitor import canaries
from monitor.cli.base import cli, command_options, get_app, json_option
from monitor.storage import canaries as canary_store


@cli.group("canary")
def canary_group() -> None:
    """Canary tokens: a URL nobody legitimate opens; any hit is a critical incident."""


@canary_group.command("new")
@command_options
@json_option
@click.option("--activist", "activist_id", type=int, required=True, help="Whose files.")
@click.option("--label", required=True, help="The decoy's title, e.g. 'Gmail recovery codes'.")
@click.option(
    "--out",
    "folder",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="Folder to write the decoy documents to.",
)
def new_command(activist_id: int, label: str, folder: Path) -> None:
    """Create a canary URL and decoy documents holding it, for the activist to plant in
    their mailbox or cloud drive. `monitor serve` must be reachable at the base_url setting.

    Example:

        monitor canary new --activist 1 --label "Gmail backup codes" --out ./decoys
    """
    app = get_app()
    record = canary_store.create(app.store(), activist_id, label)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for decoy in canaries.decoys(record.label, record.url):
        path = folder / decoy.name
        path.write_text(decoy.content, encoding="utf-8")
        written.append(str(path))
    data = {**record.to_dict(), "decoys": written}

    def render() -> None:
        app.out.print(f"Canary #{record.id}: {record.url}")
        for path in written:
            app.out.print(f"  decoy: {path}")
        app.note("Plant the decoys where only an intruder would open them; keep the URL private.")

    app.emit(data, render)


@canary_group.command("list")
@command_options
@json_option
@click.option("--activist", "activist_id", type=int, help="Only this activist's canaries.")
def list_command(activist_id: int | None) -> None:
    """List canaries with their hit counts.

    Example:

        monitor canary list --activist 1
    """
    app = get_app()
    records = canary_store.list_all(app.store(), activist_id)

    def render() -> None:
        table = Table("id", "activist", "label", "hits", "last hit")
        for r in records:
            last = r.last_hit_at.strftime("%Y-%m-%d %H:%M") if r.last_hit_at else ""
            table.add_row(str(r.id), str(r.activist_id), r.label, str(r.hits), last)
        app.out.print(table)

    app.emit([r.to_dict() for r in records], render)
