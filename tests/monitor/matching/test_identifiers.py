"""Handles, e-mail addresses, phone numbers, profile URLs and domains, as tables."""

import pytest

from monitor.matching import Matcher, Registration

LALA = Registration(
    1,
    ("Lalə Vəkilova",),
    handles=(("instagram", "lala.vakil"), ("telegram", "lalavakilova"), ("x", "Lala_V")),
    emails=("Lala@OpenVoices.example",),
    phones=("+994556610384",),
    domains=("openvoices.example",),
)


@pytest.fixture(scope="module")
def lala() -> Matcher:
    return Matcher.build([LALA])


def found(matcher: Matcher, text: str) -> list[tuple[str, str]]:
    return [(h.how, h.matched) for h in matcher.find(text) if h.part == "full"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("yazın: @lala.vakil", [("handle", "@lala.vakil")]),
        ("hesab lala.vakil idi", [("handle", "lala.vakil")]),
        ("lala.vakil-dən", []),
        ("@lala.vakil.", [("handle", "@lala.vakil")]),
        ("@LALA.VAKIL bildirib", [("handle", "@LALA.VAKIL")]),
        ("https://instagram.com/lala.vakil", [("profile_url", "https://instagram.com/lala.vakil")]),
        ("t.me/lalavakilova", [("profile_url", "t.me/lalavakilova")]),
        ("в личку на @lalavakilova.", [("handle", "@lalavakilova")]),
        ("@lala_v and @Lala_V", [("handle", "@lala_v"), ("handle", "@Lala_V")]),
        ("@lala.vakilova2", []),
        ("@lala.vakil_fake", []),
        ("x.lala.vakil", []),
        ("lalavakilova without at", []),
        ("@lalavakilova_", []),
        ("write to lala@openvoices.example now", [("email", "lala@openvoices.example")]),
        ("LALA@OPENVOICES.EXAMPLE", [("email", "LALA@OPENVOICES.EXAMPLE")]),
        ("mylala@openvoices.example", [("domain", "openvoices.example")]),
        ("lala@openvoices.example.org", []),
        ("see https://www.openvoices.example/about", [("domain", "www.openvoices.example")]),
        ("fake: openvoices-help.example", []),
        ("fake: myopenvoices.example", []),
    ],
)
def test_handles_emails_domains(lala: Matcher, text: str, expected: list) -> None:
    assert found(lala, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "+994556610384",
        "+994 55 661 03 84",
        "055-661-03-84",
        "(055) 661-03-84",
        "0556610384",
        "+994-55-661-0384",
        "994556610384",
        "055 661 03 84.",
        "nömrəsi: 055.661.03.84",
        "+994 (55) 661 03 84",
        "00994556610384",
    ],
)
def test_phone_formats(lala: Matcher, text: str) -> None:
    hits = [h for h in lala.find(text) if h.how == "phone"]
    assert len(hits) == 1
    assert hits[0].matched in text
    assert hits[0].matched.endswith("84")


@pytest.mark.parametrize(
    "text",
    [
        "661 03 84",
        "050 661 03 84",
        "+994 50 661 03 84",
        "05566103845",
        "1556610384",
    ],
)
def test_other_numbers_are_not_hers(lala: Matcher, text: str) -> None:
    assert [h for h in lala.find(text) if h.how == "phone"] == []


def test_phone_hit_covers_country_code(lala: Matcher) -> None:
    [hit] = lala.find("Nömrə: +994 55 661 03 84")
    assert hit.matched == "+994 55 661 03 84"


def test_shared_domain_names_every_member() -> None:
    matcher = Matcher.build(
        [
            Registration(1, ("Aysel Nəcəfova",), domains=("qadinhaqlari.example",)),
            Registration(2, ("Leyla Hüseynli",), domains=("qadinhaqlari.example",)),
        ]
    )
    assert {h.activist_id for h in matcher.find("qadinhaqlari.example saytında")} == {1, 2}


def test_identifiers_in_lower_case_text_are_found(lala: Matcher) -> None:
    text = "yaz lala@openvoices.example və ya @lala.vakil, instagram.com/lala.vakil"
    assert [h.how for h in lala.find(text) if h.part == "full"] == [
        "email",
        "handle",
        "profile_url",
    ]
