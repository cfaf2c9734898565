"""Checking a suspicious link: normalise it, then decide a verdict with reasons.

An activist pastes a link they were sent. It is `malicious` when its host, a parent domain,
its IP address or the exact URL is in a loaded indicator list (spyware and phishing
infrastructure published by researchers); `suspicious` when it imitates a registered
organisation domain (see `monitor.lookalikes`), mixes alphabets in one name, or hides its real
host behind a `name@` prefix; `unknown` otherwise. "Unknown" is not "safe": the reasons say what
was checked, so nobody reads more into it than there is.

Pure functions: the indicator rows that match and the registered domains are passed in
(`monitor.storage.links` looks them up and records the check).
"""

from __future__ import annotations

import dataclasses
import ipaddress
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from monitor import lookalikes
from monitor.errors import InvalidInput
from monitor.lookalikes import Resemblance

DOMAIN = "domain-name:value"
URL = "url:value"
IPV4 = "ipv4-addr:value"
IPV6 = "ipv6-addr:value"
VERDICTS = ("malicious", "suspicious", "unknown")
MAX_URL_LENGTH = 4096

_DEFANGED = (
    (re.compile(r"^hxxp", re.IGNORECASE), "http"),
    (re.compile(r"\[\.\]|\(\.\)|\{\.\}|\[dot\]", re.IGNORECASE), "."),
    (re.compile(r"\[:\]"), ":"),
)
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)
# `mailto:x`, `javascript:x`: a scheme without `//` (a colon before digits is a port instead).
_OTHER_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*):(?!\d)", re.IGNORECASE)


@dataclass(frozen=True)
class Link:
    """A link in one canonical form: what the checks look at."""

    url: str
    host: str
    registered_domain: str | None
    ip: str | None
    hidden_prefix: str | None = None

    @property
    def display_host(self) -> str:
        return lookalikes.unicode_host(self.host)


@dataclass(frozen=True)
class LookupKey:
    """One indicator value to look for, and what a hit on it would mean."""

    type: str
    value: str
    how: str  # "domain", "parent domain", "url" or "ip"


@dataclass(frozen=True)
class IndicatorHit:
    """A loaded indicator that matched the link."""

    type: str
    value: str
    threat: str
    origin: str
    how: str

    def to_dict(self) -> dict[str, str]:
        return {
            "type": self.type,
            "value": self.value,
            "threat": self.threat,
            "list": self.origin,
            "how": self.how,
        }


@dataclass(frozen=True)
class LinkVerdict:
    """The answer for one link: verdict, the reasons in words, and what they rest on.

    `signals` and `severity` are what an incident for the activist would carry (none for an
    `unknown` verdict). `check_id` and `incident_id` are set once the check is recorded.
    """

    url: str
    host: str
    registered_domain: str | None
    verdict: str
    reasons: tuple[str, ...]
    signals: tuple[str, ...] = ()
    severity: str | None = None
    indicators: tuple[IndicatorHit, ...] = ()
    lookalikes: tuple[Resemblance, ...] = ()
    spyware: tuple[str, ...] = ()
    activist_id: int | None = None
    check_id: int | None = None
    incident_id: int | None = None

    @property
    def display_host(self) -> str:
        return lookalikes.unicode_host(self.host)

    def evidence(self) -> dict[str, Any]:
        """What an incident's sighting keeps: the reasons and what they rest on."""
        data: dict[str, Any] = {
            "verdict": self.verdict,
            "host": self.display_host,
            "registered_domain": self.registered_domain,
            "reasons": list(self.reasons),
            "indicators": [hit.to_dict() for hit in self.indicators],
            "lookalikes": [dataclasses.asdict(r) for r in self.lookalikes],
        }
        if self.spyware:
            data["spyware"] = list(self.spyware)
        return data

    def to_dict(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "check_id": self.check_id,
            "activist_id": self.activist_id,
            "incident_id": self.incident_id,
            "signals": list(self.signals),
            "severity": self.severity,
            **self.evidence(),
            "spyware": list(self.spyware),
        }


# --- normalising ----------------------------------------------------------------------------


def normalise_url(text: str) -> Link:
    """The link in canonical form, or InvalidInput saying why it cannot be checked.

    Accepts what people paste: surrounding spaces, quotes or angle brackets, a missing
    `http://`, and defanged forms (`hxxp://evil[.]com`). The host is lower-cased and turned
    into punycode; user info (`name:password@`), the port and the `#fragment` are dropped.
    """
    raw = _refang(text.strip().strip("<>\"'").strip())
    if not raw:
        raise InvalidInput("Give a link to check, e.g. https://example.org/login.")
    if len(raw) > MAX_URL_LENGTH:
        raise InvalidInput(f"That link is longer than {MAX_URL_LENGTH} characters.")
    parts = urlsplit(_with_scheme(raw))
    scheme = parts.scheme.lower()
    _require_web(scheme)
    netloc = parts.netloc
    hidden, _, _ = netloc.rpartition("@")
    host_text = netloc.rpartition("@")[2]
    host, ip = _host(host_text, text)
    shown_host = f"[{host}]" if ip and ":" in host else host
    path = parts.path or "/"
    query = f"?{parts.query}" if parts.query else ""
    return Link(
        url=f"{scheme}://{shown_host}{path}{query}",
        host=host,
        registered_domain=lookalikes.registered_domain(host),
        ip=ip,
        hidden_prefix=hidden or None,
    )


def _with_scheme(raw: str) -> str:
    """`example.org/x` is a web link without its `http://`; `mailto:x` is not one."""
    if _SCHEME.match(raw):
        return raw
    other = _OTHER_SCHEME.match(raw)
    if other is not None:
        _require_web(other[1].lower())
    return "http://" + raw


