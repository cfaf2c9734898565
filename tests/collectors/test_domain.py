"""The domain collector against a local server speaking crt.sh's JSON search."""

from __future__ import annotations

from itertools import count
from typing import Any

import pytest
from aiohttp import web as aioweb

from collectors.domain import DomainCollector
from monitor.errors import InvalidInput, UserError
from monitor.net import FetchError
from tests.conftest import Cli
from tests.support.collecting import collect
from tests.support.localweb import LocalWeb

DOMAIN = "ictimai.org.az"
ISSUER = "C=US, O=Let's Encrypt, CN=R11"
_ids = count(14_000_000_001)


def certificate(*names: str, not_before: str = "2025-03-01T10:00:00") -> dict[str, Any]:
    """One row as crt.sh's `output=json` gives it: one row per certificate, names by line."""
    number = next(_ids)
    return {
        "issuer_ca_id": 295819,
        "issuer_name": ISSUER,
        "common_name": names[0],
        "name_value": "\n".join(names),
        "id": number,
        "entry_timestamp": f"{not_before}.123",
        "not_before": not_before,
        "not_after": "2025-05-30T09:59:59",
        "serial_number": f"{number:040x}",
        "result_count": len(names) + 1,
    }


OWN = certificate("ictimai.org.az", "www.ictimai.org.az")
MAIL = certificate("mail.ictimai.org.az")
COMBO = certificate("ictimai-login.com", "www.ictimai-login.com")
COMBO_LATER = certificate("portal.ictimai-login.com", not_before="2025-03-05T00:00:00")
HOMOGLYPH = certificate("xn--ctmai-m2ec.org.az")  # іctіmai.org.az, Cyrillic і
SUBDOMAIN = certificate("ictimai.org.az.account-verify.net")
TLD_SWAP = certificate("*.ictimai.com", "ictimai.com")
UNRELATED = certificate("ictimaiyyet.az", "www.ictimaiyyet.az")


def crtsh(web: LocalWeb, rows: list[dict[str, Any]], queries: list[dict[str, str]]) -> None:
    async def handler(request: aioweb.Request) -> aioweb.Response:
        queries.append(dict(request.query))
        return aioweb.json_response(rows)

    web.handle("/", handler)


@pytest.fixture
def api(web: LocalWeb, monkeypatch: pytest.MonkeyPatch) -> LocalWeb:
    monkeypatch.setenv("MONITOR_CRTSH_URL", web.url(""))
    return web


async def test_lookalike_certificates_become_phishing_signals(api: LocalWeb) -> None:
    queries: list[dict[str, str]] = []
    rows = [OWN, MAIL, COMBO, COMBO_LATER, HOMOGLYPH, SUBDOMAIN, TLD_SWAP, UNRELATED]
    crtsh(api, rows, queries)
    result = await collect(DomainCollector, DOMAIN, activist_id=4)
    assert queries == [{"q": "%ictimai%", "output": "json", "exclude": "expired"}]
    by_key = {item.key: item for item in result.items}
    assert set(by_key) == {
        "ictimai-login.com",
        "xn--ctmai-m2ec.org.az",
        "account-verify.net",
        "ictimai.com",
    }
    combo = by_key["ictimai-login.com"]
    assert (combo.kind, combo.signal, combo.activist_id) == ("phishing", "lookalike_domain", 4)
    assert combo.story == "lookalike:ictimai-login.com"
    assert combo.evidence == {
        "lookalike": "ictimai-login.com",
        "lookalike_ascii": "ictimai-login.com",
        "names": ["ictimai-login.com", "www.ictimai-login.com", "portal.ictimai-login.com"],
        "protected_domain": DOMAIN,
        "resembles": "the name ictimai with 'login' added, under .com instead of .org.az",
        "technique": "combo",
        "certificate_id": COMBO["id"],
        "issuer": ISSUER,
        "not_before": "2025-03-01T10:00:00",
    }
    assert combo.url == api.url(f"/?id={COMBO['id']}")
    homoglyph = by_key["xn--ctmai-m2ec.org.az"].evidence
    assert homoglyph["lookalike"] == "іctіmai.org.az" and homoglyph["technique"] == "homoglyph"
    assert by_key["account-verify.net"].evidence["names"] == ["ictimai.org.az.account-verify.net"]
    assert by_key["ictimai.com"].evidence["technique"] == "tld_swap"
    assert result.state == {"known": list(by_key)}


