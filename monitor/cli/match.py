"""`monitor match`: what the matcher and classifier make of a text, and why."""

from __future__ import annotations

import sys

import click

from monitor.cli.base import cli, command_options, get_app, json_option
from monitor.matching import analyse, explain
from monitor.pipeline import MatcherCache, mention_evidence


@cli.command("match")
@command_options
@json_option
@click.argument("text")
def match_command(text: str) -> None:
    """Run a text through the matcher and classifier against the registry, showing why.

    TEXT is the text itself, or - to read it from standard input. Nothing is stored: use it
    to tune registrations (aliases, nicknames) and to understand a decision.

    Example:

        monitor match "Гюльнары Мехдиевой интимные фото опубликуют"
    """
    app = get_app()
    body = sys.stdin.read() if text == "-" else text
    mentions = analyse(MatcherCache(app.store()).get(), body)
    data = [
        {
            "activist_id": m.activist_id,
            "kind": m.kind,
            "score": round(m.score, 3),
            "severity": m.severity,
            **mention_evidence(m),
        }
        for m in mentions
    ]

    def render() -> None:
        if not mentions:
            app.out.print("No registered activist is mentioned.")
        for mention in mentions:
            for line in explain(mention, body):
                app.out.print(line, highlight=False, markup=False)

    app.emit(data, render)