def _require_web(scheme: str) -> None:
    if scheme not in ("http", "https"):
        raise InvalidInput(f"Only web links (http:// or https://) can be checked, not {scheme}:.")


def _refang(text: str) -> str:
    for pattern, replacement in _DEFANGED:
        text = pattern.sub(replacement, text)
    return text


def _host(netloc_host: str, original: str) -> tuple[str, str | None]:
    """The host without port, as (canonical host, IP address if it is one)."""
    if netloc_host.startswith("["):
        name = netloc_host[1:].partition("]")[0]
    else:
        name = netloc_host.rpartition(":")[0] if netloc_host.count(":") == 1 else netloc_host
    if not name:
        raise InvalidInput(f"{original!r} has no host name to check.")
    if name.isdigit():  # http://3232235777/ is an IPv4 address written as one number
        try:
            name = str(ipaddress.IPv4Address(int(name)))
        except ipaddress.AddressValueError:
            raise InvalidInput(f"{original!r} has an invalid host.") from None
    host = lookalikes.normalise_host(name)
    address = lookalikes.ip_address(host)
    return host, (str(address) if address is not None else None)


def lookup_keys(link: Link) -> list[LookupKey]:
    """The indicator values that would condemn this link."""
    if link.ip is not None:
        kind = IPV6 if ":" in link.ip else IPV4
        return [LookupKey(kind, link.ip, "ip"), LookupKey(URL, link.url, "url")]
    keys = [LookupKey(DOMAIN, link.host, "domain")]
    keys += [
        LookupKey(DOMAIN, parent, "parent domain")
        for parent in lookalikes.parent_domains(link.host)
    ]
    keys.append(LookupKey(URL, link.url, "url"))
    return keys


# --- deciding --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Context:
    """What the decision needs from the database: indicator hits and registered domains."""

    hits: Sequence[IndicatorHit] = ()
    protected: Sequence[str] = ()
    indicator_count: int = 0


def decide(link: Link, context: Context) -> LinkVerdict:
    """The verdict for `link` and every reason behind it, strongest first."""
    hits = tuple(context.hits)
    found = tuple(_resemblances(link, context.protected))
    own = [d for d in context.protected if _is_within(link.host, d)]
    warnings = _warnings(link)
    reasons = [_hit_reason(link, hit) for hit in hits]
    reasons += [r.describe() for r in found] + warnings
    if hits:
        # Indicator lists are spyware lists (the files MVT reads): each threat is spyware.
        spyware = tuple(dict.fromkeys(hit.threat for hit in hits))
        return LinkVerdict(
            link.url,
            link.host,
            link.registered_domain,
            "malicious",
            tuple(reasons),
            ("known_bad_link", "spyware_indicator"),
            "critical",
            hits,
            found,
            spyware,
        )
    if found or warnings:
        return LinkVerdict(
            link.url,
            link.host,
            link.registered_domain,
            "suspicious",
            tuple(reasons),
            ("lookalike_domain",),
            "high" if found else "medium",
            (),
            found,
        )
    reasons += [
        f"{link.display_host} belongs to the registered organisation domain {d}" for d in own
    ]
    reasons += _unknown_reasons(context)
    return LinkVerdict(link.url, link.host, link.registered_domain, "unknown", tuple(reasons))


def _resemblances(link: Link, protected: Iterable[str]) -> list[Resemblance]:
    if link.ip is not None:
        return []
    found = (lookalikes.resemblance(link.host, domain) for domain in dict.fromkeys(protected))
    return [r for r in found if r is not None]


def _is_within(host: str, domain: str) -> bool:
    return host == domain or host.endswith("." + domain)


def _hit_reason(link: Link, hit: IndicatorHit) -> str:
    listed = f"listed as {hit.threat} infrastructure in the indicator list {hit.origin!r}"
    if hit.how == "parent domain":
        return f"{link.display_host} is under {hit.value}, {listed}"
    if hit.how == "url":
        return f"this exact link is {listed}"
    return f"{hit.value} is {listed}"


def _warnings(link: Link) -> list[str]:
    """Signs of deception that need no list: a fake host before `@`, mixed alphabets."""
    warnings = []
    if link.hidden_prefix and "." in link.hidden_prefix:
        warnings.append(
            f"the link starts with {link.hidden_prefix!r} followed by '@', which browsers "
            f"ignore: it really leads to {link.display_host}"
        )
    for label in link.display_host.split("."):
        scripts = _scripts(label)
        if len(scripts) > 1:
            warnings.append(
                f"the name {label!r} mixes {' and '.join(sorted(scripts))} letters, a way to "
                "imitate a familiar name"
            )
    return warnings


def _scripts(label: str) -> set[str]:
    names = (unicodedata.name(c, "").split(" ")[0] for c in label if c.isalpha())
    return {n.capitalize() for n in names if n in ("LATIN", "CYRILLIC", "GREEK", "ARMENIAN")}


def _unknown_reasons(context: Context) -> list[str]:
    if context.indicator_count:
        listed = f"not found among {context.indicator_count} loaded indicators"
    else:
        listed = "no indicator lists are loaded (`monitor ioc load FILE`), so none was checked"
    if context.protected:
        lookalike = (
            f"does not imitate any of the {len(set(context.protected))} registered "
            "organisation domains"
        )
    else:
        lookalike = "no organisation domains are registered to compare it with"
    return [listed, lookalike, "unknown is not a guarantee: if in doubt, do not enter passwords"]
