"""`monitor report`: case counts for a period, for submissions and annual reports."""

from __future__ import annotations

import click
from rich.table import Table

from monitor import reports
from monitor.cli.base import App, cli, command_options, get_app, json_option, parse_when
from monitor.storage import incidents as incident_store
from monitor.storage.incidents import IncidentFilter


@cli.command("report")
@command_options
@json_option
@click.option("--from", "since", required=True, metavar="DATE", help="First day of the period.")
@click.option("--to", "until", required=True, metavar="DATE", help="Last day of the period.")
@click.option("--csv", "as_csv", is_flag=True, help="Print dimension,value,count CSV on stdout.")
@click.option("--activist", "activist_id", type=int, help="Only this activist's cases.")
@click.option("--anonymise", is_flag=True, help="Replace activist ids with stable pseudonyms.")
@click.option("--confirmed-only", is_flag=True, help="Count only confirmed or resolved cases.")
def report_command(
    since: str,
    until: str,
    as_csv: bool,
    activist_id: int | None,
    anonymise: bool,
    confirmed_only: bool,
) -> None:
    """Count cases by kind, severity, platform, month and activist, with a summary sentence.

    A case is an incident (however often it was reposted), counted in the period it was first
    seen. False positives are never counted; neutral mentions are counted apart.

    Example:

    \b
        monitor report --from 2024-01-01 --to 2025-12-31 --anonymise
        monitor report --from 2025-01-01 --to 2025-06-30 --csv > h1-2025.csv
    """
    app = get_app()
    if as_csv and app.json:
        raise click.UsageError("Choose one output: --json or --csv.")
    start, end = parse_when(since), parse_when(until, end_of_day=True)
    assert start is not None and end is not None
    if end < start:
        raise click.UsageError("--to is before --from.")
    store = app.store()
    records = incident_store.list_incidents(
        store, IncidentFilter(activist_id=activist_id, since=start, until=end)
    )
    report = reports.aggregate(
        records,
        start,
        end,
        label=(lambda a: reports.pseudonym(store.vault, a)) if anonymise else str,
        confirmed_only=confirmed_only,
        anonymised=anonymise,
    )
    if as_csv:
        click.echo(reports.to_csv(report), nl=False)
        return
    app.emit(report.to_dict(), lambda: _render(app, report))


def _render(app: App, report: reports.Report) -> None:
    app.out.print(report.sentence(), highlight=False)
    for title, counts in (
        ("kind", report.by_kind),
        ("severity", report.by_severity),
        ("platform", report.by_platform),
        ("month", report.by_month),
        ("activist", report.by_activist),
    ):
        table = Table(title, "cases", title=f"By {title}", title_justify="left")
        for value, count in counts.items():
            table.add_row(value, str(count))
        app.out.print(table)
    excluded = f"{report.excluded_false_positives} false positive(s)"
    if report.confirmed_only:
        excluded += f", {report.excluded_unconfirmed} unconfirmed case(s)"
    app.note(f"Not counted: {excluded}; {report.mentions} neutral mention(s).")
