"""The breach collector against a local server speaking Have I Been Pwned's API v3."""

from __future__ import annotations

import json
from typing import Any

import pytest
from aiohttp import web as aioweb

from collectors.breach import BreachCollector, severity
from monitor.errors import InvalidInput, UserError
from monitor.net import FetchError
from tests.conftest import Cli
from tests.support.collecting import collect
from tests.support.localweb import LocalWeb

EMAIL = "jane.doe@example.org"
KEY = "0123456789abcdef0123456789abcdef"
PATH = f"/api/v3/breachedaccount/{EMAIL}"

# The shape HIBP returns with truncateResponse=false (fields as documented for API v3).
ADOBE = {
    "Name": "Adobe",
    "Title": "Adobe",
    "Domain": "adobe.com",
    "BreachDate": "2013-10-04",
    "AddedDate": "2013-12-04T00:00:00Z",
    "ModifiedDate": "2022-05-15T23:52:49Z",
    "PwnCount": 152445165,
    "Description": "In October 2013, 153 million Adobe accounts were breached ...",
    "LogoPath": "https://haveibeenpwned.com/Content/Images/PwnedLogos/Adobe.png",
    "DataClasses": ["Email addresses", "Password hints", "Passwords", "Usernames"],
    "IsVerified": True,
    "IsFabricated": False,
    "IsSensitive": False,
    "IsRetired": False,
    "IsSpamList": False,
    "IsMalware": False,
    "IsSubscriptionFree": False,
}
CANVA = {
    **ADOBE,
    "Name": "Canva",
    "Title": "Canva",
    "Domain": "canva.com",
    "BreachDate": "2019-05-24",
    "DataClasses": ["Email addresses", "Geographic locations", "Names", "Usernames"],
}
SPAMBOT = {
    **ADOBE,
    "Name": "OnlinerSpambot",
    "Title": "Onliner Spambot",
    "Domain": "",
    "BreachDate": "2017-08-28",
    "DataClasses": ["Email addresses", "Passwords"],
    "IsSpamList": True,
}
LEAKED_SPAM = {
    **SPAMBOT,
    "Name": "SpamList",
    "Title": "Spam List",
    "DataClasses": ["Email addresses"],
}


def hibp(web: LocalWeb, breaches: list[dict[str, Any]], seen: list[aioweb.Request]) -> None:
    async def handler(request: aioweb.Request) -> aioweb.Response:
        seen.append(request)
        if request.headers.get("hibp-api-key") != KEY:
            return aioweb.json_response({"statusCode": 401, "message": "bad key"}, status=401)
        if not breaches:
            return aioweb.Response(status=404)
        return aioweb.json_response(breaches)

    web.handle(PATH, handler)


@pytest.fixture
def api(web: LocalWeb, monkeypatch: pytest.MonkeyPatch) -> LocalWeb:
    monkeypatch.setenv("MONITOR_HIBP_URL", web.url(""))
    monkeypatch.setenv("MONITOR_HIBP_API_KEY", KEY)
    return web


async def test_each_breach_is_one_signal_with_only_breach_facts(api: LocalWeb) -> None:
    seen: list[aioweb.Request] = []
    hibp(api, [ADOBE, CANVA, LEAKED_SPAM], seen)
    result = await collect(BreachCollector, EMAIL, activist_id=7)
    adobe, canva, spam = result.items
    assert [i.key for i in result.items] == ["Adobe", "Canva", "SpamList"]
    assert (adobe.kind, adobe.activist_id, adobe.story) == ("breach", 7, "breach:Adobe")
    assert [adobe.severity, canva.severity, spam.severity] == ["high", "medium", "low"]
    assert adobe.evidence == {
        "breach": "Adobe",
        "domain": "adobe.com",
        "breach_date": "2013-10-04",
        "data_classes": ["Email addresses", "Password hints", "Passwords", "Usernames"],
        "is_verified": True,
        "severity_reason": "it exposed passwords",
    }
    assert EMAIL not in json.dumps([i.evidence for i in result.items]) + adobe.title
    assert result.state == {"reported": ["Adobe", "Canva", "SpamList"]}
    [request] = seen
    assert request.query["truncateResponse"] == "false"
    assert request.headers["User-Agent"].startswith("activist-monitor/")


