"""Link verdicts and lookalike rules: pure functions, checked with tables of cases.

Indicator hits come from the real Pegasus and NoviSpy files, looked up in memory the way
`monitor.storage.indicators.find` does in the database.
"""

from __future__ import annotations

import pytest

from monitor import links, lookalikes
from monitor.errors import InvalidInput
from monitor.links import Context, IndicatorHit, LinkVerdict
from tests.monitor.test_indicators import parsed

ORG = "ictimai.org.az"


def hits_for(link: links.Link) -> list[IndicatorHit]:
    index = {
        (i.type, i.value): (i.threat, name)
        for name in ("pegasus", "novispy")
        for i in parsed(name).indicators
    }
    return [
        IndicatorHit(key.type, key.value, *index[(key.type, key.value)], key.how)
        for key in links.lookup_keys(link)
        if (key.type, key.value) in index
    ]


def verdict_for(url: str, protected: tuple[str, ...] = (ORG, "example.org")) -> LinkVerdict:
    link = links.normalise_url(url)
    return links.decide(link, Context(hits_for(link), protected, indicator_count=1567))


@pytest.mark.parametrize(
    ("url", "verdict", "signals", "reason"),
    [
        # Pegasus infrastructure, as listed and under a listed domain
        ("https://weather4free.com/", "malicious", {"known_bad_link", "spyware_indicator"},
         "weather4free.com is listed as Pegasus infrastructure"),
        ("https://cdn.Weather4Free.com/a/b?c=d", "malicious", {"known_bad_link"},
         "cdn.weather4free.com is under weather4free.com, listed as Pegasus"),
        ("hxxps://weather4free[.]com/x", "malicious", {"known_bad_link"}, "Pegasus"),
        # NoviSpy's IP addresses (published under domain-name)
        ("http://176.223.111.131:8080/upload", "malicious", {"spyware_indicator"}, "NoviSpy"),
        # lookalikes of a registered organisation domain
        ("https://іctіmai.org.az/login", "suspicious", {"lookalike_domain"},
         "Cyrillic 'і' in place of 'i'"),
        ("https://xn--ctmai-m2ec.org.az/", "suspicious", {"lookalike_domain"}, "look-alike"),
        ("https://ictmai.org.az/", "suspicious", {"lookalike_domain"}, "'i' left out"),
        ("https://itcimai.org.az/", "suspicious", {"lookalike_domain"}, "swapped"),
        ("https://ictimai.com/", "suspicious", {"lookalike_domain"}, "under .com instead of"),
        ("http://secure-ictimai.org.az/", "suspicious", {"lookalike_domain"}, "'secure' added"),
        ("https://ictimai.org.az.account-check.net/", "suspicious", {"lookalike_domain"},
         "belongs to account-check.net"),
        ("https://examp1e.org/", "suspicious", {"lookalike_domain"}, "'1' in place of 'l'"),
        # deception without any list
        ("https://accounts.google.com@evil.example/", "suspicious", {"lookalike_domain"},
         "it really leads to evil.example"),
        # the organisation's own site, and something unrelated
        ("https://ictimai.org.az/about", "unknown", set(), "belongs to the registered"),
        ("https://mail.ictimai.org.az/", "unknown", set(), "belongs to the registered"),
        ("https://ictimaiyyet.az/", "unknown", set(), "not found among 1567"),
        ("https://wikipedia.org/", "unknown", set(), "does not imitate any of the 2"),
    ],
)  # fmt: skip
def test_verdicts(url: str, verdict: str, signals: set[str], reason: str) -> None:
    result = verdict_for(url)
    assert result.verdict == verdict, result.reasons
    assert signals <= set(result.signals)
    assert any(reason in r for r in result.reasons), result.reasons
    if verdict == "unknown":
        assert result.signals == () and result.severity is None


def test_a_spyware_hit_is_critical_and_names_the_spyware() -> None:
    result = verdict_for("https://weather4free.com/")
    assert (result.severity, result.spyware) == ("critical", ("Pegasus",))
    evidence = result.evidence()
    assert evidence["spyware"] == ["Pegasus"]
    assert evidence["indicators"] == [
        {
            "type": "domain-name:value",
            "value": "weather4free.com",
            "threat": "Pegasus",
            "list": "pegasus",
            "how": "domain",
        }
    ]


