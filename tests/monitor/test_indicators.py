"""Parsing real spyware indicator files (Amnesty Tech's STIX 2.1 bundles) and their quirks."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import pytest

from monitor.errors import InvalidInput
from monitor.indicators import UNKNOWN_THREAT, ParsedBundle, parse_bundle
from tests import DATA

IOC = DATA / "ioc"

EXPECTED = {
    "pegasus": (
        "Pegasus",
        {"domain-name:value": 1438, "email-addr:value": 29, "file:name": 1, "process:name": 81},
    ),
    "cytrox": (
        "Predator",
        {"configuration-profile:id": 1, "domain-name:value": 336, "file:path": 6},
    ),
    "wintego_helios": ("Wintego Helios", {"domain-name:value": 175}),
    # NoviSpy files its 7 IP addresses under domain-name: they are stored as IP addresses.
    "novispy": (
        "NoviSpy",
        {"app:cert.sha256": 3, "app:id": 4, "file:hashes.sha256": 4, "ipv4-addr:value": 7},
    ),
}


@cache
def parsed(name: str) -> ParsedBundle:
    """Each real file parsed once per test run (Pegasus alone takes seconds)."""
    return parse_bundle((IOC / f"{name}.stix2").read_bytes())


def values(bundle: ParsedBundle, kind: str) -> set[str]:
    return {i.value for i in bundle.indicators if i.type == kind}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_real_file_loads_whole_with_its_threat(name: str) -> None:
    threat, by_type = EXPECTED[name]
    bundle = parsed(name)
    assert bundle.counts_by_type() == by_type
    assert bundle.threats == (threat,)
    assert {i.threat for i in bundle.indicators} == {threat}
    assert (bundle.invalid_objects, bundle.unsupported_patterns, bundle.duplicates) == (0, 0, 0)


def test_ip_addresses_under_domain_name_become_ip_indicators() -> None:
    bundle = parsed("novispy")
    assert "176.223.111.131" in values(bundle, "ipv4-addr:value")
    assert not values(bundle, "domain-name:value")


def test_a_dangling_relationship_is_counted_not_fatal() -> None:
    bundle = parsed("wintego_helios")
    assert bundle.dangling_relationships == 1
    assert len(bundle.indicators) == 175
    assert "bbc.tf" in values(bundle, "domain-name:value")


def test_non_standard_mvt_types_are_kept() -> None:
    assert values(parsed("pegasus"), "file:name") == {"roleaccountd.plist"}
    assert len(values(parsed("pegasus"), "process:name")) == 81
    assert len(values(parsed("cytrox"), "configuration-profile:id")) == 1
    assert "/data/local/tmp/wd/" in values(parsed("cytrox"), "file:path")
    app_ids = values(parsed("novispy"), "app:id")
    assert len(app_ids) == 4 and all("." in app_id for app_id in app_ids)


def test_words_inside_domain_names_do_not_change_their_type() -> None:
    domains = values(parsed("pegasus"), "domain-name:value")
    assert {"exploreemail.net", "pprocessor.net"} <= domains
    emails = values(parsed("pegasus"), "email-addr:value")
    assert len(emails) == 29 and all("@" in e for e in emails)
    assert not domains & emails


def bundle(*objects: dict[str, Any]) -> bytes:
    return json.dumps({"type": "bundle", "id": "bundle--1", "objects": list(objects)}).encode()


MALWARE = {
    "type": "malware",
    "spec_version": "2.1",
    "id": "malware--2e9d534b-2e11-4758-bdc5-9c3e1c100d4d",
    "created": "2024-01-26T21:28:21.013Z",
    "modified": "2024-01-26T21:28:21.013Z",
    "name": "Test Spy",
    "is_family": False,
}


def indicator(number: int, pattern: str) -> dict[str, Any]:
    return {
        "type": "indicator",
        "spec_version": "2.1",
        "id": f"indicator--00000000-0000-4000-8000-{number:012d}",
        "created": "2024-01-26T21:28:21.013Z",
        "modified": "2024-01-26T21:28:21.013Z",
        "indicator_types": ["malicious-activity"],
        "pattern": pattern,
        "pattern_type": "stix",
        "pattern_version": "2.1",
        "valid_from": "2024-01-26T21:28:21.013Z",
    }


def test_values_are_normalised_and_odd_patterns_counted() -> None:
    broken = indicator(9, "[domain-name:value = 'x.example'")  # not a valid pattern
    result = parse_bundle(
        bundle(
            MALWARE,
            indicator(1, "[domain-name:value='Login.EXAMPLE.com.']"),
            indicator(2, "[url:value = 'HTTPS://user@Evil.Example:443/a?b=1#frag']"),
            indicator(3, "[ipv4-addr:value='10.1.2.3/32']"),
            indicator(4, "[file:name='it\\'s.apk']"),
            indicator(5, "[domain-name:value='a.example' OR domain-name:value='b.example']"),
            indicator(6, "[domain-name:value='login.example.com']"),
            indicator(7, "[domain-name:value='bücher.example']"),
            broken,
        )
    )
    assert {(i.type, i.value) for i in result.indicators} == {
        ("domain-name:value", "login.example.com"),
        ("url:value", "https://evil.example/a?b=1"),
        ("ipv4-addr:value", "10.1.2.3"),
        ("file:name", "it's.apk"),
        ("domain-name:value", "xn--bcher-kva.example"),
    }
    # No relationships at all: the bundle's only malware is the threat.
    assert {i.threat for i in result.indicators} == {"Test Spy"}
    assert (result.invalid_objects, result.unsupported_patterns, result.duplicates) == (1, 1, 1)


def test_threat_comes_from_the_relationship_and_is_unknown_without_one() -> None:
    other = {**MALWARE, "id": "malware--3e9d534b-2e11-4758-bdc5-9c3e1c100d4d", "name": "Other"}
    related = {
        "type": "relationship",
        "spec_version": "2.1",
        "id": "relationship--657ec923-bcf2-4d19-8dc5-1290ad89df56",
        "created": "2024-01-26T21:28:21.018Z",
        "modified": "2024-01-26T21:28:21.018Z",
        "relationship_type": "indicates",
        "source_ref": indicator(1, "")["id"],
        "target_ref": other["id"],
    }
    result = parse_bundle(
        bundle(
            MALWARE,
            other,
            related,
            indicator(1, "[domain-name:value='a.example']"),
            indicator(2, "[domain-name:value='b.example']"),
        )
    )
    threats = {i.value: i.threat for i in result.indicators}
    assert threats == {"a.example": "Other", "b.example": UNKNOWN_THREAT}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"not json", "not a JSON file"),
        (b'{"type": "indicator"}', "not a STIX 2 bundle"),
        (b'["bundle"]', "not a STIX 2 bundle"),
        (b'{"type": "bundle", "objects": {}}', "is not a list"),
    ],
)
def test_files_that_are_not_bundles_are_refused(data: bytes, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        parse_bundle(data)
