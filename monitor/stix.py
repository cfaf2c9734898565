"""STIX 2.1 for helplines and CERTs: the incidents and the addresses behind them.

What is shared is what another responder can act on: one `incident` per case (kind,
severity, status, first and last seen as `x_monitor_*` properties, the person as a stable
pseudonym), and for each web address involved a `url` observation, an `indicator` with the
pattern `[url:value = '...']`, and `observed-data` saying when and how often it was seen, tied
to the incident by `related-to` relationships. Hosts that are not big platforms also get a
`domain-name` indicator; t.me or facebook.com do not, because blocking them would be wrong.

Nothing captured is shared: no titles, no text, no bytes (titles are attacker-written and
often name the person). Object ids are derived from a per-installation namespace, so exporting
the same case twice gives the same ids and a recipient can merge updates.
"""

from __future__ import annotations

import ipaddress
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import stix2

from monitor.exports import Case
from monitor.reports import platform_of

PREFIX = "x_monitor_"


@dataclass
class Seen:
    """When and how often one address was seen for one incident."""

    first: datetime
    last: datetime
    count: int = 0

    def add(self, moment: datetime) -> None:
        self.first, self.last = min(self.first, moment), max(self.last, moment)
        self.count += 1


def pattern_literal(value: str) -> str:
    """A STIX pattern string literal: quotes and backslashes escaped."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def addresses(case: Case) -> dict[str, Seen]:
    """Each address of the case's sightings, with when and how often it was seen."""
    seen: dict[str, Seen] = {}
    for s in case.sightings:
        if not s.url:
            continue
        seen.setdefault(s.url, Seen(s.seen_at, s.seen_at)).add(s.seen_at)
    return seen


class Builder:
    """Collects the objects of one bundle, each once, with ids stable per installation."""

    def __init__(self, namespace: uuid.UUID, producer: str, now: datetime) -> None:
        self.namespace = namespace
        self.now = now
        self.objects: dict[str, Any] = {}
        self.identity = self.add(
            stix2.v21.Identity(
                id=self.id("identity", "producer"),
                name=producer,
                identity_class="system",
                created=now,
                modified=now,
            )
        )

    def id(self, kind: str, key: str) -> str:
        return f"{kind}--{uuid.uuid5(self.namespace, f'{kind}:{key}')}"

    def add(self, obj: Any) -> Any:
        self.objects.setdefault(obj.id, obj)
        return self.objects[obj.id]

    def common(self, created: datetime) -> dict[str, Any]:
        return {"created_by_ref": self.identity.id, "created": created, "modified": self.now}

    def incident(self, case: Case, person: str) -> Any:
        r = case.incident
        return self.add(
            stix2.v21.Incident(
                id=self.id("incident", str(r.id)),
                name=f"{r.kind} incident {r.id} against {person}",
                description=(
                    f"A {r.severity} {r.kind.replace('_', ' ')} incident against {person}, "
                    f"seen {r.sightings} time(s) between {r.first_seen:%Y-%m-%d} and "
                    f"{r.last_seen:%Y-%m-%d}; status {r.status}."
                ),
                labels=[r.kind],
                allow_custom=True,
                **{
                    f"{PREFIX}kind": r.kind,
                    f"{PREFIX}severity": r.severity,
                    f"{PREFIX}status": r.status,
                    f"{PREFIX}signals": list(r.signals),
                    f"{PREFIX}first_seen": _stamp(r.first_seen),
                    f"{PREFIX}last_seen": _stamp(r.last_seen),
                    f"{PREFIX}sightings": r.sightings,
                    f"{PREFIX}target": person,
                },
                **self.common(r.first_seen),
            )
        )

    def indicator(self, sco_type: str, value: str, first: datetime) -> Any:
        return self.add(
            stix2.v21.Indicator(
                id=self.id("indicator", f"{sco_type}:{value}"),
                name=f"{sco_type} used against a protected person",
                indicator_types=["malicious-activity"],
                pattern=f"[{sco_type}:value = {pattern_literal(value)}]",
                pattern_type="stix",
                valid_from=first,
                **self.common(first),
            )
        )

    def relate(self, source: Any, target: Any) -> None:
        self.add(
            stix2.v21.Relationship(
                id=self.id("relationship", f"{source.id}>{target.id}"),
                relationship_type="related-to",
                source_ref=source.id,
                target_ref=target.id,
                **self.common(self.now),
            )
        )

    def address(self, incident: Any, case_id: int, url: str, seen: Seen, first: Firsts) -> None:
        """The address as observed for this incident, and indicators for it (and its host)."""
        refs = [self.add(stix2.v21.URL(value=url)).id]
        host = host_of(url)
        if host is not None:
            refs.append(self.add(host_object(host)).id)
        observed = self.add(
            stix2.v21.ObservedData(
                id=self.id("observed-data", f"{case_id}:{url}"),
                first_observed=seen.first,
                last_observed=seen.last,
                number_observed=seen.count,
                object_refs=refs,
                **self.common(seen.first),
            )
        )
        self.relate(observed, incident)
        self.relate(self.indicator("url", url, first[url]), incident)
        if host is not None and not is_platform(url):
            kind = host_object(host)["type"]
            self.relate(self.indicator(kind, host, first[host]), incident)


Firsts = dict[str, datetime]


def host_of(url: str) -> str | None:
    return (urlsplit(url).hostname or "").lower() or None


def host_object(host: str) -> Any:
    """A domain-name, or an ipv4-addr / ipv6-addr when the host is an address."""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return stix2.v21.DomainName(value=host)
    if address.version == 4:
        return stix2.v21.IPv4Address(value=host)
    return stix2.v21.IPv6Address(value=host)


def is_platform(url: str) -> bool:
    host = host_of(url) or ""
    return platform_of(url) != host.removeprefix("www.")


def earliest(cases: Sequence[Case]) -> Firsts:
    """When each address and host was first seen across the bundle: an indicator's start."""
    first: Firsts = {}
    for case in cases:
        for url, seen in addresses(case).items():
            for key in (url, host_of(url)):
                if key is not None:
                    first[key] = min(first.get(key, seen.first), seen.first)
    return first


def stix_bundle(
    cases: Sequence[Case],
    *,
    person: Callable[[int], str],
    namespace: uuid.UUID,
    producer: str,
    now: datetime,
) -> Any:
    """A STIX 2.1 bundle of the cases, the addresses involved and how they relate."""
    builder = Builder(namespace, producer, now)
    first = earliest(cases)
    for case in cases:
        incident = builder.incident(case, person(case.incident.activist_id))
        for url, seen in addresses(case).items():
            builder.address(incident, case.incident.id, url, seen, first)
    return stix2.v21.Bundle(objects=list(builder.objects.values()), allow_custom=True)


def namespace_from(secret_hex: str) -> uuid.UUID:
    """A per-installation UUID namespace from a keyed hash (so ids reveal nothing)."""
    return uuid.UUID(hex=secret_hex[:32])


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