def test_without_lists_or_domains_unknown_says_what_was_not_checked() -> None:
    link = links.normalise_url("https://weather4free.com/")
    result = links.decide(link, Context())
    assert result.verdict == "unknown"
    assert any("no indicator lists are loaded" in r for r in result.reasons)
    assert any("no organisation domains are registered" in r for r in result.reasons)


@pytest.mark.parametrize(
    ("raw", "url", "host", "registered"),
    [
        ("HTTPS://User:pw@Example.COM:8443/a?b=1#frag", "https://example.com/a?b=1",
         "example.com", "example.com"),
        ("  <example.org/login>  ", "http://example.org/login", "example.org", "example.org"),
        ("hxxp://evil[.]example[.]co.uk/x", "http://evil.example.co.uk/x",
         "evil.example.co.uk", "example.co.uk"),
        ("https://Bücher.example/", "https://xn--bcher-kva.example/", "xn--bcher-kva.example",
         "xn--bcher-kva.example"),
        ("http://3232235777/", "http://192.168.1.1/", "192.168.1.1", None),
        ("http://[2001:DB8::1]:8080/p", "http://[2001:db8::1]/p", "2001:db8::1", None),
    ],
)  # fmt: skip
def test_urls_are_normalised(raw: str, url: str, host: str, registered: str | None) -> None:
    link = links.normalise_url(raw)
    assert (link.url, link.host, link.registered_domain) == (url, host, registered)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "Give a link"),
        ("ftp://files.example/x", "Only web links"),
        ("mailto:someone@example.org", "not mailto:"),
        ("javascript:alert(1)", "not javascript:"),
        ("http://", "no host name"),
        ("https://exa mple.com/", "not a valid host name"),
    ],
)
def test_what_cannot_be_checked_is_refused(raw: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        links.normalise_url(raw)


def test_lookup_keys_cover_host_parents_url_and_ip() -> None:
    keys = links.lookup_keys(links.normalise_url("https://a.b.example.co.uk/x"))
    assert [(k.type, k.value, k.how) for k in keys] == [
        ("domain-name:value", "a.b.example.co.uk", "domain"),
        ("domain-name:value", "b.example.co.uk", "parent domain"),
        ("domain-name:value", "example.co.uk", "parent domain"),
        ("url:value", "https://a.b.example.co.uk/x", "url"),
    ]
    keys = links.lookup_keys(links.normalise_url("http://[2001:db8::1]/"))
    assert [(k.type, k.how) for k in keys] == [("ipv6-addr:value", "ip"), ("url:value", "url")]


@pytest.mark.parametrize(
    ("host", "technique"),
    [
        ("ictimai.net", "tld_swap"),
        ("ictimai.github.io", "tld_swap"),
        ("іctіmаі.org.az", "homoglyph"),  # every vowel Cyrillic
        ("ictirnai.org.az", "homoglyph"),  # rn for m
        ("ıctımai.com", "homoglyph"),  # Azerbaijani dotless ı, another ending
        ("ictimai-org-az.com", "combo"),
        ("ictimailogin.com", "combo"),
        ("login-іctіmai.com", "combo"),  # an added word and look-alike letters together
        ("ictimai.login-check.com", "subdomain"),
        ("ictiimai.org.az", "typo"),  # repetition
        ("ictimao.org.az", "typo"),  # neighbouring key
        ("ictimia.org.az", "typo"),  # swap
        ("ict-imai.org.az", "typo"),  # hyphen
    ],
)
def test_lookalike_rules(host: str, technique: str) -> None:
    found = lookalikes.resemblance(host, ORG)
    assert found is not None and found.technique == technique, found


@pytest.mark.parametrize(
    "host",
    [
        "ictimai.org.az",
        "www.ictimai.org.az",
        "ictimaiyyet.az",  # another word that starts the same
        "amal.az",
        "news.example",
        "ictimxi.org.az",  # x is no neighbour of a
        "176.223.111.131",
    ],
)
def test_not_lookalikes(host: str) -> None:
    assert lookalikes.resemblance(host, ORG) is None


def test_short_names_are_not_judged_by_typos() -> None:
    assert lookalikes.resemblance("ngi.az", "ngo.az") is None
    assert lookalikes.resemblance("ngо.az", "ngo.az") is not None  # Cyrillic о still counts
