"""Alert commands: subscriptions, the outbox, delivery, and testing a channel."""

from __future__ import annotations

import asyncio
import secrets
from datetime import UTC, datetime

import click
from rich.table import Table

from alerts import message as text
from monitor import registry, service
from monitor import subscriptions as rules
from monitor.activists import validate_lang
from monitor.cli.base import cli, command_options, get_app, json_option, severity_text
from monitor.errors import UserError
from monitor.models import SEVERITIES
from monitor.registry import ChannelError, Destination
from monitor.storage import outbox
from monitor.storage import subscriptions as subscription_store
from monitor.storage.subscriptions import NewSubscription
from monitor.store import Store

ALERT_STATUSES = ("pending", "held", "sent", "failed")


@cli.group("subscription")
def subscription_group() -> None:
    """Who is alerted about an activist's incidents, on which channel, and when."""


@subscription_group.command("add")
@command_options
@json_option
@click.option("--activist", "activist_id", type=int, required=True, help="Whose incidents.")
@click.option("--channel", required=True, help="email, webhook, ntfy, telegram, signal, matrix.")
@click.option("--to", "destination", required=True, help="Address, URL, topic, chat or room.")
@click.option("--secret", help="Webhook signing key or ntfy token (webhook: generated if unset).")
@click.option(
    "--min-severity",
    type=click.Choice(SEVERITIES),
    default="low",
    show_default=True,
    help="Only incidents at least this severe.",
)
@click.option("--quiet", metavar="HH:MM-HH:MM", help="Quiet hours: hold alerts for a digest.")
@click.option("--tz", "timezone", default="UTC", show_default=True, help="Time zone of --quiet.")
@click.option("--lang", help="Alert language (default: the activist's).")
def subscription_add(
    activist_id: int,
    channel: str,
    destination: str,
    secret: str | None,
    min_severity: str,
    quiet: str | None,
    timezone: str,
    lang: str | None,
) -> None:
    """Subscribe a destination to an activist's alerts (the activist's own, or a trainer's).

    Example:

        monitor subscription add --activist 1 --channel email --to her@example.org
        --quiet 23:00-07:00 --tz Asia/Baku --lang az
    """
    app = get_app()
    kind = registry.channel(channel)
    address = kind.validate_destination(destination)
    start, end = rules.parse_quiet(quiet) if quiet else (None, None)
    generated = channel == "webhook" and not secret and not app.config.webhook_secret
    if generated:
        secret = secrets.token_urlsafe(32)
    new = NewSubscription(
        activist_id=activist_id,
        channel=channel,
        destination=address,
        secret=secret,
        min_severity=min_severity,
        quiet_start=start,
        quiet_end=end,
        timezone=rules.validate_timezone(timezone),
        lang=validate_lang(lang) if lang else None,
    )
    subscription_id = subscription_store.add(app.store(), new)
    data: dict[str, object] = {"id": subscription_id}
    if generated:
        data["secret"] = secret

    def render() -> None:
        app.out.print(f"Subscription #{subscription_id} added.")
        if generated:
            app.out.print(f"Webhook signing secret (shown once): {secret}")

    app.emit(data, render)


@subscription_group.command("list")
@command_options
@json_option
@click.option("--activist", "activist_id", type=int, help="Only this activist's.")
def subscription_list(activist_id: int | None) -> None:
    """List subscriptions.

    Example:

        monitor subscription list --activist 1
    """
    app = get_app()
    records = subscription_store.list_all(app.store(), activist_id)

    def render() -> None:
        table = Table("id", "activist", "channel", "to", "min severity", "quiet", "lang", "on")
        for r in records:
            table.add_row(
                str(r.id),
                str(r.activist_id),
                r.channel,
                r.destination,
                r.min_severity,
                f"{r.quiet} {r.timezone}" if r.quiet else "",
                r.lang,
                "yes" if r.enabled else "no",
            )
        app.out.print(table)

    app.emit([r.to_dict() for r in records], render)


