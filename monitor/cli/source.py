"""`monitor source ...`: the places we watch, and how healthy each one is."""

from __future__ import annotations

import os

import click
from rich.table import Table

from monitor import opml, registry
from monitor.cli.base import cli, command_options, get_app, json_option
from monitor.errors import InvalidInput
from monitor.storage import sources as source_store
from monitor.storage.sources import NewSource

MIN_EVERY = 10


class _KindsInHelp(click.Command):
    """`source add --help` lists the installed kinds (read when help is asked for, so plain
    commands do not pay for loading every collector)."""

    def format_help_text(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        super().format_help_text(ctx, formatter)
        rows = [
            (kind, cls.target_help + (", with --activist" if cls.needs_activist else ""))
            for kind, cls in registry.collectors().items()
        ]
        with formatter.section("Kinds"):
            formatter.write_dl(rows)


@cli.group("source")
def source_group() -> None:
    """Sources: feeds, pages, Telegram channels, profiles, mailboxes, breaches, domains."""


@source_group.command("add", cls=_KindsInHelp)
@command_options
@json_option
@click.argument("kind")
@click.argument("target")
@click.option("--every", type=int, metavar="SECONDS", help="Check interval (default per kind).")
@click.option("--name", help="A label for this source.")
@click.option("--activist", "activist_id", type=int, help="The activist this source watches for.")
@click.option("--proxy", help="Proxy for this source only, e.g. socks5h://127.0.0.1:9050.")
@click.option(
    "--secret-env",
    metavar="VARIABLE",
    help="Read this source's password (e.g. a mailbox app password) from an environment "
    "variable; it is stored encrypted and never printed.",
)
@click.option("--ask-secret", is_flag=True, help="Ask for this source's password at a prompt.")
def add_command(
    kind: str,
    target: str,
    every: int | None,
    name: str | None,
    activist_id: int | None,
    proxy: str | None,
    secret_env: str | None,
    ask_secret: bool,
) -> None:
    """Watch a new source. KIND is one of the kinds `monitor source kinds` lists.

    Example:

        monitor source add feed https://news.example/rss --every 600 --name "Example News"
    """
    app = get_app()
    collector = registry.collector(kind)
    canonical = collector.validate_target(target)
    if collector.needs_activist and activist_id is None:
        raise InvalidInput(f"A {kind} source watches one activist's account: add --activist ID.")
    if every is not None and every < MIN_EVERY:
        raise InvalidInput(f"--every {every} is too often; use at least {MIN_EVERY} seconds.")
    secret = _secret(secret_env, ask_secret)
    new = NewSource(
        kind, canonical, every or collector.default_every, name, activist_id, proxy, secret
    )
    source_id = source_store.add(app.store(), new)
    app.emit({"id": source_id}, lambda: app.out.print(f"Watching source #{source_id}."))


def _secret(variable: str | None, ask: bool) -> str | None:
    if variable:
        value = os.environ.get(variable)
        if not value:
            raise InvalidInput(f"The environment variable {variable} is not set or empty.")
        return value
    if ask:
        return str(click.prompt("Password", hide_input=True, err=True))
    return None


@source_group.command("list")
@command_options
@json_option
def list_command() -> None:
    """List sources with their health: last success, last error, consecutive failures.

    Example:

        monitor source list
    """
    app = get_app()
    records = source_store.list_all(app.store())

    def render() -> None:
        table = Table("id", "kind", "target", "every", "health", "last success", "last error")
        for r in records:
            style = {"ok": "green", "failing": "bold red", "new": "dim"}.get(r.health, "")
            error = f"{r.last_error} ({r.consecutive_failures}x)" if r.consecutive_failures else ""
            table.add_row(
                str(r.id),
                r.kind,
                r.name or r.target,
                f"{r.every_seconds}s",
                f"[{style}]{r.health}[/]" if style else r.health,
                r.last_success_at.strftime("%Y-%m-%d %H:%M") if r.last_success_at else "",
                error,
            )
        app.out.print(table)

    app.emit([r.to_dict() for r in records], render)


@source_group.command("kinds")
@command_options
@json_option
def kinds_command() -> None:
    """List the source kinds with their documentation.

    Example:

        monitor source kinds
    """
    app = get_app()
    kinds = [
        {
            "kind": kind,
            "target": cls.target_help,
            "needs_activist": cls.needs_activist,
            "default_every": cls.default_every,
            "doc": (cls.__doc__ or "").strip(),
        }
        for kind, cls in registry.collectors().items()
    ]

    def render() -> None:
        for entry in kinds:
            app.out.print(f"[bold]{entry['kind']}[/] {entry['target']}")
            app.out.print(f"{entry['doc']}\n", highlight=False)

    app.emit(kinds, render)


@source_group.command("import-opml")
@command_options
@json_option
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--every", type=int, metavar="SECONDS", help="Check interval for every feed.")
def import_opml_command(file: str, every: int | None) -> None:
    """Add every feed of an OPML subscription list; feeds already watched are skipped.

    Example:

        monitor source import-opml subscriptions.opml
    """
    app = get_app()
    collector = registry.collector("feed")
    added, skipped = [], []
    for outline in opml.read_feeds(file):
        canonical = collector.validate_target(outline.url)
        new = NewSource("feed", canonical, every or collector.default_every, outline.title)
        try:
            added.append(source_store.add(app.store(), new))
        except InvalidInput as exc:
            skipped.append({"url": outline.url, "reason": exc.message})
    app.emit(
        {"added": added, "skipped": skipped},
        lambda: app.out.print(f"Added {len(added)} feed(s), skipped {len(skipped)}."),
    )
