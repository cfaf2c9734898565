"""`monitor init` and `monitor config`: set up the database and key; show the settings."""

from __future__ import annotations

import click
from rich.table import Table

from monitor import config as config_module
from monitor import schema
from monitor.cli.base import cli, command_options, get_app, json_option, passphrase_prompt
from monitor.store import initialise


@cli.command("init")
@command_options
@json_option
@click.option(
    "--passphrase",
    "use_passphrase",
    is_flag=True,
    help="Derive the data key from a passphrase (asked for, or MONITOR_PASSPHRASE) "
    "instead of a key file.",
)
def init_command(use_passphrase: bool) -> None:
    """Create or upgrade the database and set up the data key. Safe to run again.

    Example:

        monitor --db ./monitor.db init
    """
    app = get_app()
    store, report = initialise(app.config, passphrase_prompt(), use_passphrase=use_passphrase)
    store.close()
    data = {
        "database": report.database,
        "revision": report.revision,
        "previous_revision": report.previous_revision,
        "key_mode": report.key.mode,
        "key_origin": report.key.origin,
        "key_created": report.key.created,
    }

    def render() -> None:
        action = "created" if report.previous_revision is None else "checked"
        if report.previous_revision not in (None, report.revision):
            action = f"upgraded from {report.previous_revision}"
        app.out.print(f"Database {report.database}: {action}, schema {report.revision}.")
        made = "created" if report.key.created else "in use"
        app.out.print(f"Data key ({report.key.mode}) from {report.key.origin}: {made}.")
        if report.key.created and report.key.mode == "raw":
            app.out.print(
                "Keep a copy of the key somewhere safe and apart from the database: "
                "without it the encrypted data cannot be read."
            )

    app.emit(data, render)


@cli.command("config")
@command_options
@json_option
def config_command() -> None:
    """List every setting, its environment variable and current value (secrets redacted).

    Example:

        monitor config --json
    """
    app = get_app()
    values = app.config.redacted()
    rows = [
        {
            "name": f.name,
            "env": config_module.env_name(f.name),
            "value": values[f.name],
            "secret": f.metadata["secret"],
            "help": f.metadata["help"],
        }
        for f in config_module.settings()
    ]

    def render() -> None:
        table = Table("setting", "environment", "value", "help")
        for row in rows:
            table.add_row(row["name"], row["env"], str(row["value"]), row["help"])
        app.out.print(table)
        app.out.print(f"Schema head: {schema.head_revision()}")

    app.emit(rows, render)
