"""`monitor report` on a seeded incident log (SQLite and PostgreSQL)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

from sqlmodel import Session

from monitor.storage import incidents as incident_store
from monitor.storage.incidents import SightingInput, record_sighting
from monitor.store import Store
from tests.conftest import Cli

# (activist, kind, severity, url, first seen): every case of the seeded log.
SEED = [
    (1, "smear", "medium", "https://t.me/kanal/1", "2025-01-10"),
    (1, "leak", "high", "https://www.facebook.com/page/posts/2", "2025-02-03"),
    (1, "account_takeover", "high", None, "2025-03-05"),
    (1, "threat", "critical", "https://news.example/threat", "2025-03-20"),
    (1, "phishing", "high", "https://login-examp1e.com/reset", "2025-04-01"),
    (1, "mention", "info", "https://news.example/interview", "2025-04-02"),
    (1, "smear", "medium", "https://news.example/not-her", "2025-05-05"),  # false positive
    (2, "doxxing", "high", "https://t.me/s/other/5", "2025-06-15"),
    (2, "smear", "medium", "https://t.me/kanal/0", "2024-12-15"),  # before the period
    (2, "breach", "medium", None, "2025-07-01"),
]
PERIOD = ("--from", "2025-01-01", "--to", "2025-12-31")


def _seed(cli: Cli, store: Store) -> list[int]:
    cli.ok("activist", "add", "Gülnarə Mehdiyeva")
    cli.ok("activist", "add", "Tural Abbaslı")
    ids = []
    with Session(store.engine) as session:
        for n, (activist, kind, severity, url, day) in enumerate(SEED):
            outcome = record_sighting(
                session,
                store.vault,
                SightingInput(
                    activist_id=activist,
                    kind=kind,
                    base_severity=severity,
                    score=1.0,
                    title=f"case {n}",
                    text=f"distinct story number {n} " * 3,
                    story_key=f"story-{n}",
                    item_key=f"item-{n}",
                    seen_at=datetime.fromisoformat(day).replace(hour=12, tzinfo=UTC),
                    url=url,
                ),
            )
            ids.append(outcome.incident_id)
        session.commit()
    incident_store.set_status(store, ids[6], actor="test", status="false_positive", note=None)
    return ids


def test_counts_by_kind_group_platform_month_and_activist(monitor_cli: Cli, store: Store) -> None:
    _seed(monitor_cli, store)
    report = monitor_cli.json("report", *PERIOD)
    assert report["total"] == 7
    assert report["mentions"] == 1 and report["excluded_false_positives"] == 1
    assert report["by_group"] == {"reputation": 3, "hacking": 3, "threats": 1}
    assert report["by_kind"] == {
        "account_takeover": 1,
        "phishing": 1,
        "breach": 1,
        "smear": 1,
        "leak": 1,
        "impersonation": 0,
        "doxxing": 1,
        "threat": 1,
    }
    assert report["by_platform"] == {
        "telegram": 2,
        "unknown": 2,
        "facebook": 1,
        "login-examp1e.com": 1,
        "news.example": 1,
    }
    assert report["by_month"]["2025-03"] == 2 and report["by_month"]["2025-05"] == 0
    assert list(report["by_month"]) == [f"2025-{m:02d}" for m in range(1, 13)]
    assert sum(report["by_month"].values()) == 7
    assert sum(report["by_severity"].values()) == 7
    assert report["by_activist"] == {"1": 5, "2": 2}
    assert report["sentence"] == (
        "7 cases of smears, hacking and blackmail between 2025-01-01 and 2025-12-31, against "
        "2 activists: 3 smears, leaks, doxxing and impersonation, 3 hacking, phishing and data "
        "breaches, 1 threats and blackmail."
    )
    text = monitor_cli.ok("report", *PERIOD).stdout
    assert report["sentence"] in " ".join(text.split())


def test_activist_and_confirmed_only_filters(monitor_cli: Cli, store: Store) -> None:
    ids = _seed(monitor_cli, store)
    assert monitor_cli.json("report", *PERIOD, "--activist", "2")["total"] == 2
    for incident in (ids[0], ids[7]):
        incident_store.set_status(store, incident, actor="test", status="confirmed", note=None)
    confirmed = monitor_cli.json("report", *PERIOD, "--confirmed-only")
    assert confirmed["total"] == 2 and confirmed["excluded_unconfirmed"] == 6
    assert confirmed["by_kind"]["smear"] == 1 and confirmed["by_kind"]["doxxing"] == 1


def test_anonymised_pseudonyms_are_stable_and_hide_ids(monitor_cli: Cli, store: Store) -> None:
    _seed(monitor_cli, store)
    first = monitor_cli.json("report", *PERIOD, "--anonymise")
    again = monitor_cli.json("report", *PERIOD, "--anonymise")
    assert first["anonymised"] is True
    assert first["by_activist"] == again["by_activist"]
    names = list(first["by_activist"])
    assert len(names) == 2 and all(n.startswith("activist-") and len(n) == 19 for n in names)
    assert sorted(first["by_activist"].values()) == [2, 5]
    out = monitor_cli.ok("report", *PERIOD, "--csv", "--anonymise").stdout
    rows = list(csv.reader(io.StringIO(out)))
    people = {value for dimension, value, _ in rows[1:] if dimension == "activist"}
    assert people == set(names)


def test_csv_rows_add_up(monitor_cli: Cli, store: Store) -> None:
    _seed(monitor_cli, store)
    out = monitor_cli.ok("report", *PERIOD, "--csv").stdout
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["dimension", "value", "count"]
    assert rows[1] == ["total", "cases", "7"] and rows[2] == ["total", "mentions", "1"]
    for dimension in ("group", "kind", "severity", "month", "activist"):
        assert sum(int(c) for d, _, c in rows[1:] if d == dimension) == 7, dimension
    assert ["platform", "telegram", "2"] in rows


def test_report_refuses_two_outputs_and_a_reversed_period(monitor_cli: Cli) -> None:
    assert monitor_cli("report", *PERIOD, "--csv", "--json").exit_code == 2
    assert monitor_cli("report", "--from", "2025-02-01", "--to", "2025-01-01").exit_code == 2
    assert monitor_cli("report", "--from", "yesterday", "--to", "2025-01-01").exit_code == 2
    empty = monitor_cli.json("report", *PERIOD)
    assert empty["total"] == 0 and empty["sentence"].startswith("0 cases")
