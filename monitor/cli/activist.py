"""`monitor activist ...`: register the people we protect and read their registrations back."""

from __future__ import annotations

import click
from rich.table import Table

from monitor.activists import RegistrationInput, validate
from monitor.cli.base import cli, command_options, get_app, json_option
from monitor.identifiers import platform_names
from monitor.storage import activists as activist_store


@cli.group("activist")
def activist_group() -> None:
    """Register activists: names in every spelling, handles, emails, phones, domains."""


@activist_group.command("add")
@command_options
@json_option
@click.argument("name")
@click.option("--alias", multiple=True, help="Another spelling or script of the full name.")
@click.option(
    "--nickname",
    multiple=True,
    help="A distinctive alias matched on its own (pen name, unique nickname).",
)
@click.option(
    "--handle",
    multiple=True,
    metavar="PLATFORM:HANDLE",
    help=f"An account, e.g. instagram:jane.doe. Platforms: {', '.join(platform_names())}.",
)
@click.option("--email", multiple=True, help="An email address.")
@click.option("--phone", multiple=True, help="A phone number (without +code: Azerbaijan).")
@click.option("--domain", multiple=True, help="A domain of their organisation.")
@click.option("--lang", default="en", show_default=True, help="Alert language: az, ru or en.")
def add_command(
    name: str,
    alias: tuple[str, ...],
    nickname: tuple[str, ...],
    handle: tuple[str, ...],
    email: tuple[str, ...],
    phone: tuple[str, ...],
    domain: tuple[str, ...],
    lang: str,
) -> None:
    """Register an activist. Every value is validated first; a bad one writes nothing.

    Example:

        monitor activist add "Gülnarə Mehdiyeva" --alias "Гюльнара Мехдиева"
        --handle instagram:gulnara.m --email g.m@example.org --phone "050 555 12 07" --lang az
    """
    app = get_app()
    registration = validate(
        RegistrationInput(name, alias, nickname, handle, email, phone, domain, lang)
    )
    activist_id = activist_store.add(app.store(), registration)
    app.emit(
        {"id": activist_id},
        lambda: app.out.print(f"Registered activist #{activist_id}."),
    )


@activist_group.command("list")
@command_options
@json_option
def list_command() -> None:
    """List registered activists with all their identifiers.

    Example:

        monitor activist list --json
    """
    app = get_app()
    records = activist_store.list_all(app.store())

    def render() -> None:
        table = Table("id", "name", "lang", "aliases", "handles", "emails", "phones", "domains")
        for r in records:
            table.add_row(
                str(r.id),
                r.name,
                r.lang,
                *("\n".join(r.values(t)) for t in ("alias", "handle", "email", "phone", "domain")),
            )
        app.out.print(table)

    app.emit([r.to_dict() for r in records], render)


@activist_group.command("show")
@command_options
@json_option
@click.argument("activist_id", type=int)
def show_command(activist_id: int) -> None:
    """Show one registration.

    Example:

        monitor activist show 1
    """
    app = get_app()
    record = activist_store.get(app.store(), activist_id)

    def render() -> None:
        for key, value in record.to_dict().items():
            shown = ", ".join(value) if isinstance(value, list) else value
            app.out.print(f"[bold]{key}[/]: {shown}")

    app.emit(record.to_dict(), render)
