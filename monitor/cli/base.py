"""What every command shares: the `monitor` group, `--db`/`--json` options, errors, output.

A `UserError` raised anywhere below a command becomes one line on stderr and a non-zero exit
(2 for invalid input, where nothing was written); `--debug` shows the traceback instead. With
`--json`, stdout carries JSON and nothing else; messages and warnings go to stderr.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import click
from rich.console import Console
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from monitor import config as config_module
from monitor import db, logs
from monitor.errors import InvalidInput, UserError
from monitor.store import Store, open_store

log = logging.getLogger("monitor.cli")
F = TypeVar("F", bound=Callable[..., Any])

SEVERITY_STYLES = {
    "info": "dim",
    "low": "cyan",
    "medium": "yellow",
    "high": "bold red",
    "critical": "bold white on red",
}


@dataclass
class App:
    """Per-invocation state: settings overrides from flags, and the lazily opened store."""

    overrides: dict[str, Any] = field(default_factory=dict)
    debug: bool = False
    json: bool = False
    _store: Store | None = None
    out: Console = field(default_factory=lambda: Console(soft_wrap=True))
    err: Console = field(default_factory=lambda: Console(stderr=True, soft_wrap=True))

    @property
    def config(self) -> config_module.Config:
        return config_module.load(overrides=self.overrides)

    def store(self) -> Store:
        if self._store is None:
            self._store = open_store(self.config, prompt=passphrase_prompt())
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None

    def emit(self, data: Any, render: Callable[[], None] | None = None) -> None:
        """Print `data` as JSON under --json, otherwise call `render` (or print it plainly)."""
        if self.json:
            click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))
        elif render is not None:
            render()
        else:
            self.out.print(data)

    def note(self, message: str) -> None:
        """A human message: stderr, so it never pollutes --json output."""
        self.err.print(message, highlight=False)


def passphrase_prompt() -> Callable[[bool], str] | None:
    if not sys.stdin.isatty():
        return None

    def ask(confirm: bool) -> str:
        return str(
            click.prompt("Passphrase", hide_input=True, confirmation_prompt=confirm, err=True)
        )

    return ask


class CommandError(click.ClickException):
    """A UserError on its way out of click, keeping its exit status."""

    def __init__(self, error: UserError) -> None:
        super().__init__(error.message)
        self.exit_code = error.exit_code  # type: ignore[misc]


class MonitorGroup(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except UserError as error:
            app = ctx.find_object(App)
            if app is not None and app.debug:
                raise
            if error.cause:
                log.debug("%s: %s", error.code, error.cause)
            raise CommandError(error) from error
        except SQLAlchemyError as exc:
            app = ctx.find_object(App)
            problem = None if app is not None and app.debug else _database_error(exc)
            if problem is None:
                raise
            raise CommandError(problem) from exc
        finally:
            app = ctx.find_object(App)
            if app is not None and ctx.parent is None:
                app.close()


def _database_error(exc: SQLAlchemyError) -> UserError | None:
    """The one line to print for a database that cannot be used; None for other errors, which
    are bugs and keep their traceback."""
    if isinstance(exc, DBAPIError) and db.misconfigured(exc):
        message = (
            f"The database could not be opened as configured ({db.reason(exc)}). "
            "Check --db (or database_url in the configuration)."
        )
        return UserError(message, code="db_misconfigured")
    if not db.unavailable(exc):
        return None
    message = (
        f"The database could not be reached or written ({db.reason(exc)}). Nothing "
        "half-written was kept; run the command again once the database is back (or the disk "
        "has room)."
    )
    return UserError(message, code="db_unavailable")


def get_app() -> App:
    return click.get_current_context().ensure_object(App)


def _store_db(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    if value:
        ctx.ensure_object(App).overrides["db"] = value


def _store_json(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value:
        ctx.ensure_object(App).json = True


db_option = click.option(
    "--db",
    metavar="URL",
    expose_value=False,
    callback=_store_db,
    help="Database URL or SQLite file (env MONITOR_DB).",
)
json_option = click.option(
    "--json",
    "as_json",
    is_flag=True,
    expose_value=False,
    callback=_store_json,
    help="Print machine-readable JSON on stdout and nothing else there.",
)


def command_options(func: F) -> F:
    """Options every subcommand accepts, wherever they are written on the command line."""
    return db_option(func)


@click.group(cls=MonitorGroup, context_settings={"help_option_names": ["-h", "--help"]})
@db_option
@click.option("--debug", is_flag=True, help="Show tracebacks and debug logs.")
@click.version_option(package_name="activist-monitor", prog_name="monitor")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Watch for attacks on registered activists, log incidents, alert, and keep evidence.

    Example:

        monitor init && monitor activist add "Jane Doe" --handle instagram:jane.doe
    """
    app = ctx.ensure_object(App)
    app.debug = debug
    settings = app.config
    logs.configure(
        "DEBUG" if debug else settings.log_level,
        secrets=(settings.key, settings.passphrase, settings.proxy),
    )


def parse_when(text: str | None, *, end_of_day: bool = False) -> datetime | None:
    """`2025-03-01`, a full ISO time, or a span back from now: `7d`, `12h`, `30m`."""
    if text is None:
        return None
    value = text.strip()
    span = re.fullmatch(r"(\d+)([dhm])", value)
    if span:
        unit = {"d": "days", "h": "hours", "m": "minutes"}[span.group(2)]
        return datetime.now(UTC) - timedelta(**{unit: int(span.group(1))})
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise InvalidInput(
            f"{text!r} is not a date: use YYYY-MM-DD, an ISO time, or 7d / 12h / 30m."
        ) from exc
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    if end_of_day and len(value) == 10:
        parsed += timedelta(days=1) - timedelta(microseconds=1)
    return parsed


def severity_text(severity: str) -> str:
    return f"[{SEVERITY_STYLES.get(severity, '')}]{severity}[/]"
