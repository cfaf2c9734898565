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


@pytest.mark.parametrize(
    ("text", "matched"),
    [
        ("Жалуюсь на абонентку +44 7700 900872 — это она", "+44 7700 900872"),
        ("call 07700 900872 after six", "07700 900872"),
        ("(07700) 900 872", "(07700) 900 872"),
        ("nömrə 07700-900-872", "07700-900-872"),
        ("tel. 07700.900.872", "07700.900.872"),
        ("kod 900872", None),  # six digits alone are not her number
        ("+44 7701 900872", None),
    ],
)
def test_a_british_mobile_in_its_own_grouping(text: str, matched: str | None) -> None:
    """British mobiles end in a block of six, which the Azerbaijani and Russian groupings
    (3-2-2, 3-4) do not split so."""
    matcher = Matcher.build([Registration(6, ("Дарина Ставицкая",), phones=("+447700900872",))])
    assert [h.matched for h in matcher.find(text)] == ([matched] if matched else [])


@pytest.mark.parametrize("phone", ["+1", "+4412", "+1800", "+99450", "+" + "9" * 20])
def test_a_number_too_short_or_long_for_its_format_still_builds(phone: str) -> None:
    matcher = Matcher.build([Registration(1, ("Ann Lee",), phones=(phone,))])
    assert [h.how for h in matcher.find("Ann Lee wrote")] == ["name"]


def test_a_french_number_in_pairs() -> None:
    matcher = Matcher.build([Registration(1, ("Claire Dubois",), phones=("+33639981482",))])
    for text in ("+33 6 39 98 14 82", "appelez le 06 39 98 14 82", "06.39.98.14.82"):
        assert [h.how for h in matcher.find(text)] == ["phone"], text


@pytest.mark.parametrize(
    ("text", "matched"),
    [
        ("+39 06 1234 5678", "+39 06 1234 5678"),
        ("chiamate lo 06 1234 5678 oggi", "06 1234 5678"),
        ("tel. 06-12345678", "06-12345678"),
        ("tel 0612345678", "0612345678"),
        ("0039 06 12345678", "0039 06 12345678"),
        ("+39 (06) 1234-5678", "+39 (06) 1234-5678"),
        ("+39 6 1234 5678", None),  # without its 0 it is another number
        ("02 1234 5678", None),  # Milan, not Rome
        ("16 1234 5678", None),
    ],
)
def test_an_italian_landline_keeps_its_leading_zero(text: str, matched: str | None) -> None:
    """Italian fixed lines dial their 0 from abroad too (+39 06 …): it is part of the number,
    not a trunk prefix to drop as for +44 020 …"""
    matcher = Matcher.build([Registration(1, ("Giulia Romano",), phones=("+390612345678",))])
    assert [h.matched for h in matcher.find(text)] == ([matched] if matched else [])


@pytest.mark.parametrize(
    ("registered", "text"),
    [
        ("+4402071234567", "ring +44 20 7123 4567"),
        ("+709161234567", "звоните +7 916 123-45-67"),
        ("+709161234567", "звоните 8 (916) 123-45-67"),
        ("+3903471234567", "chiamami al +39 347 123 4567"),  # a mobile has no 0
    ],
)
def test_a_trunk_zero_written_after_the_country_code_is_dropped(registered: str, text: str) -> None:
    """A 0 that makes the number invalid where it is valid without it was written by mistake."""
    matcher = Matcher.build([Registration(1, ("Ann Lee",), phones=(registered,))])
    assert [h.how for h in matcher.find(text)] == ["phone"]


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
