"""`monitor source ack`: accept what a source currently observes as its new baseline.

A collector that compares against a baseline (the profile collector) offers a classmethod
`acknowledge(state, now) -> (new_state, accepted_fields)`; this command reaches it through the
registry, so the CLI imports no collector module.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

import click

from monitor import registry
from monitor.cli.base import command_options, get_app, json_option
from monitor.cli.source import source_group
from monitor.errors import InvalidInput
from monitor.storage import sources as source_store

Acknowledge = Callable[[Mapping[str, Any], datetime], tuple[dict[str, Any], list[str]]]


@source_group.command("ack")
@command_options
@json_option
@click.argument("source_id", type=int)
def ack_command(source_id: int) -> None:
    """Accept a source's current observation as its new baseline.

    Use it when a reported change (a new display name, bio or avatar on a watched profile)
    was the activist's own: the change is not raised again, and later changes are compared
    with the accepted profile.

    Example:

        monitor source ack 3
    """
    app = get_app()
    store = app.store()
    view = source_store.view_by_id(store, source_id)
    acknowledge: Acknowledge | None = getattr(registry.collector(view.kind), "acknowledge", None)
    if acknowledge is None:
        raise InvalidInput(f"{view.kind} sources keep no baseline to acknowledge.")
    state, accepted = acknowledge(view.state, datetime.now(UTC))
    source_store.save_state(store, source_id, state)
    summary = ", ".join(accepted) if accepted else "no pending changes"
    app.emit(
        {"id": source_id, "acknowledged": True, "accepted": accepted},
        lambda: app.out.print(f"Source #{source_id}: current profile accepted ({summary})."),
    )
