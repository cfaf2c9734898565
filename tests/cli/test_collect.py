"""End to end: the labelled corpus served locally, collected, and the log checked.

The people of the mentions corpus are registered through the CLI, and the collected incident
log is turned into predictions that `monitor.matching.evaluation` scores like the classifier's
own: an incident counts for an item when its activist is the labelled one and the item's link
is among its URLs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from monitor.matching import evaluation
from tests import DATA
from tests.conftest import Cli
from tests.support.localweb import LocalWeb

CORPUS = DATA / "mentions-dev"


def _serve_corpus(web: LocalWeb) -> list[str]:
    return [
        web.serve(f"/feeds/{path.name}", path.read_bytes(), content_type="application/rss+xml")
        for path in sorted((CORPUS / "feeds").glob("*.xml"))
    ]


def _register(cli: Cli) -> dict[str, int]:
    registry = json.loads((CORPUS / "registry.json").read_text(encoding="utf-8"))
    return {
        person["key"]: cli.json("activist", "add", *_add_args(person))["id"] for person in registry
    }


def _add_args(person: dict[str, Any]) -> list[str]:
    """`monitor activist add` arguments for a registry entry."""
    args = [person["name"], "--lang", person["lang"]]
    for option, key in (
        ("--alias", "aliases"),
        ("--handle", "handles"),
        ("--email", "emails"),
        ("--phone", "phones"),
    ):
        for value in person.get(key, []):
            args += [option, value]
    return args


def _predicted(incidents: list[dict[str, Any]], ids: dict[str, int]) -> dict[str, dict[str, str]]:
    """An incident log (`monitor incidents --json`) as `evaluation.evaluate` takes predictions:
    link → {activist key: kind}, one entry per URL an incident was sighted at."""
    key_of = {activist_id: key for key, activist_id in ids.items()}
    found: dict[str, dict[str, str]] = {}
    for incident in incidents:
        for url in incident["urls"]:
            found.setdefault(url, {})[key_of[incident["activist_id"]]] = incident["kind"]
    return found


def test_corpus_end_to_end_meets_the_targets_and_a_second_run_adds_nothing(
    monitor_cli: Cli, web: LocalWeb
) -> None:
    ids = _register(monitor_cli)
    for url in _serve_corpus(web):
        monitor_cli.ok("source", "add", "feed", url)
    first = monitor_cli.json("collect", "--once", "--all")
    assert first["failed"] == 0 and first["new_items"] == 152
    incidents = monitor_cli.json("incidents")
    result = evaluation.evaluate(evaluation.load(CORPUS), _predicted(incidents, ids))
    print({k: v for k, v in result.items() if k != "errors"})
    assert result["attribution"]["f1"] >= 0.95
    assert result["harmful"]["precision"] >= 0.85 and result["harmful"]["recall"] >= 0.85
    second = monitor_cli.json("collect", "--once", "--all")
    assert (second["new_items"], second["sightings"]) == (0, 0)
    assert monitor_cli.json("incidents") == incidents
    assert monitor_cli.json("verify", "--store")["ok"] is True


def test_incident_json_has_the_contract_fields(monitor_cli: Cli, web: LocalWeb) -> None:
    _register(monitor_cli)
    for url in _serve_corpus(web)[:3]:
        monitor_cli.ok("source", "add", "feed", url)
    monitor_cli.ok("collect", "--once", "--all")
    incidents = monitor_cli.json("incidents")
    assert incidents
    required = {"id", "activist_id", "kind", "severity", "status", "title", "first_seen"}
    required |= {"last_seen", "sightings", "urls", "playbooks"}
    for incident in incidents:
        assert required <= incident.keys()
        assert incident["urls"] and incident["sightings"] >= 1
        if incident["kind"] != "mention":
            assert incident["playbooks"]


def test_a_page_that_newly_names_an_activist_is_a_new_sighting(
    monitor_cli: Cli, web: LocalWeb, tmp_path: Path
) -> None:
    monitor_cli.ok("activist", "add", "Gülnarə Mehdiyeva", "--alias", "Гюльнара Мехдиева")
    monitor_cli.ok("activist", "add", "Aytən Quliyeva")
    url = web.serve("/page", "<article><p>Bakıda hava yaxşıdır.</p></article>")
    monitor_cli.ok("source", "add", "page", url)
    assert monitor_cli.json("collect", "--once", "--all")["sightings"] == 0
    web.serve("/page", "<article><p>Xain Gülnarə Mehdiyeva xalqa xəyanət edib.</p></article>")
    assert monitor_cli.json("collect", "--once", "--all")["sightings"] == 1
    assert monitor_cli.json("collect", "--once", "--all")["new_items"] == 0
    web.serve(
        "/page",
        "<article><p>Xain Gülnarə Mehdiyeva xalqa xəyanət edib. "
        "Onun rəfiqəsi Aytən Quliyeva da xaindir.</p></article>",
    )
    assert monitor_cli.json("collect", "--once", "--all")["sightings"] == 1
    by_activist = {i["activist_id"] for i in monitor_cli.json("incidents")}
    assert by_activist == {1, 2}
