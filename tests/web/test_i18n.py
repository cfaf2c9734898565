"""The three catalogues are complete, and the language is chosen as documented."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from monitor.web import i18n
from monitor.web.i18n import negotiate

WEB = Path(i18n.__file__).parent
# `_("key")` in templates and `translate(lang, "key")` in Python; dynamic keys are built from
# a prefix and a model value (`"kind." ~ value`), checked separately below.
_USED = re.compile(r"""(?:_|translate\([^,]+,)\(?\s*["']([a-z_]+\.[a-z0-9_.]*[a-z0-9_])["']""")


def used_keys() -> set[str]:
    found = set()
    for path in [*WEB.glob("templates/*.html"), *WEB.glob("**/*.py")]:
        found |= set(_USED.findall(path.read_text(encoding="utf-8")))
    return found


def test_every_language_has_every_key() -> None:
    assert i18n.missing() == {"en": set(), "az": set(), "ru": set()}
    for lang, messages in i18n.CATALOGUES.items():
        extra = set(messages) - set(i18n.EN)
        assert not extra, (lang, extra)
        for key, text in messages.items():
            assert set(re.findall(r"{(\w+)}", text)) == set(re.findall(r"{(\w+)}", i18n.EN[key]))


def test_every_used_key_exists() -> None:
    used = used_keys()
    assert len(used) > 100
    assert used - set(i18n.EN) == set()


@pytest.mark.parametrize(
    ("prefix", "values"),
    [
        ("kind", "KINDS"),
        ("severity", "SEVERITIES"),
        ("status", "STATUSES"),
        ("role", "ROLES"),
        ("ident", "IDENTIFIER_TYPES"),
    ],
)
def test_model_values_are_translated(prefix: str, values: str) -> None:
    from monitor import models

    for value in getattr(models, values):
        assert f"{prefix}.{value}" in i18n.EN


def test_other_open_ended_keys_are_translated() -> None:
    from monitor.links import VERDICTS
    from monitor.web.forms import FLASHES
    from monitor.web.views.alerts import ALERT_STATUSES

    keys = [f"links.verdict.{v}" for v in VERDICTS] + [f"flash.{f}" for f in FLASHES]
    keys += [f"alert.{s}" for s in ALERT_STATUSES] + ["reason.new", "reason.escalated"]
    assert [k for k in keys if k not in i18n.EN] == []


@pytest.mark.parametrize(
    ("choice", "preferred", "header", "expected"),
    [
        (None, None, None, "en"),
        (None, None, "ru-RU,ru;q=0.9,en;q=0.8", "ru"),
        (None, None, "de-DE, az;q=0.5, en;q=0.4", "az"),
        (None, None, "fr, de", "en"),
        (None, None, "en;q=0.2, ru;q=0.9", "ru"),
        (None, None, "ru;q=0", "en"),
        (None, "az", "ru", "az"),
        ("en", "az", "ru", "en"),
        ("xx", "ru", None, "ru"),
    ],
)
def test_language_choice(
    choice: str | None, preferred: str | None, header: str | None, expected: str
) -> None:
    assert negotiate(choice, preferred, header) == expected


async def test_pages_follow_accept_language_and_the_switcher(client) -> None:  # type: ignore[no-untyped-def]
    russian = await client.get("/login", headers={"Accept-Language": "ru"})
    assert "<h1>Вход</h1>" in russian.text and 'lang="ru"' in russian.text
    switch = await client.get("/lang/az?next=/login")
    assert switch.status == 303 and switch.location == "/login"
    chosen = await client.get("/login", headers={"Accept-Language": "ru"})
    assert "<h1>Daxil ol</h1>" in chosen.text
    assert (await client.get("/lang/de")).status == 404
    away = await client.get("/lang/ru?next=https://evil.example/")
    assert away.location == "/"
