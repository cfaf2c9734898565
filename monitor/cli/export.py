"""`monitor export`: an evidence bundle (ZIP) or a STIX 2.1 file for one activist or a coalition."""

from __future__ import annotations

import getpass
import json
from datetime import UTC, datetime
from pathlib import Path

import click

from monitor import exports, reports, stix
from monitor.cli.base import App, cli, command_options, get_app, json_option, parse_when
from monitor.errors import NotFound
from monitor.exports import ExportSummary, Scope
from monitor.models import KINDS
from monitor.storage import activists as activist_store
from monitor.store import Store


@cli.command("export")
@command_options
@json_option
@click.option("--activist", "activist_id", type=int, help="This activist's incidents.")
@click.option(
    "--shareable", is_flag=True, help="Only incidents released to the coalition (any activist)."
)
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Where to write the bundle (FILE.zip) or, with --stix, the STIX file (FILE.json).",
)
@click.option("--from", "since", metavar="DATE", help="Incidents seen on or after this date.")
@click.option("--to", "until", metavar="DATE", help="Incidents first seen up to this date.")
@click.option("--kind", type=click.Choice(KINDS), help="Only this kind of incident.")
@click.option(
    "--with-names", is_flag=True, help="Name the activists and staff (default: pseudonyms)."
)
@click.option("--with-notes", is_flag=True, help="Include the notes people wrote on incidents.")
@click.option("--stix", "as_stix", is_flag=True, help="Write STIX 2.1 JSON instead of a bundle.")
@click.option(
    "--no-timestamp",
    is_flag=True,
    help="Do not have the manifest timestamped, even with timestamp_url set.",
)
def export_command(
    activist_id: int | None,
    shareable: bool,
    out: Path,
    since: str | None,
    until: str | None,
    kind: str | None,
    with_names: bool,
    with_notes: bool,
    as_stix: bool,
    no_timestamp: bool,
) -> None:
    """Export incidents with their evidence for a complaint, or as STIX for a CERT.

    The bundle (ZIP) holds the captures as WARC files, a manifest of their hashes and of the
    hash chain, incidents.csv, a printable report.html, and verify.py, which checks it all with
    plain Python. With timestamp_url set, the manifest is timestamped (RFC 3161) by that
    authority. People are pseudonymous ("Activist #3") unless --with-names is given.
    Captures that also concern someone outside the bundle are withheld (listed by hash only).

    Example:

    \b
        monitor export --activist 3 --from 2025-01-01 --to 2025-12-31 --out case-3.zip
        monitor export --shareable --out coalition.zip
        monitor export --shareable --stix --out incidents.stix.json
    """
    app = get_app()
    if activist_id is None and not shareable:
        raise click.UsageError("Say whose incidents: --activist ID, --shareable, or both.")
    store = app.store()
    if activist_id is not None and not activist_store.exists(store, activist_id):
        raise NotFound(f"No activist with id {activist_id}. `monitor activist list` shows ids.")
    scope = Scope(
        activist_id=activist_id,
        shareable=shareable,
        since=parse_when(since),
        until=parse_when(until, end_of_day=True),
        kind=kind,
        with_names=with_names,
        with_notes=with_notes,
    )
    actor = f"cli:{getpass.getuser()}"
    if as_stix:
        _export_stix(app, store, scope, out, actor)
        return
    summary = exports.export_bundle(store, scope, out, actor=actor, timestamp=not no_timestamp)
    app.emit(summary.to_dict(), lambda: _render(app, summary))


def _render(app: App, summary: ExportSummary) -> None:
    app.out.print(f"Wrote {summary.path}", highlight=False)
    app.out.print(
        f"{summary.incidents} incident(s), {summary.captures} capture(s), "
        f"{summary.withheld} withheld (they also concern people or cases outside this bundle)"
    )
    app.out.print(f"Chain head:       {summary.chain_head}", highlight=False)
    app.out.print(f"Manifest SHA-256: {summary.manifest_sha256}", highlight=False)
    if summary.timestamp:
        app.out.print(f"Timestamped:      {summary.timestamp.isoformat()}", highlight=False)
    app.note(
        "Send the manifest SHA-256 to the recipient separately (e-mail, letter): it lets them "
        "show later that the bundle is the one you sent."
    )


def _export_stix(app: App, store: Store, scope: Scope, out: Path, actor: str) -> None:
    """Incidents, addresses and indicators as STIX 2.1; activists always pseudonymous."""
    cases = exports.gather_cases(store, scope)
    if not cases:
        raise NotFound(f"No incidents match ({scope.describe()}); nothing was exported.")
    bundle = stix.stix_bundle(
        cases,
        person=lambda activist_id: reports.pseudonym(store.vault, activist_id),
        namespace=stix.namespace_from(store.vault.lookup("stix-namespace", "v1")),
        producer=exports.generator_name(),
        now=datetime.now(UTC),
    )
    text = bundle.serialize(pretty=True)
    exports.write_atomically(out, lambda stream: stream.write(text.encode()))
    counts: dict[str, int] = {}
    for obj in json.loads(text)["objects"]:
        counts[obj["type"]] = counts.get(obj["type"], 0) + 1
    data = {"path": str(out), "scope": scope.describe(), "incidents": len(cases), "objects": counts}
    exports.record_export(store, scope, actor, "stix", [c.incident.id for c in cases], data)
    app.emit(data, lambda: app.out.print(f"Wrote {out}: {counts}", highlight=False))
