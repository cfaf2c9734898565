"""`monitor playbook ...`: the response playbooks."""

from __future__ import annotations

import click
from rich.table import Table

from monitor.cli.base import cli, command_options, get_app, json_option
from monitor.errors import NotFound
from playbooks.loader import UnknownPlaybookError, default_library, render_text

LANGS = click.Choice(["en", "az", "ru"])


@cli.group("playbook")
def playbook_group() -> None:
    """Response playbooks: what to do for each kind of incident, in en, az and ru."""


@playbook_group.command("list")
@command_options
@json_option
@click.option("--lang", type=LANGS, default="en", show_default=True, help="Language.")
def list_command(lang: str) -> None:
    """List the playbooks with the incident kinds and signals they serve.

    Example:

        monitor playbook list --lang az
    """
    app = get_app()
    books = default_library().all(lang)

    def render() -> None:
        table = Table("id", "title", "kinds", "signals")
        for book in books:
            table.add_row(book.id, book.title, ", ".join(book.kinds), ", ".join(book.signals))
        app.out.print(table)

    app.emit(
        [
            {"id": b.id, "lang": b.lang, "title": b.title, "summary": b.summary,
             "kinds": list(b.kinds), "signals": list(b.signals)}
            for b in books
        ],
        render,
    )  # fmt: skip


@playbook_group.command("show")
@command_options
@json_option
@click.argument("playbook_id")
@click.option("--lang", type=LANGS, default="en", show_default=True, help="Language.")
def show_command(playbook_id: str, lang: str) -> None:
    """Show a playbook's steps (English when the language is missing).

    Example:

        monitor playbook show sim-swap --lang ru
    """
    app = get_app()
    try:
        book = default_library().get(playbook_id, lang)
    except UnknownPlaybookError as exc:
        raise NotFound(f"No playbook {playbook_id!r}. `monitor playbook list` shows them.") from exc
    app.emit(book.as_dict(), lambda: app.out.print(render_text(book), markup=False))
