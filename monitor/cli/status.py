"""`monitor status`: is the service healthy?"""

from __future__ import annotations

from monitor.cli.base import cli, command_options, get_app, json_option
from monitor.storage import status as status_store


@cli.command("status")
@command_options
@json_option
def status_command() -> None:
    """Health at a glance: failing and due sources, alert backlog, workers, last cycle.

    Example:

        monitor status --json
    """
    app = get_app()
    status = status_store.read(app.store())

    def render() -> None:
        last = status.last_cycle_at
        app.out.print(
            f"Sources: {status.sources} ({status.sources_failing} failing, "
            f"{status.sources_due} due, {status.sources_leased} being checked)"
        )
        alerts = ", ".join(f"{n} {s}" for s, n in sorted(status.alerts.items())) or "none"
        app.out.print(f"Alerts: {alerts}")
        if status.oldest_pending_alert_seconds is not None:
            app.out.print(f"Oldest undelivered alert: {status.oldest_pending_alert_seconds:.0f} s")
        app.out.print(f"Incidents: {status.incidents_open} open of {status.incidents}")
        app.out.print(f"Evidence: {status.captures} captures, chain of {status.chain_length}")
        app.out.print(
            f"Last collection cycle: {last:%Y-%m-%d %H:%M:%S} UTC"
            if last
            else "Last collection cycle: never"
        )
        for worker in status.workers:
            state = "alive" if worker.alive else "silent"
            app.out.print(f"  worker {worker.name}: {state}, {worker.cycles} cycle(s)")

    app.emit(status.to_dict(), render)
