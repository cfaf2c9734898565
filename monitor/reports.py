"""Statistics for submissions: how many cases, of which kinds, where, and when.

A coalition's submission to a UN review says "N cases of smears, hacking and blackmail in
the period". These functions count incidents (never sightings: one smear reposted fifty times
is one case) and take data in and give data out; `monitor report` reads the incidents.

Counting rules, chosen so that reports for consecutive periods add up:

- a case belongs to the period in which it was first seen;
- false positives are never counted (they are reported as excluded); `confirmed_only` also
  leaves out cases nobody has confirmed yet (statuses other than confirmed and resolved);
- neutral mentions are not cases: they are counted apart;
- a case counts once per platform it appeared on, so platform counts may add up to more
  than the total; every other breakdown adds up to it.

The sentence groups kinds into three disjoint groups so its numbers add up to its total:
reputation (smear, leak, doxxing, impersonation), hacking (account takeover, phishing,
breach) and threats (threat, which covers blackmail and extortion). A case is never counted
twice, even though a threat is also an attack on safety.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from monitor.models import KINDS, SEVERITIES

if TYPE_CHECKING:
    from monitor.crypto import Vault
    from monitor.storage.incidents import IncidentRecord

CONFIRMED = frozenset({"confirmed", "resolved"})
NEUTRAL = "mention"
# Known platforms by registrable domain; any other host is reported as itself.
PLATFORMS = {
    "t.me": "telegram",
    "telegram.me": "telegram",
    "telegram.org": "telegram",
    "telegra.ph": "telegram",
    "facebook.com": "facebook",
    "fb.com": "facebook",
    "fb.watch": "facebook",
    "messenger.com": "facebook",
    "instagram.com": "instagram",
    "threads.net": "threads",
    "twitter.com": "x",
    "x.com": "x",
    "youtube.com": "youtube",
    "youtu.be": "youtube",
    "tiktok.com": "tiktok",
    "vk.com": "vk",
    "ok.ru": "odnoklassniki",
    "whatsapp.com": "whatsapp",
    "wa.me": "whatsapp",
    "linkedin.com": "linkedin",
}
UNKNOWN_PLATFORM = "unknown"
GROUPS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    (
        "reputation",
        "smears, leaks, doxxing and impersonation",
        ("smear", "leak", "doxxing", "impersonation"),
    ),
    (
        "hacking",
        "hacking, phishing and data breaches",
        ("account_takeover", "phishing", "breach"),
    ),
    ("threats", "threats and blackmail", ("threat",)),
)


def platform_of(url: str) -> str:
    """`https://t.me/s/x` → telegram, `https://m.facebook.com/...` → facebook, else the host."""
    host = (urlsplit(url).hostname or "").lower().rstrip(".")
    if not host:
        return UNKNOWN_PLATFORM
    labels = host.split(".")
    for start in range(len(labels) - 1):
        platform = PLATFORMS.get(".".join(labels[start:]))
        if platform:
            return platform
    return host.removeprefix("www.")


def month_of(moment: datetime) -> str:
    return moment.strftime("%Y-%m")


def months_between(since: datetime, until: datetime) -> list[str]:
    """Every month the period touches, so a chart of the months has no gaps."""
    months, year, month = [], since.year, since.month
    while (year, month) <= (until.year, until.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def pseudonym(vault: Vault, activist_id: int) -> str:
    """A stable pseudonym: the same activist gets the same one in every report of this
    installation, and nobody without its key can tell who it is."""
    return "activist-" + vault.lookup("report-pseudonym", str(activist_id))[:10]


@dataclass
class Report:
    since: datetime
    until: datetime
    total: int = 0
    mentions: int = 0
    excluded_false_positives: int = 0
    excluded_unconfirmed: int = 0
    confirmed_only: bool = False
    anonymised: bool = False
    by_kind: dict[str, int] = field(default_factory=dict)
    by_group: dict[str, int] = field(default_factory=dict)
    by_severity: dict[str, int] = field(default_factory=dict)
    by_platform: dict[str, int] = field(default_factory=dict)
    by_month: dict[str, int] = field(default_factory=dict)
    by_activist: dict[str, int] = field(default_factory=dict)

    def sentence(self) -> str:
        """The line a submission quotes, with the groups that make up its total."""
        parts = ", ".join(f"{self.by_group.get(key, 0)} {label}" for key, label, _ in GROUPS)
        cases = "case" if self.total == 1 else "cases"
        people = len(self.by_activist)
        return (
            f"{self.total} {cases} of smears, hacking and blackmail between "
            f"{self.since:%Y-%m-%d} and {self.until:%Y-%m-%d}, against {people} "
            f"{'activist' if people == 1 else 'activists'}: {parts}."
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "from": self.since.isoformat(),
            "to": self.until.isoformat(),
            "total": self.total,
            "sentence": self.sentence(),
            "mentions": self.mentions,
            "excluded_false_positives": self.excluded_false_positives,
            "excluded_unconfirmed": self.excluded_unconfirmed,
            "confirmed_only": self.confirmed_only,
            "anonymised": self.anonymised,
            "groups": {key: label for key, label, _ in GROUPS},
            "by_group": self.by_group,
            "by_kind": self.by_kind,
            "by_severity": self.by_severity,
            "by_platform": self.by_platform,
            "by_month": self.by_month,
            "by_activist": self.by_activist,
        }

    def rows(self) -> list[tuple[str, str, int]]:
        """(dimension, value, count) rows for CSV, the total first."""
        rows = [("total", "cases", self.total), ("total", "mentions", self.mentions)]
        for dimension in ("group", "kind", "severity", "platform", "month", "activist"):
            counts: dict[str, int] = getattr(self, f"by_{dimension}")
            rows += [(dimension, value, count) for value, count in counts.items()]
        return rows


def aggregate(
    records: Iterable[IncidentRecord],
    since: datetime,
    until: datetime,
    *,
    label: Callable[[int], str] = str,
    confirmed_only: bool = False,
    anonymised: bool = False,
) -> Report:
    """Count the cases first seen in [since, until] by kind, group, severity, platform, month
    and activist (named by `label`: its id, or a pseudonym)."""
    report = Report(since, until, confirmed_only=confirmed_only, anonymised=anonymised)
    cases: list[IncidentRecord] = []
    for record in records:
        if not since <= record.first_seen <= until:
            continue
        if record.status == "false_positive":
            report.excluded_false_positives += 1
        elif confirmed_only and record.status not in CONFIRMED:
            report.excluded_unconfirmed += 1
        elif record.kind == NEUTRAL:
            report.mentions += 1
        else:
            cases.append(record)
    _count(report, cases, label)
    return report


def _count(report: Report, cases: Sequence[IncidentRecord], label: Callable[[int], str]) -> None:
    report.total = len(cases)
    kinds = Counter(c.kind for c in cases)
    report.by_kind = {kind: kinds[kind] for kind in KINDS if kind != NEUTRAL}
    report.by_group = {key: sum(kinds[k] for k in members) for key, _, members in GROUPS}
    severities = Counter(c.severity for c in cases)
    report.by_severity = {severity: severities[severity] for severity in SEVERITIES}
    platforms = Counter(p for c in cases for p in _platforms(c.urls))
    report.by_platform = dict(sorted(platforms.items(), key=lambda kv: (-kv[1], kv[0])))
    months = Counter(month_of(c.first_seen) for c in cases)
    report.by_month = {m: months[m] for m in months_between(report.since, report.until)}
    people = Counter(label(c.activist_id) for c in cases)
    report.by_activist = dict(sorted(people.items(), key=lambda kv: (-kv[1], kv[0])))


def _platforms(urls: Sequence[str]) -> set[str]:
    return {platform_of(url) for url in urls} or {UNKNOWN_PLATFORM}


def to_csv(report: Report) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(("dimension", "value", "count"))
    writer.writerows(report.rows())
    return buffer.getvalue()
