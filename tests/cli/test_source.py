"""`monitor source add/list/kinds/import-opml`."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import Cli

OPML = """<?xml version="1.0"?>
<opml version="2.0"><head><title>subs</title></head><body>
<outline text="Folder"><outline text="News A" type="rss" xmlUrl="https://a.example/rss"/>
<outline title="News B" type="rss" xmlUrl="https://b.example/atom.xml"/></outline>
<outline text="no feed"/></body></opml>"""


def test_add_and_list(monitor_cli: Cli) -> None:
    created = monitor_cli.json("source", "add", "feed", "https://a.example/rss", "--name", "A")
    monitor_cli.ok("source", "add", "telegram", "@some_channel", "--every", "120")
    [feed, channel] = monitor_cli.json("source", "list")
    assert feed["id"] == created["id"]
    assert (feed["kind"], feed["target"], feed["name"], feed["health"]) == (
        "feed",
        "https://a.example/rss",
        "A",
        "new",
    )
    assert channel["target"] == "https://t.me/s/some_channel" and channel["every"] == 120


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["rss", "https://a.example/rss"], "Unknown source kind 'rss'"),
        (["feed", "not a url"], "not a feed URL"),
        (["feed", "https://a.example/rss", "--every", "1"], "too often"),
        (["feed", "https://a.example/rss", "--activist", "9"], "No activist with id 9"),
    ],
)
def test_bad_sources_exit_2_and_write_nothing(
    monitor_cli: Cli, args: list[str], message: str
) -> None:
    result = monitor_cli("source", "add", *args)
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert monitor_cli.json("source", "list") == []


def test_the_same_source_twice_is_refused(monitor_cli: Cli) -> None:
    monitor_cli.ok("source", "add", "feed", "https://a.example/rss")
    result = monitor_cli("source", "add", "feed", "https://a.example/rss")
    assert result.exit_code == 2 and "already watched as source #1" in result.stderr


def test_import_opml_adds_feeds_and_skips_known_ones(monitor_cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "subs.opml"
    path.write_text(OPML)
    monitor_cli.ok("source", "add", "feed", "https://a.example/rss")
    result = monitor_cli.json("source", "import-opml", str(path))
    assert len(result["added"]) == 1 and len(result["skipped"]) == 1
    names = {s["name"] for s in monitor_cli.json("source", "list")}
    assert names == {None, "News B"}


def test_import_opml_rejects_non_opml(monitor_cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "x.opml"
    path.write_text("<html/>")
    result = monitor_cli("source", "import-opml", str(path))
    assert result.exit_code == 2 and "not an OPML file" in result.stderr


def test_kinds_are_documented(monitor_cli: Cli) -> None:
    kinds = {k["kind"]: k for k in monitor_cli.json("source", "kinds")}
    assert {"feed", "page", "telegram"} <= set(kinds)
    assert all(k["doc"] and k["target"] for k in kinds.values())
    help_text = monitor_cli.ok("source", "add", "--help").stdout
    assert "Kinds:" in help_text
    assert all(kind in help_text and k["target"] in help_text for kind, k in kinds.items())
