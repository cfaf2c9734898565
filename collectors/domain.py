"""Lookalike domains of an organisation, found in certificate transparency logs (crt.sh)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar
from urllib.parse import quote

from collectors._http import fetched
from monitor import lookalikes
from monitor.errors import InvalidInput, UserError
from monitor.lookalikes import Resemblance
from monitor.registry import Collected, Collector, Fetched, Item, SourceView


class DomainCollector(Collector):
    """Lookalikes of an organisation's domain that got a TLS certificate (crt.sh search).

    TARGET is the domain to protect (e.g. ictimai.org.az); the source needs --activist.
    Phishing sites need certificates, and every certificate is published in certificate
    transparency logs: each check asks crt.sh for certificates whose names contain the
    domain's name and keeps those that imitate it (look-alike letters, typos, another ending,
    added words like login- or -secure, the name shown in front of another domain). Each new
    lookalike domain is a `phishing` incident (signal lookalike_domain), once; the first check
    reports the ones that already exist. The base URL is MONITOR_CRTSH_URL.
    Example: monitor source add domain ictimai.org.az --activist 3 --every 21600
    """

    kind: ClassVar[str] = "domain"
    target_help: ClassVar[str] = "domain to protect"
    needs_activist: ClassVar[bool] = True
    default_every: ClassVar[int] = 21600

    @classmethod
    def validate_target(cls, target: str) -> str:
        text = target.strip().lower()
        if "://" in text:
            text = text.split("://", 1)[1].split("/", 1)[0]
        host = lookalikes.normalise_host(text.removeprefix("www."))
        registered = lookalikes.registered_domain(host)
        if registered is None:
            raise InvalidInput(f"{target!r} is not a registered domain name (e.g. example.org).")
        if registered != host:
            raise InvalidInput(
                f"Give the organisation's registered domain {registered}, not a host under it: "
                "lookalikes of the whole domain are watched."
            )
        return host

    async def collect(self, source: SourceView) -> Collected:
        config = self.config
        label = source.target.partition(".")[0]
        response = await self.http.get(
            search_url(config.crtsh_url, label), accept="application/json", proxy=source.proxy
        )
        response.raise_for_status()
        known = list(source.state.get("known", []))
        found = lookalike_certificates(_certificates(response.body), source.target)
        evidence = fetched(response)
        items = [
            lookalike_item(name, lookalike, source, evidence, config.crtsh_url)
            for name, lookalike in found.items()
            if name not in known
        ]
        return Collected(items, {"known": known + [item.key for item in items]})


def search_url(base: str, label: str) -> str:
    """crt.sh's identity search for names containing `label`, as JSON, live certificates."""
    query = quote(f"%{label}%", safe="")
    return f"{base.rstrip('/')}/?q={query}&output=json&exclude=expired"


def _certificates(body: bytes) -> list[Mapping[str, Any]]:
    try:
        data = json.loads(body) if body.strip() else []
    except ValueError:
        data = None
    if not isinstance(data, list):
        raise UserError("crt.sh sent something that is not a list of certificates.", code="parse")
    return [entry for entry in data if isinstance(entry, dict)]


@dataclass
class Lookalike:
    """One lookalike domain: how it resembles, its earliest certificate, the names seen."""

    resemblance: Resemblance
    certificate: Mapping[str, Any]
    names: list[str] = field(default_factory=list)


def lookalike_certificates(
    entries: Iterable[Mapping[str, Any]], protected: str
) -> dict[str, Lookalike]:
    """The lookalike domains among the certificates' names, each with its earliest certificate.

    Names are grouped by the domain someone registered: `login.ictimai-secure.com` and
    `www.ictimai-secure.com` are one lookalike, `ictimai-secure.com`.
    """
    found: dict[str, Lookalike] = {}
    for entry in sorted(entries, key=lambda e: (str(e.get("not_before") or ""), _id(e))):
        for name in _names(entry):
            match = lookalikes.resemblance(name, protected)
            if match is None:
                continue
            domain = lookalikes.registered_domain(name) or name
            lookalike = found.setdefault(domain, Lookalike(match, entry))
            if name not in lookalike.names:
                lookalike.names.append(name)
    return found


def _id(entry: Mapping[str, Any]) -> int:
    value = entry.get("id")
    return value if isinstance(value, int) else 0


def _names(entry: Mapping[str, Any]) -> list[str]:
    """The host names a certificate covers (crt.sh puts one per line in name_value)."""
    raw = f"{entry.get('common_name') or ''}\n{entry.get('name_value') or ''}"
    names = []
    for line in raw.splitlines():
        try:
            names.append(lookalikes.normalise_host(line))
        except InvalidInput:
            continue  # an email address or other non-host subject
    return list(dict.fromkeys(names))


def lookalike_item(
    domain: str, found: Lookalike, source: SourceView, evidence: Fetched, base: str
) -> Item:
    """One lookalike domain as a `phishing` signal for the activist whose domain it imitates."""
    shown = lookalikes.unicode_host(domain)
    certificate = found.certificate
    cert_id = certificate.get("id")
    return Item(
        key=domain,
        # Only the lookalike's name and certificate: titles are compared to group reposts into
        # one incident, and lookalikes of one domain share most words (see collectors.breach).
        title=f"{shown} #{cert_id}" if cert_id is not None else shown,
        text="",
        fetched=evidence,
        url=f"{base.rstrip('/')}/?id={cert_id}" if isinstance(cert_id, int) else None,
        activist_id=source.activist_id,
        kind="phishing",
        signal="lookalike_domain",
        severity="high",
        evidence={
            "lookalike": shown,
            "lookalike_ascii": domain,
            "names": [lookalikes.unicode_host(n) for n in found.names],
            "protected_domain": source.target,
            "resembles": found.resemblance.detail,
            "technique": found.resemblance.technique,
            "certificate_id": cert_id,
            "issuer": certificate.get("issuer_name"),
            "not_before": certificate.get("not_before"),
        },
        story=f"lookalike:{domain}",
    )
