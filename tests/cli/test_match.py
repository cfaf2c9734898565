"""`monitor match`: what the matcher and the classifier make of a text, and why."""

from __future__ import annotations

import json

from tests.conftest import Cli

SMEAR = "Айсель Наджафова снова получает гранты от западных кураторов. Кто оплачивает её поездки?"


def _register(cli: Cli) -> None:
    cli.ok("activist", "add", "Aysel Nəcəfova", "--alias", "Айсель Наджафова")


def test_match_explains_the_decision(sqlite_cli: Cli) -> None:
    _register(sqlite_cli)
    out = sqlite_cli.ok("match", SMEAR).stdout
    assert "activist 1: smear" in out
    assert "matched 'Айсель Наджафова' as name" in out
    assert "cue 'западных кураторов'" in out
    assert "the kind model chose smear mostly for: smear cues +" in out
    assert "cue scores: smear" in out


def test_match_reads_stdin_and_prints_json(sqlite_cli: Cli) -> None:
    _register(sqlite_cli)
    result = sqlite_cli.ok("match", "-", "--json", input=SMEAR)
    [mention] = json.loads(result.stdout)
    assert mention["activist_id"] == 1 and mention["kind"] == "smear"
    assert mention["score"] == mention["scores"]["smear"] > 0.5
    assert mention["cue_scores"]["smear"] > 0.5
    assert mention["reasons"][0]["feature"] == "cues:smear"
    assert all(r["push"] > 0 for r in mention["reasons"])


def test_match_says_when_nobody_is_named(sqlite_cli: Cli) -> None:
    _register(sqlite_cli)
    assert "No registered activist is mentioned." in sqlite_cli.ok("match", "Ничего.").stdout
