"""The playbooks shipped in the package: complete, aligned across languages, and selectable."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import playbooks
from playbooks.loader import (
    KINDS,
    LANGS,
    SIGNALS,
    Library,
    Playbook,
    default_library,
    load_folder,
    render_text,
)

PACKAGE_DIR = Path(playbooks.__file__).resolve().parent
REQUIRED_IDS = {
    "account-takeover",
    "sim-swap",
    "government-attack",
    "phishing",
    "spyware",
    "smear-campaign",
    "intimate-images",
    "leaked-correspondence",
    "doxxing",
    "threats-blackmail",
    "impersonation",
    "page-deleted",
    "data-breach",
}
SECTION_COUNT = 5
EXPORT_COMMAND = "monitor export --activist ID --out case.zip"


@pytest.fixture(scope="module")
def files() -> list[Playbook]:
    """Every packaged file parsed on its own, without the library's cross-language checks."""
    return load_folder(PACKAGE_DIR)


@pytest.fixture(scope="module")
def library() -> Library:
    return default_library()


def test_every_file_parses_and_the_library_loads(files: list[Playbook], library: Library) -> None:
    assert len(files) >= len(REQUIRED_IDS) * len(LANGS)
    assert set(library.ids()) >= REQUIRED_IDS


def test_default_library_is_cached() -> None:
    assert default_library() is default_library()


def test_every_id_exists_in_every_language(library: Library) -> None:
    for playbook_id in library.ids():
        assert library.langs(playbook_id) == list(LANGS), playbook_id
        for lang in LANGS:
            assert library.get(playbook_id, lang).lang == lang


def test_languages_have_the_same_steps_in_the_same_places(files: list[Playbook]) -> None:
    by_id: dict[str, dict[str, Playbook]] = {}
    for playbook in files:
        by_id.setdefault(playbook.id, {})[playbook.lang] = playbook
    for playbook_id, versions in by_id.items():
        english = versions["en"]
        assert len(english.sections) == SECTION_COUNT, playbook_id
        for lang, version in versions.items():
            assert version.shape == english.shape, (playbook_id, lang)
            assert [s.key for s in version.steps] == [s.key for s in english.steps]
            assert (version.kinds, version.signals) == (english.kinds, english.signals)


def test_translations_are_not_copies_of_english(library: Library) -> None:
    for playbook_id in library.ids():
        english = library.get(playbook_id, "en")
        for lang in ("az", "ru"):
            version = library.get(playbook_id, lang)
            assert version.title != english.title, (playbook_id, lang)
            assert version.summary != english.summary, (playbook_id, lang)
            for ours, theirs in zip(version.steps, english.steps, strict=True):
                assert ours.text != theirs.text, (playbook_id, lang, ours.key)


def test_scripts_match_the_language(library: Library) -> None:
    for playbook in library.all("az"):
        assert re.search("[əƏ]", playbook.body), playbook.id
        assert not re.search("[а-яА-Я]", playbook.body), playbook.id
    for playbook in library.all("ru"):
        letters = re.findall("[A-Za-zА-Яа-яЁё]", playbook.body)
        cyrillic = [c for c in letters if re.match("[А-Яа-яЁё]", c)]
        assert len(cyrillic) > 0.7 * len(letters), playbook.id


def test_section_titles_are_the_same_across_playbooks_of_a_language(library: Library) -> None:
    for lang in LANGS:
        titles = {tuple(s.title for s in p.sections) for p in library.all(lang)}
        assert len(titles) == 1, (lang, titles)


def test_evidence_section_names_the_export_and_help_section_the_helpline(library: Library) -> None:
    for lang in LANGS:
        for playbook in library.all(lang):
            evidence, get_help = playbook.sections[1], playbook.sections[3]
            assert EXPORT_COMMAND in evidence.steps[0].text, (playbook.id, lang)
            assert any("help@accessnow.org" in s.text for s in get_help.steps), (playbook.id, lang)


def test_summaries_are_single_neutral_lines(library: Library) -> None:
    for lang in LANGS:
        for playbook in library.all(lang):
            assert "\n" not in playbook.summary
            assert len(playbook.summary) <= 160, (playbook.id, lang)


def test_every_alertable_kind_has_a_playbook(library: Library) -> None:
    for kind in KINDS:
        assert library.for_incident(kind), kind
    assert library.for_incident("mention") == []


def test_every_declared_signal_selects_its_playbook_first(library: Library) -> None:
    for playbook in library.all():
        for signal in playbook.signals:
            for kind in playbook.kinds:
                if signal in SIGNALS[kind]:
                    assert library.for_incident(kind, [signal])[0].id == playbook.id


@pytest.mark.parametrize(
    ("kind", "signals", "first"),
    [
        ("account_takeover", ["sim_change"], "sim-swap"),
        ("account_takeover", ["government_attack"], "government-attack"),
        ("account_takeover", ["password_changed", "sim_change"], "sim-swap"),
        ("account_takeover", ["account_gone"], "page-deleted"),
        ("account_takeover", ["posts_wiped"], "page-deleted"),
        ("leak", ["intimate_image"], "intimate-images"),
        ("phishing", ["spyware_indicator"], "spyware"),
        ("phishing", ["government_attack"], "government-attack"),
        ("account_takeover", [], "account-takeover"),
        ("account_takeover", ["password_changed"], "account-takeover"),
        ("phishing", [], "phishing"),
        ("phishing", ["lookalike_domain"], "phishing"),
        ("breach", [], "data-breach"),
        ("smear", [], "smear-campaign"),
        ("leak", [], "leaked-correspondence"),
        ("leak", ["correspondence"], "leaked-correspondence"),
        ("impersonation", [], "impersonation"),
        ("doxxing", [], "doxxing"),
        ("threat", [], "threats-blackmail"),
    ],
)
def test_for_incident_picks_the_right_playbook(
    library: Library, kind: str, signals: list[str], first: str
) -> None:
    chosen = library.for_incident(kind, signals)
    assert chosen[0].id == first


def test_specific_playbooks_come_with_the_general_one(library: Library) -> None:
    chosen = [p.id for p in library.for_incident("account_takeover", ["sim_change"])]
    assert chosen == ["sim-swap", "account-takeover"]
    chosen = [p.id for p in library.for_incident("leak", ["intimate_image"], lang="az")]
    assert chosen == ["intimate-images", "leaked-correspondence"]


def test_playbooks_for_other_signals_are_left_out(library: Library) -> None:
    chosen = {p.id for p in library.for_incident("account_takeover", ["password_changed"])}
    assert "government-attack" not in chosen
    assert "sim-swap" not in chosen


def test_for_incident_returns_the_requested_language(library: Library) -> None:
    for lang in LANGS:
        assert {p.lang for p in library.for_incident("doxxing", lang=lang)} == {lang}


def test_render_text_shows_every_step(library: Library) -> None:
    playbook = library.get("sim-swap", "az")
    text = render_text(playbook)
    for step in playbook.steps:
        assert f"{step.key}  " in text
    assert "`" not in text
