"""`monitor check-link`: is a link someone was sent known-bad or a lookalike?"""

from __future__ import annotations

import click

from monitor.cli.base import App, cli, command_options, get_app, json_option
from monitor.links import LinkVerdict
from monitor.storage import links as link_store

VERDICT_STYLES = {"malicious": "bold white on red", "suspicious": "bold yellow", "unknown": "dim"}


@cli.command("check-link")
@command_options
@json_option
@click.argument("url")
@click.option(
    "--activist",
    "activist_id",
    type=int,
    help="The activist who received it: a bad verdict opens a phishing incident for them.",
)
def check_link_command(url: str, activist_id: int | None) -> None:
    """Check a link against spyware indicator lists and lookalikes of registered domains.

    The verdict is malicious (listed in a loaded indicator list), suspicious (imitates a
    registered organisation domain, or hides its real host) or unknown, with the reasons.
    Every check is recorded; the exit status is 0 whatever the verdict. Defanged links
    (hxxps://example[.]org) are accepted. The link is never opened.

    Example:

        monitor check-link "https://ictimai-login.com/verify" --activist 3
    """
    app = get_app()
    verdict = link_store.check_link(app.store(), url, activist_id)
    app.emit(verdict.to_dict(), lambda: _render(app, verdict))


def _render(app: App, verdict: LinkVerdict) -> None:
    style = VERDICT_STYLES.get(verdict.verdict, "")
    app.out.print(f"[{style}]{verdict.verdict}[/]  {verdict.url}", highlight=False)
    for reason in verdict.reasons:
        app.out.print(f"  - {reason}", highlight=False)
    if verdict.incident_id is not None:
        app.out.print(
            f"Incident #{verdict.incident_id} (`monitor incident show {verdict.incident_id}`)"
        )
    app.note(f"Recorded as check #{verdict.check_id}.")
