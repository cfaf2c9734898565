"""`monitor ioc load/list` and `monitor check-link`, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

from sqlmodel import Session, select

from monitor import config
from monitor.models import LinkCheck
from monitor.storage import links as link_store
from monitor.store import open_store
from tests import DATA
from tests.conftest import Cli

IOC = DATA / "ioc"


def without_first(source: Path, target: Path, drop: int) -> Path:
    """A copy of an indicator file with its first `drop` indicators left out."""
    bundle = json.loads(source.read_text())
    indicators = [o for o in bundle["objects"] if o["type"] == "indicator"][:drop]
    gone = {o["id"] for o in indicators}
    bundle["objects"] = [
        o for o in bundle["objects"] if o["id"] not in gone and o.get("source_ref") not in gone
    ]
    target.write_text(json.dumps(bundle))
    return target


def test_ioc_load_is_idempotent_and_replaces_a_list(monitor_cli: Cli, tmp_path: Path) -> None:
    first = monitor_cli.json("ioc", "load", str(IOC / "novispy.stix2"))
    assert (first["name"], first["added"], first["threats"]) == ("novispy", 18, ["NoviSpy"])
    assert first["by_type"]["ipv4-addr:value"] == 7
    again = monitor_cli.json("ioc", "load", str(IOC / "novispy.stix2"))
    assert (again["added"], again["removed"], again["unchanged"]) == (0, 0, 18)
    smaller = without_first(IOC / "novispy.stix2", tmp_path / "newer.json", 2)
    replaced = monitor_cli.json("ioc", "load", str(smaller), "--name", "novispy")
    assert (replaced["added"], replaced["removed"], replaced["unchanged"]) == (0, 2, 16)
    helios = monitor_cli.json("ioc", "load", str(IOC / "wintego_helios.stix2"), "--name", "Helios")
    assert helios["skipped"]["dangling_relationships"] == 1 and helios["added"] == 175
    lists = {entry["name"]: entry for entry in monitor_cli.json("ioc", "list")}
    assert {name: entry["indicators"] for name, entry in lists.items()} == {
        "Helios": 175,
        "novispy": 16,
    }
    assert lists["Helios"]["threats"] == ["Wintego Helios"]
    shared = monitor_cli.json("ioc", "load", str(IOC / "novispy.stix2"), "--name", "copy")
    assert (shared["added"], shared["shared_with_other_lists"]) == (2, 16)


def test_ioc_load_refuses_what_is_not_a_bundle(monitor_cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_text('{"type": "indicator"}')
    result = monitor_cli("ioc", "load", str(path))
    assert result.exit_code == 2 and "not a STIX 2 bundle" in result.stderr
    missing = monitor_cli("ioc", "load", str(tmp_path / "missing.stix2"))
    assert missing.exit_code == 2
    assert monitor_cli.json("ioc", "list") == []


def test_check_link_records_the_check_and_opens_a_phishing_incident(monitor_cli: Cli) -> None:
    monitor_cli.ok("activist", "add", "Jane Doe", "--domain", "ictimai.org.az")
    monitor_cli.ok("subscription", "add", "--activist", "1", "--channel", "ntfy", "--to", "jd")
    monitor_cli.ok("ioc", "load", str(IOC / "cytrox.stix2"))
    bad = monitor_cli.json("check-link", "hxxps://cdn.shortenurls[.]me/x?id=1", "--activist", "1")
    assert (bad["verdict"], bad["severity"], bad["spyware"]) == (
        "malicious",
        "critical",
        ["Predator"],
    )
    assert bad["signals"] == ["known_bad_link", "spyware_indicator"]
    assert bad["indicators"][0]["how"] == "parent domain"
    incident = monitor_cli.json("incident", "show", str(bad["incident_id"]))
    assert (incident["kind"], incident["severity"], incident["activist_id"]) == (
        "phishing",
        "critical",
        1,
    )
    assert "spyware" in incident["playbooks"] and "phishing" in incident["playbooks"]
    [sighting] = incident["sightings_detail"]
    assert sighting["evidence"]["spyware"] == ["Predator"]
    assert sighting["url"] == "https://cdn.shortenurls.me/x?id=1"
    [alert] = monitor_cli.json("alerts", "--incident", str(bad["incident_id"]))
    assert (alert["channel"], alert["severity"]) == ("ntfy", "critical")

    lookalike = monitor_cli.json("check-link", "https://ictimai-login.com/", "--activist", "1")
    assert (lookalike["verdict"], lookalike["signals"]) == ("suspicious", ["lookalike_domain"])
    assert lookalike["incident_id"] not in (None, bad["incident_id"])

    own = monitor_cli.json("check-link", "https://ictimai.org.az/", "--activist", "1")
    assert (own["verdict"], own["incident_id"]) == ("unknown", None)
    assert len(monitor_cli.json("incidents")) == 2

    store = open_store(config.load(overrides={"db": monitor_cli.db}))
    try:
        checks = link_store.list_checks(store, activist_id=1)
        assert [(c.verdict, c.incident_id) for c in checks] == [
            ("unknown", None),
            ("suspicious", lookalike["incident_id"]),
            ("malicious", bad["incident_id"]),
        ]
        assert "Predator" in checks[2].reasons[0]
        with Session(store.engine) as session:
            rows = session.exec(select(LinkCheck)).all()
        assert all(b"shortenurls" not in r.url_enc + r.reasons_enc for r in rows)
    finally:
        store.close()


def test_check_link_without_activist_records_but_opens_nothing(monitor_cli: Cli) -> None:
    monitor_cli.ok("ioc", "load", str(IOC / "novispy.stix2"))
    result = monitor_cli.ok("check-link", "http://176.223.111.131/upload")
    assert result.stdout.startswith("malicious")
    assert "NoviSpy" in result.stdout and "Recorded as check #1" in result.stderr
    unknown = monitor_cli.ok("check-link", "https://example.org/")
    assert unknown.exit_code == 0 and unknown.stdout.startswith("unknown")
    assert monitor_cli.json("incidents") == []


def test_check_link_refusals(monitor_cli: Cli) -> None:
    result = monitor_cli("check-link", "ftp://example.org/file")
    assert result.exit_code == 2 and "Only web links" in result.stderr
    result = monitor_cli("check-link", "https://example.org/", "--activist", "9")
    assert result.exit_code == 1 and "No activist with id 9" in result.stderr
