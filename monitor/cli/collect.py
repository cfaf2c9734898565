"""`monitor collect`: poll sources, match, record incidents."""

from __future__ import annotations

import asyncio

import click
from rich.progress import Progress, SpinnerColumn, TextColumn

from monitor import service
from monitor.cli.base import App, cli, command_options, get_app, json_option
from monitor.registry import SourceView
from monitor.scheduler import CycleReport, SourceResult


@cli.command("collect")
@command_options
@json_option
@click.option("--once", is_flag=True, help="One pass over due sources, then exit.")
@click.option("--all", "every_source", is_flag=True, help="Every source, due or not.")
@click.option("--concurrency", type=int, help="Sources collected at the same time.")
def collect_command(once: bool, every_source: bool, concurrency: int | None) -> None:
    """Collect due sources: fetch, keep evidence, match, and log incidents.

    Without --once it keeps going until interrupted (Ctrl-C finishes cleanly).

    Example:

        monitor collect --once --all
    """
    app = get_app()
    store = app.store()
    with _progress(app) as hook:
        report = asyncio.run(
            service.collect(
                store,
                once=once,
                every_source=every_source,
                concurrency=concurrency,
                progress=hook,
                on_cycle=None if once else lambda r: _print_cycle(app, r),
            )
        )
    app.emit(report.to_dict(), lambda: _print_cycle(app, report))


def _print_cycle(app: App, report: CycleReport) -> None:
    data = report.to_dict()
    app.note(
        f"{data['sources']} source(s): {data['ok']} ok ({data['not_modified']} unchanged), "
        f"{data['failed']} failed; {data['new_items']} new item(s), "
        f"{data['sightings']} sighting(s), {data['incidents_created']} new incident(s)."
    )
    for source_id, error in report.errors.items():
        app.note(f"  source #{source_id}: {error}")
    if report.leased_elsewhere:
        app.note(
            f"{report.leased_elsewhere} source(s) skipped: another worker is collecting them "
            "(or one that stopped holds them until its lease runs out)."
        )


class _progress:
    """A live counter on stderr when a person is watching; nothing otherwise."""

    def __init__(self, app: App) -> None:
        self.enabled = app.err.is_terminal and not app.json
        self.bar = Progress(SpinnerColumn(), TextColumn("{task.description}"), console=app.err)
        self.done = 0
        self.failed = 0

    def __enter__(self) -> service.ProgressHook | None:
        if not self.enabled:
            return None
        self.bar.start()
        self.task = self.bar.add_task("collecting", total=None)
        return self.update

    def update(self, source: SourceView, result: SourceResult) -> None:
        self.done += 1
        self.failed += int(not result.outcome.ok)
        description = f"collected {self.done} source(s), {self.failed} failed"
        self.bar.update(self.task, description=description)

    def __exit__(self, *exc: object) -> None:
        if self.enabled:
            self.bar.stop()
