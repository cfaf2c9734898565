"""Canonical forms of handles, emails, phones and domains, and their errors."""

from __future__ import annotations

import pytest

from monitor import identifiers
from monitor.errors import InvalidInput


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("instagram:Jane.Doe", ("instagram", "jane.doe")),
        ("ig:@jane.doe", ("instagram", "jane.doe")),
        ("twitter:JaneDoe", ("x", "janedoe")),
        ("https://www.instagram.com/jane.doe/", ("instagram", "jane.doe")),
        ("https://t.me/jane_doe", ("telegram", "jane_doe")),
        ("https://bsky.app/profile/jane.bsky.social", ("bluesky", "jane.bsky.social")),
        ("mastodon:Jane@Mastodon.Social", ("mastodon", "jane@mastodon.social")),
    ],
)
def test_handles(text: str, expected: tuple[str, str]) -> None:
    assert identifiers.parse_handle(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "jane",
        "myspace:jane",
        "telegram:ab",
        "x:this_handle_is_far_too_long",
        "https://example.org/jane",
    ],
)
def test_bad_handles(text: str) -> None:
    with pytest.raises(InvalidInput):
        identifiers.parse_handle(text)


@pytest.mark.parametrize(
    "text",
    [
        "+994 50 555 12 07",
        "050-555-12-07",
        "(050) 555-12-07",
        "0505551207",
        "+994-50-555-1207",
        "994505551207",
        "+994505551207",
    ],
)
def test_phone_formats_become_e164(text: str) -> None:
    assert identifiers.normalize_phone(text) == "+994505551207"


def test_foreign_phone_keeps_its_country() -> None:
    assert identifiers.normalize_phone("+44 20 7946 0958") == "+442079460958"


def test_email_and_domain() -> None:
    assert identifiers.normalize_email(" Jane.Doe@Example.ORG ") == "jane.doe@example.org"
    assert identifiers.normalize_domain("https://www.Feminitiva.org/about") == "feminitiva.org"
    assert identifiers.normalize_domain("bürgerrechte.de") == "xn--brgerrechte-thb.de"
    with pytest.raises(InvalidInput):
        identifiers.normalize_domain("localhost")


def test_profile_urls() -> None:
    assert identifiers.profile_url("instagram", "jane") == "https://instagram.com/jane"
    assert identifiers.profile_url("tiktok", "jane") == "https://tiktok.com/@jane"
    assert identifiers.profile_url("mastodon", "jane@x.social") is None
