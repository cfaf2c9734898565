"""`monitor ioc ...`: spyware indicator lists (STIX 2 bundles) that `check-link` looks in."""

from __future__ import annotations

from pathlib import Path

import click
from rich.table import Table

from monitor.cli.base import App, cli, command_options, get_app, json_option
from monitor.errors import InvalidInput
from monitor.indicators import ParsedBundle, parse_bundle
from monitor.storage import indicators as indicator_store
from monitor.storage.indicators import IndicatorList, LoadReport


@cli.group("ioc")
def ioc_group() -> None:
    """Indicator lists: infrastructure of mercenary spyware, loaded from STIX 2 files."""


@ioc_group.command("load")
@command_options
@json_option
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--name", help="The list's name (default: the file name without extension).")
def load_command(file: Path, name: str | None) -> None:
    """Load a STIX 2 indicator file, replacing the list of the same name.

    Loading the same file again changes nothing; loading a newer version adds what is new
    and removes what it no longer lists. Files such as Amnesty Tech's (the ones MVT reads)
    work as published.

    Example:

        monitor ioc load pegasus.stix2 --name "Amnesty: Pegasus"
    """
    app = get_app()
    bundle = parse_bundle(_read(file))
    report = indicator_store.replace_list(app.store(), name or file.stem, bundle)
    app.emit(
        {**report.to_dict(), "skipped": bundle.skipped()},
        lambda: _render_load(app, report, bundle),
    )


def _read(file: Path) -> bytes:
    try:
        return file.read_bytes()
    except OSError as exc:
        raise InvalidInput(f"Cannot read {file}: {exc.strerror}.") from exc


def _render_load(app: App, report: LoadReport, bundle: ParsedBundle) -> None:
    threats = ", ".join(report.threats) or "no named threat"
    app.out.print(
        f"[bold]{report.name}[/]: {report.indicators} indicator(s) of {threats} — "
        f"{report.added} added, {report.removed} removed, {report.unchanged} unchanged"
        + (f", {report.shared} already in another list" if report.shared else "")
    )
    app.out.print("  " + ", ".join(f"{t} {n}" for t, n in report.by_type.items()))
    skipped = {k: v for k, v in bundle.skipped().items() if v}
    if skipped:
        app.note("Skipped: " + ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in skipped.items()))


@ioc_group.command("list")
@command_options
@json_option
def list_command() -> None:
    """The loaded indicator lists: size, threats and indicator types.

    Example:

        monitor ioc list --json
    """
    app = get_app()
    lists = indicator_store.list_lists(app.store())
    app.emit([entry.to_dict() for entry in lists], lambda: _render_lists(app, lists))


def _render_lists(app: App, lists: list[IndicatorList]) -> None:
    table = Table("list", "threats", "indicators", "types", "loaded")
    for entry in lists:
        table.add_row(
            entry.name,
            ", ".join(entry.threats),
            str(entry.count),
            ", ".join(f"{t} {n}" for t, n in entry.by_type.items()),
            entry.loaded_at.strftime("%Y-%m-%d %H:%M"),
        )
    app.out.print(table)
    app.note(f"{len(lists)} list(s); `monitor check-link URL` looks in all of them.")