async def test_known_lookalikes_are_not_repeated(api: LocalWeb) -> None:
    rows = [OWN, COMBO]
    crtsh(api, rows, [])
    first = await collect(DomainCollector, DOMAIN, activist_id=4)
    rows.append(COMBO_LATER)  # a new name of a known lookalike: nothing new
    again = await collect(DomainCollector, DOMAIN, activist_id=4, state=first.state)
    assert ([i.key for i in first.items], again.items) == (["ictimai-login.com"], [])
    rows.append(HOMOGLYPH)
    later = await collect(DomainCollector, DOMAIN, activist_id=4, state=again.state)
    assert [i.key for i in later.items] == ["xn--ctmai-m2ec.org.az"]
    assert later.state == {"known": ["ictimai-login.com", "xn--ctmai-m2ec.org.az"]}


async def test_no_certificates_is_no_items(api: LocalWeb) -> None:
    crtsh(api, [OWN, MAIL, UNRELATED], [])
    result = await collect(DomainCollector, DOMAIN, activist_id=4)
    assert (result.items, result.state) == ([], {"known": []})
    api.serve("/", "[]", content_type="application/json")
    assert (await collect(DomainCollector, DOMAIN, activist_id=4)).items == []


@pytest.mark.parametrize(("status", "retryable"), [(502, True), (429, True), (404, False)])
async def test_server_errors(api: LocalWeb, status: int, retryable: bool) -> None:
    api.serve("/", "busy", status=status, headers={"Retry-After": "60"})
    with pytest.raises(FetchError) as caught:
        await collect(DomainCollector, DOMAIN, activist_id=4)
    assert (caught.value.status, caught.value.retryable) == (status, retryable)


async def test_an_html_page_instead_of_json_is_an_error(api: LocalWeb) -> None:
    api.serve("/", "<html><body>crt.sh is overloaded</body></html>")
    with pytest.raises(UserError, match="not a list of certificates"):
        await collect(DomainCollector, DOMAIN, activist_id=4)


@pytest.mark.parametrize(
    ("target", "canonical"),
    [
        ("ictimai.org.az", "ictimai.org.az"),
        ("  WWW.Ictimai.ORG.az. ", "ictimai.org.az"),
        ("https://www.ictimai.org.az/en/about", "ictimai.org.az"),
        ("іctіmai.az", "xn--ctmai-m2ec.az"),
    ],
)
def test_target_is_the_registered_domain(target: str, canonical: str) -> None:
    assert DomainCollector.validate_target(target) == canonical


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("mail.ictimai.org.az", "registered domain ictimai.org.az, not a host"),
        ("org.az", "not a registered domain"),
        ("not a domain", "not a valid host name"),
        ("176.223.111.131", "not a registered domain"),
    ],
)
def test_bad_targets(target: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        DomainCollector.validate_target(target)


def test_end_to_end_lookalikes_open_phishing_incidents_once(
    monitor_cli: Cli, api: LocalWeb
) -> None:
    rows = [OWN, COMBO, SUBDOMAIN]
    crtsh(api, rows, [])
    monitor_cli.ok("activist", "add", "Jane Doe", "--domain", DOMAIN)
    monitor_cli.ok("source", "add", "domain", "https://www.ictimai.org.az/", "--activist", "1")
    assert monitor_cli.json("source", "list")[0]["target"] == DOMAIN
    first = monitor_cli.json("collect", "--once", "--all")
    assert (first["failed"], first["incidents_created"]) == (0, 2)
    incidents = monitor_cli.json("incidents")
    assert {(i["kind"], i["severity"], tuple(i["signals"])) for i in incidents} == {
        ("phishing", "high", ("lookalike_domain",))
    }
    assert all("phishing" in i["playbooks"] for i in incidents)
    rows.append(HOMOGLYPH)
    second = monitor_cli.json("collect", "--once", "--all")
    assert (second["sightings"], second["incidents_created"]) == (1, 1)
    assert monitor_cli.json("collect", "--once", "--all")["sightings"] == 0
    assert len(monitor_cli.json("incidents")) == 3
