"""STIX 2.1 export: valid objects, stable ids, nothing captured, no platform blocked."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import stix2

from monitor import stix
from monitor.exports import Case
from monitor.storage.incidents import IncidentRecord, SightingRecord

T0 = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
NAMESPACE = uuid.UUID("8a4f9d3e-5b0c-4c4e-9d5f-0123456789ab")


def _sighting(n: int, url: str | None) -> SightingRecord:
    return SightingRecord(
        id=n,
        source_id=1,
        capture_id=n,
        capture_sha256="a" * 64,
        url=url,
        title="Jane Roe is a traitor",
        kind="smear",
        score=1.0,
        seen_at=T0 + timedelta(hours=n),
        published_at=None,
        evidence={},
    )


def _case(incident_id: int, urls: list[str | None]) -> Case:
    record = IncidentRecord(
        id=incident_id,
        activist_id=7,
        kind="smear",
        severity="high",
        status="confirmed",
        title="Jane Roe is a traitor",
        signals=(),
        score=1.0,
        first_seen=T0,
        last_seen=T0 + timedelta(hours=len(urls)),
        sightings=len(urls),
        shareable=True,
        urls=tuple(u for u in urls if u),
    )
    sightings = tuple(_sighting(n, url) for n, url in enumerate(urls, 1))
    return Case(record, sightings, (), (), ())


def _bundle(cases: list[Case], namespace: uuid.UUID = NAMESPACE) -> Any:
    return stix.stix_bundle(
        cases,
        person=lambda activist_id: f"activist-{activist_id:04d}",
        namespace=namespace,
        producer="activist-monitor test",
        now=T0 + timedelta(days=1),
    )


def test_the_bundle_parses_back_and_ties_every_address_to_its_incident() -> None:
    cases = [
        _case(1, ["https://smear.example/a", "https://smear.example/a", "https://t.me/c/1"]),
        _case(2, ["https://smear.example/b", None]),
    ]
    text = _bundle(cases).serialize()
    assert "Jane Roe" not in text
    objects = list(stix2.parse(text, allow_custom=True).objects)
    by_type: dict[str, list[Any]] = {}
    for obj in objects:
        by_type.setdefault(obj.type, []).append(obj)
    assert len(by_type["incident"]) == 2 and len(by_type["identity"]) == 1
    patterns = sorted(i.pattern for i in by_type["indicator"])
    assert patterns == [
        "[domain-name:value = 'smear.example']",
        "[url:value = 'https://smear.example/a']",
        "[url:value = 'https://smear.example/b']",
        "[url:value = 'https://t.me/c/1']",
    ]
    observed = {tuple(o.object_refs): o for o in by_type["observed-data"]}
    assert sorted(o.number_observed for o in observed.values()) == [1, 1, 2]
    domain = next(i for i in by_type["indicator"] if "domain-name" in i.pattern)
    assert domain.valid_from == T0 + timedelta(hours=1)
    incidents = {i.id for i in by_type["incident"]}
    related = {(r.source_ref, r.target_ref) for r in by_type["relationship"]}
    assert (domain.id, by_type["incident"][0].id) in related
    assert all(target in incidents for _, target in related)
    first = by_type["incident"][0]
    assert first["x_monitor_kind"] == "smear" and first["x_monitor_target"] == "activist-0007"
    assert first["x_monitor_first_seen"] == "2025-03-01T12:00:00.000000Z"


def test_ids_are_stable_per_installation() -> None:
    cases = [_case(1, ["https://smear.example/a"])]

    def ids(namespace: uuid.UUID) -> set[str]:
        return {o["id"] for o in json.loads(_bundle(cases, namespace).serialize())["objects"]}

    assert ids(NAMESPACE) == ids(NAMESPACE)
    other = ids(uuid.uuid4())
    shared = ids(NAMESPACE) & other
    assert shared and all(i.split("--")[0] in {"url", "domain-name"} for i in shared)


@pytest.mark.parametrize(
    ("value", "literal"),
    [("https://x.example/it's", r"'https://x.example/it\'s'"), ("a\\b", r"'a\\b'")],
)
def test_pattern_literals_are_escaped_and_valid(value: str, literal: str) -> None:
    assert stix.pattern_literal(value) == literal
    stix2.v21.Indicator(pattern=f"[url:value = {literal}]", pattern_type="stix", valid_from=T0)


def test_hosts_that_are_addresses_become_ip_objects() -> None:
    assert stix.host_object("127.0.0.1")["type"] == "ipv4-addr"
    assert stix.host_object("::1")["type"] == "ipv6-addr"
    assert stix.host_object("smear.example")["type"] == "domain-name"
    assert stix.is_platform("https://m.facebook.com/x") and not stix.is_platform("https://a.az/")
