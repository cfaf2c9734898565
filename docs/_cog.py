"""Helpers for the cog blocks in docs/*.md: the CLI reference and the settings table.

Run `scripts/docs.sh` after changing a command or a setting; tests/test_docs.py fails while
the generated sections are out of date.
"""

from __future__ import annotations

import click
from click.testing import CliRunner

from monitor import config
from monitor.cli import cli


def commands(group: click.Group = cli, prefix: str = "monitor") -> list[tuple[str, click.Command]]:
    """Every command, depth first, with its full name."""
    found = []
    for name in sorted(group.commands):
        command = group.commands[name]
        full = f"{prefix} {name}"
        found.append((full, command))
        if isinstance(command, click.Group):
            found += commands(command, full)
    return found


def cli_reference() -> str:
    parts = []
    for full, _ in commands():
        args = [*full.split()[1:], "--help"]
        result = CliRunner().invoke(cli, args, prog_name="monitor", terminal_width=100)
        parts.append(f"### `{full}`\n\n```\n{result.output.rstrip()}\n```\n")
    return "\n".join(parts)


def settings_table() -> str:
    rows = [
        "| setting | environment | default | secret | what it is |",
        "| --- | --- | --- | --- | --- |",
    ]
    defaults = config.Config()
    for field in config.settings():
        default = getattr(defaults, field.name)
        shown = f"`{default}`" if default not in ("", None) else "(empty)"
        secret = "yes (`_FILE` too)" if field.metadata["secret"] else ""
        rows.append(
            f"| `{field.name}` | `{config.env_name(field.name)}` | {shown} | {secret} | "
            f"{field.metadata['help']} |"
        )
    return "\n".join(rows) + "\n"
