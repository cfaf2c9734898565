"""Spyware indicator lists: STIX 2 bundles turned into (type, value, threat) rows.

Researchers publish the infrastructure of mercenary spyware (NSO's Pegasus, Intellexa's
Predator, ...) as STIX 2.1 bundles: one `malware` object, many `indicator` objects whose
pattern names one value (`[domain-name:value='example.com']`), and `indicates` relationships
from each indicator to the malware. These are the files the Mobile Verification Toolkit reads.

Real files are untidy, and the parser is tolerant where it can be and says what it dropped:

* MVT uses object types that are not in the STIX specification (`process:name`, `app:id`,
  `configuration-profile:id`): the `stix2` library is told to allow custom content.
* An object that fails validation, or a pattern that is not a single `=` comparison, is
  skipped and counted instead of rejecting the whole file.
* A relationship whose ends are not in the bundle is counted and ignored.
* IP addresses filed under `domain-name:value` are filed as `ipv4-addr`/`ipv6-addr` values;
  domains are lower-cased and punycoded, URLs normalised like the links people check, so a
  lookup compares like with like.

Pure: takes the file's text, returns data.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import stix2
import stix2.exceptions

from monitor import links, lookalikes
from monitor.errors import InvalidInput

MAX_TYPE = 32
MAX_VALUE = 512
MAX_THREAT = 128
UNKNOWN_THREAT = "unknown threat"
THREAT_TYPES = frozenset(
    {"malware", "tool", "threat-actor", "intrusion-set", "campaign", "infrastructure"}
)
# `[object-type:property.path = 'value']`, the single comparison these lists use.
_SIMPLE_PATTERN = re.compile(
    r"^\[\s*(?P<object>[a-z0-9][a-z0-9-]*):(?P<path>[a-z0-9_.'\-]+)\s*=\s*"
    r"'(?P<value>(?:[^'\\]|\\.)*)'\s*\]$",
    re.IGNORECASE,
)
_ESCAPE = re.compile(r"\\(.)")


@dataclass(frozen=True)
class ParsedIndicator:
    type: str  # object-type:property, e.g. domain-name:value
    value: str
    threat: str


@dataclass(frozen=True)
class ParsedBundle:
    """What a file holds, plus what was dropped and why (counts, for the person loading it)."""

    indicators: tuple[ParsedIndicator, ...]
    threats: tuple[str, ...]
    invalid_objects: int = 0
    unsupported_patterns: int = 0
    dangling_relationships: int = 0
    duplicates: int = 0

    def skipped(self) -> dict[str, int]:
        """What was left out, by reason."""
        return {
            "invalid_objects": self.invalid_objects,
            "unsupported_patterns": self.unsupported_patterns,
            "dangling_relationships": self.dangling_relationships,
            "duplicates": self.duplicates,
        }

    def counts_by_type(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for indicator in self.indicators:
            counts[indicator.type] = counts.get(indicator.type, 0) + 1
        return dict(sorted(counts.items()))


def parse_bundle(text: str | bytes) -> ParsedBundle:
    """Every usable indicator of a STIX 2 bundle, with the name of the threat it indicates."""
    objects = _objects(text)
    parsed, invalid = _parse_objects(objects)
    by_id = {obj["id"]: obj for obj in parsed}
    threat_of, dangling = _threats_by_indicator(parsed, by_id)
    fallback = _only_threat(parsed)
    rows: dict[tuple[str, str], ParsedIndicator] = {}
    unsupported = duplicates = 0
    for obj in parsed:
        if obj["type"] != "indicator":
            continue
        row = _indicator_row(obj, threat_of.get(obj["id"], fallback))
        if row is None:
            unsupported += 1
        elif (row.type, row.value) in rows:
            duplicates += 1
        else:
            rows[(row.type, row.value)] = row
    threats = tuple(dict.fromkeys(row.threat for row in rows.values()))
    return ParsedBundle(tuple(rows.values()), threats, invalid, unsupported, dangling, duplicates)


def _objects(text: str | bytes) -> list[Mapping[str, Any]]:
    try:
        data = json.loads(text)
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"This is not a JSON file ({exc}); expected a STIX 2 bundle.") from exc
    if not isinstance(data, dict) or data.get("type") != "bundle":
        raise InvalidInput('This is not a STIX 2 bundle (no top-level "type": "bundle").')
    objects = data.get("objects", [])
    if not isinstance(objects, list):
        raise InvalidInput('The bundle\'s "objects" is not a list.')
    return [obj for obj in objects if isinstance(obj, dict)]


def _parse_objects(objects: list[Mapping[str, Any]]) -> tuple[list[Any], int]:
    """Each object through `stix2` on its own, so one bad object costs only itself."""
    parsed, invalid = [], 0
    for obj in objects:
        try:
            parsed.append(stix2.parse(obj, allow_custom=True))
        except (stix2.exceptions.STIXError, ValueError, TypeError, KeyError):
            invalid += 1
    return parsed, invalid


def _threats_by_indicator(
    parsed: list[Any], by_id: Mapping[str, Any]
) -> tuple[dict[str, str], int]:
    """indicator id → threat name, from `indicates` relationships; counts dangling ones."""
    threat_of: dict[str, str] = {}
    dangling = 0
    for obj in parsed:
        if obj["type"] != "relationship" or obj["relationship_type"] != "indicates":
            continue
        source, target = by_id.get(obj["source_ref"]), by_id.get(obj["target_ref"])
        if source is None or target is None:
            dangling += 1
            continue
        if source["type"] == "indicator" and target["type"] in THREAT_TYPES:
            threat_of.setdefault(source["id"], _name(target))
    return threat_of, dangling


def _only_threat(parsed: list[Any]) -> str:
    """The threat an unrelated indicator is taken to indicate: the bundle's only one, if so."""
    names = {_name(obj) for obj in parsed if obj["type"] in THREAT_TYPES}
    return names.pop() if len(names) == 1 else UNKNOWN_THREAT


def _name(obj: Any) -> str:
    return str(obj.get("name") or UNKNOWN_THREAT)[:MAX_THREAT]


def _indicator_row(obj: Any, threat: str) -> ParsedIndicator | None:
    if obj.get("pattern_type", "stix") != "stix":
        return None
    match = _SIMPLE_PATTERN.match(str(obj["pattern"]).strip())
    if match is None:
        return None
    path = match["path"].replace("'", "").lower()
    kind = f"{match['object'].lower()}:{path}"
    value = _ESCAPE.sub(r"\1", match["value"]).strip()
    normalised = normalise(kind, value)
    if normalised is None:
        return None
    kind, value = normalised
    if not value or len(kind) > MAX_TYPE or len(value) > MAX_VALUE:
        return None
    return ParsedIndicator(kind, value, threat)


def normalise(kind: str, value: str) -> tuple[str, str] | None:
    """The (type, value) a lookup will use, or None for a value that cannot be right."""
    try:
        if kind in (links.DOMAIN, links.IPV4, links.IPV6):
            return _network_value(value)
        if kind == links.URL:
            return kind, links.normalise_url(value).url
    except InvalidInput:
        return None
    if kind == "email-addr:value" or kind.startswith("file:hashes.") or kind.endswith("sha256"):
        return kind, value.lower()
    return kind, value


def _network_value(value: str) -> tuple[str, str]:
    address = lookalikes.ip_address(value.removesuffix("/32").removesuffix("/128"))
    if address is not None:
        return (links.IPV4 if address.version == 4 else links.IPV6), str(address)
    return links.DOMAIN, lookalikes.normalise_host(value)