@subscription_group.command("remove")
@command_options
@click.argument("subscription_id", type=int)
def subscription_remove(subscription_id: int) -> None:
    """Stop a subscription (its past alerts stay listed).

    Example:

        monitor subscription remove 3
    """
    app = get_app()
    subscription_store.remove(app.store(), subscription_id)
    app.note(f"Subscription #{subscription_id} disabled.")


@cli.command("alerts")
@command_options
@json_option
@click.option("--status", type=click.Choice(ALERT_STATUSES), help="Only alerts in this state.")
@click.option("--incident", "incident_id", type=int, help="Only this incident's alerts.")
@click.option("--retry-failed", is_flag=True, help="Queue failed alerts again.")
def alerts_command(status: str | None, incident_id: int | None, retry_failed: bool) -> None:
    """The outbox: every alert with its delivery state, attempts and last error.

    Example:

        monitor alerts --status failed
    """
    app = get_app()
    if retry_failed:
        app.note(f"{outbox.retry_failed(app.store())} failed alert(s) queued again.")
    records = outbox.list_alerts(app.store(), status, incident_id)

    def render() -> None:
        table = Table("id", "incident", "channel", "reason", "severity", "status", "tries", "error")
        for r in records:
            table.add_row(
                str(r.id),
                str(r.incident_id),
                r.channel,
                r.reason,
                severity_text(r.severity),
                r.status,
                str(r.attempts),
                r.last_error or "",
            )
        app.out.print(table)

    app.emit([r.to_dict() for r in records], render)


@cli.command("dispatch")
@command_options
@json_option
@click.option("--once", is_flag=True, help="Deliver what is due now, then exit.")
def dispatch_command(once: bool) -> None:
    """Deliver queued alerts (retrying failures with backoff); `monitor run` does this too.

    Example:

        monitor dispatch --once
    """
    app = get_app()
    report = asyncio.run(service.dispatch(app.store(), once=once))
    app.emit(
        report.to_dict(),
        lambda: app.note(f"{report.sent} sent, {report.failed_attempts} failed attempt(s)."),
    )


@cli.command("channels")
@command_options
@json_option
def channels_command() -> None:
    """List the alert channels with their settings and documentation.

    Example:

        monitor channels
    """
    app = get_app()
    kinds = [
        {
            "channel": kind,
            "destination": cls.destination_help,
            "settings": list(cls.settings),
            "doc": (cls.__doc__ or "").strip(),
        }
        for kind, cls in registry.channels().items()
    ]

    def render() -> None:
        for entry in kinds:
            app.out.print(f"[bold]{entry['channel']}[/] → {entry['destination']}")
            app.out.print(f"{entry['doc']}\nsettings: {', '.join(entry['settings'])}\n")

    app.emit(kinds, render)


@cli.command("alert-test")
@command_options
@click.option("--channel", required=True, help="The channel to try.")
@click.option("--to", "destination", required=True, help="Where to send the test alert.")
@click.option("--secret", help="Webhook signing key or ntfy token.")
@click.option("--lang", default="en", show_default=True, help="Language of the test alert.")
def alert_test_command(channel: str, destination: str, secret: str | None, lang: str) -> None:
    """Send a test alert now, to check a channel's settings before relying on it.

    Example:

        monitor alert-test --channel ntfy --to my-long-random-topic
    """
    app = get_app()
    kind = registry.channel(channel)
    address = kind.validate_destination(destination)
    message = _test_message(validate_lang(lang), app.config.base_url)
    asyncio.run(_send_test(app.store(), channel, message, Destination(address, secret)))
    app.note(f"Test alert accepted by {channel}.")


def _test_message(lang: str, base_url: str) -> registry.AlertMessage:
    facts = text.AlertFacts(
        key=f"test:{secrets.token_hex(8)}",
        kind="mention",
        severity="info",
        reason="test",
        incident_id=0,
        created_at=datetime.now(UTC),
    )
    return text.build(facts, lang, base_url)


async def _send_test(
    store: Store, channel: str, message: registry.AlertMessage, destination: Destination
) -> None:
    async with service.dispatching(store) as dispatcher:
        try:
            await dispatcher.channels[channel].send(message, destination)
        except ChannelError as exc:
            raise UserError(f"The test alert was not delivered: {exc.message}") from exc