def test_severity_rises_with_passwords_phones_and_addresses() -> None:
    assert severity({"DataClasses": ["Phone numbers"]})[0] == "high"
    assert severity({"DataClasses": ["Physical addresses", "Passwords"]}) == (
        "high",
        "it exposed passwords, physical addresses",
    )
    assert severity({"DataClasses": ["Email addresses"]})[0] == "medium"
    assert severity({"DataClasses": ["Passwords"], "IsSpamList": True})[0] == "high"


async def test_known_breaches_are_not_repeated(api: LocalWeb) -> None:
    seen: list[aioweb.Request] = []
    breaches = [ADOBE]
    hibp(api, breaches, seen)
    first = await collect(BreachCollector, EMAIL, activist_id=7)
    again = await collect(BreachCollector, EMAIL, activist_id=7, state=first.state)
    assert (len(first.items), again.items) == (1, [])
    breaches.append(SPAMBOT)
    later = await collect(BreachCollector, EMAIL, activist_id=7, state=again.state)
    assert [i.key for i in later.items] == ["OnlinerSpambot"]
    assert later.state == {"reported": ["Adobe", "OnlinerSpambot"]}


async def test_an_address_in_no_breach_is_a_404_and_nothing(api: LocalWeb) -> None:
    hibp(api, [], [])
    result = await collect(BreachCollector, EMAIL, activist_id=7, state={"reported": ["Adobe"]})
    assert (result.items, result.state) == ([], {"reported": ["Adobe"]})


@pytest.mark.parametrize("status", [401, 403])
async def test_a_refused_key_says_so(api: LocalWeb, status: int) -> None:
    api.serve(PATH, '{"statusCode": 401}', status=status, content_type="application/json")
    with pytest.raises(UserError, match="refused the API key") as caught:
        await collect(BreachCollector, EMAIL, activist_id=7)
    assert caught.value.code == "hibp_key"


async def test_a_missing_key_is_explained_before_any_request(
    api: LocalWeb, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MONITOR_HIBP_API_KEY")
    with pytest.raises(UserError, match="MONITOR_HIBP_API_KEY"):
        await collect(BreachCollector, EMAIL, activist_id=7)
    assert api.hits[PATH] == 0


async def test_rate_limit_is_retryable_after_the_servers_delay(api: LocalWeb) -> None:
    api.serve(PATH, '{"statusCode": 429}', status=429, headers={"Retry-After": "3"})
    with pytest.raises(FetchError) as caught:
        await collect(BreachCollector, EMAIL, activist_id=7)
    assert (caught.value.retryable, caught.value.retry_after, caught.value.status) == (
        True,
        3.0,
        429,
    )


async def test_an_answer_that_is_not_a_list_is_an_error(api: LocalWeb) -> None:
    api.serve(PATH, "<html>maintenance</html>")
    with pytest.raises(UserError, match="not a list of breaches"):
        await collect(BreachCollector, EMAIL, activist_id=7)


def test_target_is_a_normalised_email() -> None:
    assert BreachCollector.validate_target("  Jane.Doe@Example.ORG ") == EMAIL
    with pytest.raises(InvalidInput, match="not an email address"):
        BreachCollector.validate_target("jane.doe")


def test_end_to_end_each_breach_is_one_incident_once(monitor_cli: Cli, api: LocalWeb) -> None:
    hibp(api, [ADOBE, CANVA], [])
    monitor_cli.ok("activist", "add", "Jane Doe", "--email", EMAIL)
    result = monitor_cli("source", "add", "breach", EMAIL)
    assert result.exit_code == 2 and "--activist" in result.stderr
    monitor_cli.ok("source", "add", "breach", EMAIL, "--activist", "1")
    first = monitor_cli.json("collect", "--once", "--all")
    assert (first["failed"], first["incidents_created"]) == (0, 2)
    incidents = monitor_cli.json("incidents")
    assert sorted((i["kind"], i["severity"], i["title"]) for i in incidents) == [
        ("breach", "high", "Adobe breach"),
        ("breach", "medium", "Canva breach"),
    ]
    assert all(i["playbooks"] == ["data-breach"] for i in incidents)
    second = monitor_cli.json("collect", "--once", "--all")
    assert (second["new_items"], second["sightings"]) == (0, 0)
    assert len(monitor_cli.json("incidents")) == 2
