"""`monitor verify`: integrity of the live evidence store."""

from __future__ import annotations

import click

from monitor.cli.base import cli, command_options, get_app, json_option
from monitor.errors import UserError
from monitor.storage import captures


@cli.command("verify")
@command_options
@json_option
@click.option("--store", "live_store", is_flag=True, help="Check the live evidence store.")
def verify_command(live_store: bool) -> None:
    """Check every capture against the hash chain, and the chain from genesis to head.

    Exits 1 and names each capture or chain entry that was altered or removed.

    Example:

        monitor verify --store
    """
    app = get_app()
    if not live_store:
        raise click.UsageError("Say what to verify: --store.")
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
