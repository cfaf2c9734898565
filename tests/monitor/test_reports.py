"""Case statistics: platforms, periods and the counting rules, as tables of cases."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from typing import Any

import pytest

from monitor import reports
from monitor.crypto import Vault, generate_key
from monitor.storage.incidents import IncidentRecord

SINCE = datetime(2025, 1, 1, tzinfo=UTC)
UNTIL = datetime(2025, 12, 31, 23, 59, 59, tzinfo=UTC)


def _case(n: int, kind: str, first_seen: datetime, **more: Any) -> IncidentRecord:
    values: dict[str, Any] = {
        "id": n,
        "activist_id": 1,
        "kind": kind,
        "severity": "high",
        "status": "new",
        "title": f"case {n}",
        "signals": (),
        "score": 1.0,
        "first_seen": first_seen,
        "last_seen": first_seen,
        "sightings": 1,
        "shareable": False,
        "urls": (),
    }
    values.update(more)
    return IncidentRecord(**values)


@pytest.mark.parametrize(
    ("url", "platform"),
    [
        ("https://t.me/s/channel/12", "telegram"),
        ("https://telegram.me/channel", "telegram"),
        ("https://www.facebook.com/page/posts/1", "facebook"),
        ("https://m.facebook.com/story.php?id=1", "facebook"),
        ("https://fb.watch/abc", "facebook"),
        ("https://www.instagram.com/p/xyz", "instagram"),
        ("https://x.com/user/status/1", "x"),
        ("https://mobile.twitter.com/user", "x"),
        ("https://youtu.be/abc", "youtube"),
        ("https://www.smear-news.az/article/1", "smear-news.az"),
        ("https://notfacebook.com/x", "notfacebook.com"),
        ("https://FACEBOOK.COM./x", "facebook"),
        ("not a url", "unknown"),
    ],
)
def test_platform_of(url: str, platform: str) -> None:
    assert reports.platform_of(url) == platform


def test_months_cover_the_period_across_a_year_end() -> None:
    since = datetime(2024, 11, 15, tzinfo=UTC)
    until = datetime(2025, 2, 1, tzinfo=UTC)
    assert reports.months_between(since, until) == ["2024-11", "2024-12", "2025-01", "2025-02"]


def test_a_case_counts_in_the_period_it_was_first_seen() -> None:
    cases = [
        _case(1, "smear", SINCE),
        _case(2, "smear", UNTIL),
        _case(3, "smear", datetime(2024, 12, 31, 23, 59, tzinfo=UTC)),
        _case(4, "smear", datetime(2026, 1, 1, tzinfo=UTC)),
    ]
    report = reports.aggregate(cases, SINCE, UNTIL)
    assert report.total == 2 and report.by_month["2025-01"] == 1 and report.by_month["2025-12"] == 1


def test_false_positives_mentions_and_unconfirmed_cases() -> None:
    may = datetime(2025, 5, 1, tzinfo=UTC)
    cases = [
        _case(1, "smear", may, status="false_positive"),
        _case(2, "mention", may),
        _case(3, "threat", may, status="confirmed"),
        _case(4, "phishing", may, status="triaged"),
        _case(5, "leak", may, status="resolved"),
    ]
    report = reports.aggregate(cases, SINCE, UNTIL)
    assert (report.total, report.mentions, report.excluded_false_positives) == (3, 1, 1)
    confirmed = reports.aggregate(cases, SINCE, UNTIL, confirmed_only=True)
    assert (confirmed.total, confirmed.excluded_unconfirmed) == (2, 2)
    assert confirmed.by_group == {"reputation": 1, "hacking": 0, "threats": 1}


def test_every_harmful_kind_is_in_exactly_one_group() -> None:
    grouped = [kind for _, _, kinds in reports.GROUPS for kind in kinds]
    assert sorted(grouped) == sorted(k for k in reports.KINDS if k != "mention")
    assert len(grouped) == len(set(grouped))


def test_platforms_count_a_case_once_each_and_unknown_without_urls() -> None:
    may = datetime(2025, 5, 1, tzinfo=UTC)
    cases = [
        _case(1, "smear", may, urls=("https://t.me/a/1", "https://t.me/a/2", "https://fb.com/x")),
        _case(2, "account_takeover", may),
    ]
    report = reports.aggregate(cases, SINCE, UNTIL)
    assert report.by_platform == {"facebook": 1, "telegram": 1, "unknown": 1}


def test_the_sentence_and_csv() -> None:
    one = reports.aggregate([_case(1, "threat", SINCE)], SINCE, UNTIL)
    assert one.sentence() == (
        "1 case of smears, hacking and blackmail between 2025-01-01 and 2025-12-31, against "
        "1 activist: 0 smears, leaks, doxxing and impersonation, 0 hacking, phishing and data "
        "breaches, 1 threats and blackmail."
    )
    rows = list(csv.reader(io.StringIO(reports.to_csv(one))))
    assert rows[:3] == [
        ["dimension", "value", "count"],
        ["total", "cases", "1"],
        ["total", "mentions", "0"],
    ]
    assert ["kind", "threat", "1"] in rows and ["activist", "1", "1"] in rows


def test_pseudonyms_are_stable_per_key_and_hide_the_id() -> None:
    vault, other = Vault(generate_key()), Vault(generate_key())
    assert reports.pseudonym(vault, 3) == reports.pseudonym(vault, 3)
    assert reports.pseudonym(vault, 3) != reports.pseudonym(vault, 4)
    assert reports.pseudonym(vault, 3) != reports.pseudonym(other, 3)
    report = reports.aggregate(
        [_case(1, "smear", SINCE, activist_id=3)],
        SINCE,
        UNTIL,
        label=lambda a: reports.pseudonym(vault, a),
        anonymised=True,
    )
    assert list(report.by_activist) == [reports.pseudonym(vault, 3)]
    assert report.to_dict()["anonymised"] is True
