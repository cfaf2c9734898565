"""`monitor verify`: integrity of the live evidence store, or of an exported bundle."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from monitor import timestamps
from monitor.bundle import verify as standalone
from monitor.cli.base import App, cli, command_options, get_app, json_option
from monitor.errors import UserError
from monitor.exports_verify import verify_bundle
from monitor.storage import captures


@cli.command("verify")
@command_options
@json_option
@click.argument("bundle", required=False, type=click.Path(exists=True, path_type=Path))
@click.option("--store", "live_store", is_flag=True, help="Check the live evidence store.")
@click.option(
    "--tsa-ca",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="CA certificate(s) (PEM) of the timestamp authority: check the timestamp's signature.",
)
def verify_command(bundle: Path | None, live_store: bool, tsa_ca: Path | None) -> None:
    """Check a bundle (ZIP or extracted folder) or the live store against the hash chain.

    For a bundle: every file's hash, every capture against the chain entry that covers it, and
    the chain from its first entry to the head, from the bundle alone (no database needed).
    For the store: every capture, and the chain from genesis to head. Exits 1 and names each
    file, capture or chain entry that was altered or removed. A bundle's timestamp
    (manifest.json.tsr) must cover its manifest; with --tsa-ca its signature is checked too.

    Example:

    \b
        monitor verify evidence-activist-3.zip
        monitor verify evidence-activist-3.zip --tsa-ca freetsa-cacert.pem
        monitor verify --store
    """
    app = get_app()
    if bundle is not None and live_store:
        raise click.UsageError("Verify one thing at a time: a bundle or --store.")
    if bundle is not None:
        _verify_bundle(app, bundle, tsa_ca)
    elif live_store:
        _verify_store(app)
    else:
        raise click.UsageError("Say what to verify: a bundle file (FILE.zip) or --store.")


def _verify_bundle(app: App, bundle: Path, tsa_ca: Path | None) -> None:
    result: dict[str, Any] = {"bundle": str(bundle), **verify_bundle(bundle)}
    if result["timestamped"]:
        _check_timestamp(result, standalone.Bundle(bundle), tsa_ca)
    app.emit(result, lambda: _render_bundle(app, result))
    if not result["ok"]:
        raise UserError(f"{bundle.name} failed verification.", code="verify_failed")


def _check_timestamp(result: dict[str, Any], bundle: standalone.Bundle, ca: Path | None) -> None:
    """Add the token's time and authority to the verdict, and with `ca` its signature check."""
    token = bundle.read(timestamps.TOKEN) or b""
    manifest = bundle.read(standalone.MANIFEST) or b""
    try:
        stamp = timestamps.read(token)
    except ValueError:
        result["problems"].append(f"{timestamps.TOKEN}: is not a timestamp response")
        result["ok"] = False
        return
    problem = timestamps.check_signature(token, manifest, ca) if ca else None
    if problem:
        result["problems"].append(f"{timestamps.TOKEN}: {problem}")
        result["ok"] = False
    result["timestamp"] = {
        "time": stamp.time.isoformat(),
        "authority": stamp.authority,
        "signature": "not checked" if ca is None else ("invalid" if problem else "valid"),
    }


def _render_bundle(app: App, result: dict[str, Any]) -> None:
    lines = standalone.render(result).splitlines()
    verdict = "[green]OK[/]" if result["ok"] else f"[bold red]FAILED[/] ({len(result['problems'])})"
    app.out.print(f"Bundle {result['bundle']}: {verdict}", highlight=False)
    for line in lines[1:]:
        app.out.print(line, markup=False, highlight=False)
    stamp = result.get("timestamp")
    if stamp:
        by = f" by {stamp['authority']}" if stamp["authority"] else ""
        app.out.print(
            f"  timestamp: {stamp['time']}{by}, signature {stamp['signature']}"
            + (" (give --tsa-ca to check it)" if stamp["signature"] == "not checked" else ""),
            markup=False,
            highlight=False,
        )


def _verify_store(app: App) -> None:
    result = captures.verify_store(app.store())
    data = {
        "ok": result.ok,
        "captures": result.captures,
        "chain_length": result.length,
        "head": result.head,
        "problems": [str(p) for p in result.problems],
    }

    def render() -> None:
        verdict = "[green]OK[/]" if result.ok else f"[bold red]FAILED[/] ({len(result.problems)})"
        app.out.print(f"Evidence store: {verdict}")
        app.out.print(f"{result.captures} capture(s), chain of {result.length}, head {result.head}")
        for problem in result.problems:
            app.out.print(f"  - {problem}")

    app.emit(data, render)
    if not result.ok:
        raise UserError("The evidence store failed verification.", code="verify_failed")
