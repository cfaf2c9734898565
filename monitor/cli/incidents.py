"""`monitor incidents` and `monitor incident ...`: the log a trainer works through."""

from __future__ import annotations

import getpass
from typing import Any

import click
from rich.table import Table

from monitor.cli.base import (
    App,
    cli,
    command_options,
    get_app,
    json_option,
    parse_when,
    severity_text,
)
from monitor.models import KINDS, SEVERITIES, STATUSES
from monitor.storage import incidents as incident_store
from monitor.storage.incidents import IncidentFilter, IncidentRecord
from playbooks.loader import default_library


def playbook_ids(record: IncidentRecord) -> list[str]:
    return [p.id for p in default_library().for_incident(record.kind, record.signals)]


@cli.command("incidents")
@command_options
@json_option
@click.option("--activist", "activist_id", type=int, help="Only this activist's incidents.")
@click.option("--kind", type=click.Choice(KINDS), help="Only this kind.")
@click.option("--status", type=click.Choice(STATUSES), help="Only this status.")
@click.option("--severity", type=click.Choice(SEVERITIES), help="This severity or higher.")
@click.option("--since", metavar="DATE", help="Seen since: YYYY-MM-DD, ISO time, or 7d/12h.")
def incidents_command(
    activist_id: int | None,
    kind: str | None,
    status: str | None,
    severity: str | None,
    since: str | None,
) -> None:
    """The incident log, newest first, with filters.

    Example:

        monitor incidents --activist 3 --kind leak --since 30d --json
    """
    app = get_app()
    filters = IncidentFilter(activist_id, kind, status, severity, parse_when(since))
    records = incident_store.list_incidents(app.store(), filters)
    app.emit([r.to_dict(playbook_ids(r)) for r in records], lambda: render_incidents(app, records))


def render_incidents(app: App, records: list[IncidentRecord]) -> None:
    table = Table("id", "activist", "kind", "severity", "status", "title", "seen", "last seen")
    for r in records:
        table.add_row(
            str(r.id),
            str(r.activist_id),
            r.kind,
            severity_text(r.severity),
            r.status,
            r.title[:60],
            str(r.sightings),
            r.last_seen.strftime("%Y-%m-%d %H:%M"),
        )
    app.out.print(table)
    app.note(f"{len(records)} incident(s)")


@cli.group("incident")
def incident_group() -> None:
    """One incident: show it with its evidence, change its status, add notes."""


@incident_group.command("show")
@command_options
@json_option
@click.argument("incident_id", type=int)
def show_command(incident_id: int) -> None:
    """Show an incident: sightings with cues and evidence hashes, history, playbooks.

    Example:

        monitor incident show 12
    """
    app = get_app()
    store = app.store()
    record = incident_store.get(store, incident_id)
    sightings = incident_store.sightings(store, incident_id)
    events = incident_store.events(store, incident_id)
    playbooks = default_library().for_incident(record.kind, record.signals)
    data: dict[str, Any] = record.to_dict([p.id for p in playbooks])
    data["sightings_detail"] = [s.to_dict() for s in sightings]
    data["events"] = [e.to_dict() for e in events]

    def render() -> None:
        app.out.print(
            f"[bold]#{record.id}[/] {record.kind} {severity_text(record.severity)} "
            f"{record.status} — {record.title}"
        )
        app.out.print(f"activist #{record.activist_id}; signals: {', '.join(record.signals)}")
        for s in sightings:
            app.out.print(f"\n  sighting {s.id} at {s.seen_at:%Y-%m-%d %H:%M} {s.url or ''}")
            app.out.print(f"    capture sha256 {s.capture_sha256 or '-'}")
            for hit in s.evidence.get("hits", []):
                app.out.print(f"    matched {hit['matched']!r} as {hit['how']}")
            for cue in s.evidence.get("cues", [])[:6]:
                app.out.print(
                    f"    cue {cue['term']!r} → {cue['kind']} ({cue['distance']} words away)"
                )
        app.out.print("\nHistory:")
        for e in events:
            change = f"{e.from_status or ''} → {e.to_status}" if e.to_status else ""
            app.out.print(f"  {e.at:%Y-%m-%d %H:%M} {e.actor} {e.action} {change} {e.note or ''}")
        app.out.print("\nPlaybooks: " + ", ".join(f"{p.id} ({p.title})" for p in playbooks))

    app.emit(data, render)


@incident_group.command("set")
@command_options
@json_option
@click.argument("incident_id", type=int)
@click.option("--status", type=click.Choice(STATUSES), help="The new status.")
@click.option("--note", help="A note for the incident's history.")
@click.option("--as", "actor", help="Who is making the change (default: your login name).")
def set_command(incident_id: int, status: str | None, note: str | None, actor: str | None) -> None:
    """Change an incident's status and/or add a note; both go to its audit trail.

    Example:

        monitor incident set 12 --status confirmed --note "Activist confirms the page is fake"
    """
    app = get_app()
    record = incident_store.set_status(
        app.store(),
        incident_id,
        actor=actor or f"cli:{getpass.getuser()}",
        status=status,
        note=note,
    )
    app.emit(
        record.to_dict(playbook_ids(record)),
        lambda: app.out.print(f"Incident #{record.id} is {record.status}."),
    )
