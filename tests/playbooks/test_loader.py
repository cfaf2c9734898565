"""The loader on small hand-made folders: parsing, validation errors, fallback and selection."""

from __future__ import annotations

from pathlib import Path

import pytest

from playbooks.loader import (
    Library,
    PlaybookError,
    UnknownPlaybookError,
    load_file,
    render_text,
)

BODY = """\
Use this when something happens.

## First hour

A short note before the steps.

1. Do the first thing,
   which continues on an indented line.
2. Do the second thing.

## Preserve evidence

1. Keep everything.
"""


def front(
    playbook_id: str = "demo",
    lang: str = "en",
    kinds: str = "[account_takeover]",
    signals: str | None = None,
    title: str = "Demo title",
) -> str:
    lines = [
        "---",
        f"id: {playbook_id}",
        f"lang: {lang}",
        f'title: "{title}"',
        'summary: "A neutral sentence."',
        f"kinds: {kinds}",
    ]
    if signals is not None:
        lines.append(f"signals: {signals}")
    return "\n".join([*lines, "---", ""])


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_parses_sections_steps_and_keys(tmp_path: Path) -> None:
    playbook = load_file(write(tmp_path, "demo.en.md", front() + BODY))
    assert playbook.id == "demo"
    assert playbook.kinds == ("account_takeover",)
    assert playbook.signals == ()
    assert [s.title for s in playbook.sections] == ["First hour", "Preserve evidence"]
    assert playbook.sections[0].intro == "A short note before the steps."
    assert [step.key for step in playbook.steps] == ["1.1", "1.2", "2.1"]
    assert playbook.step("1.1").text == "Do the first thing, which continues on an indented line."
    assert playbook.shape == (2, 1)
    assert playbook.intro == "Use this when something happens."
    assert playbook.as_dict()["sections"][0]["steps"][1] == {
        "key": "1.2",
        "text": "Do the second thing.",
    }


def test_step_lookup_rejects_unknown_key(tmp_path: Path) -> None:
    playbook = load_file(write(tmp_path, "demo.en.md", front() + BODY))
    with pytest.raises(KeyError, match=r"3\.1"):
        playbook.step("3.1")


def test_render_text_numbers_steps(tmp_path: Path) -> None:
    playbook = load_file(write(tmp_path, "demo.en.md", front() + BODY))
    text = render_text(playbook)
    assert text.startswith("Demo title\n==========\n")
    assert "Use this when something happens." in text
    assert "1. First hour" in text
    assert "1.2  Do the second thing." in text
    assert "2.1  Keep everything." in text


MALFORMED = {
    "missing key": ("demo.en.md", front().replace("lang: en\n", "") + BODY, "lang"),
    "unknown kind": ("demo.en.md", front(kinds="[gossip]") + BODY, "gossip"),
    "kinds not a list": ("demo.en.md", front(kinds="account_takeover") + BODY, "list"),
    "unknown signal": ("demo.en.md", front(signals="[moon_phase]") + BODY, "moon_phase"),
    "signal of another kind": (
        "demo.en.md",
        front(signals="[intimate_image]") + BODY,
        "intimate_image",
    ),
    "unknown key": ("demo.en.md", front().replace("kinds:", "tags: [x]\nkinds:") + BODY, "tags"),
    "unknown lang": ("demo.de.md", front(lang="de") + BODY, "'de'"),
    "bad id": ("Demo_1.en.md", front(playbook_id="Demo_1") + BODY, "kebab-case"),
    "wrong filename": ("other.en.md", front() + BODY, "demo.en.md"),
    "lang in filename differs": ("demo.az.md", front() + BODY, "demo.en.md"),
    "section without steps": (
        "demo.en.md",
        front() + BODY + "\n## Get help\n\nJust a paragraph.\n",
        "Get help",
    ),
    "bad yaml": ("demo.en.md", front(kinds="[account_takeover") + BODY, "YAML"),
    "yaml not a mapping": ("demo.en.md", "---\n- a\n- b\n---\n" + BODY, "mapping"),
    "no front matter": ("demo.en.md", BODY, "front matter"),
    "unclosed front matter": ("demo.en.md", front().rstrip("-\n") + "\n" + BODY, "closed"),
    "no sections": ("demo.en.md", front() + "Only text.\n", "sections"),
    "bullets instead of steps": ("demo.en.md", front() + "## First hour\n\n- one\n", "bullets"),
    "text after the list": (
        "demo.en.md",
        front() + "## First hour\n\n1. One.\n\nA trailing paragraph.\n",
        "after its steps",
    ),
    "skipped step number": (
        "demo.en.md",
        front() + "## First hour\n\n1. One.\n3. Three.\n",
        "expected 2",
    ),
    "sub-heading": ("demo.en.md", front() + BODY + "\n### Detail\n", "Detail"),
    "title heading in body": ("demo.en.md", front() + "# Demo\n\n" + BODY, "front matter"),
    "empty summary": (
        "demo.en.md",
        front().replace('"A neutral sentence."', '""') + BODY,
        "summary",
    ),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_file_is_rejected_naming_the_file(tmp_path: Path, case: str) -> None:
    name, text, detail = MALFORMED[case]
    write(tmp_path, name, text)
    with pytest.raises(PlaybookError) as info:
        Library.load(tmp_path)
    message = str(info.value)
    assert message.startswith(f"{name}: "), message
    assert detail in message


def test_missing_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(PlaybookError, match="does not exist"):
        Library.load(tmp_path / "nowhere")


def test_translation_with_other_shape_is_rejected(tmp_path: Path) -> None:
    write(tmp_path, "demo.en.md", front() + BODY)
    shorter = BODY.replace("2. Do the second thing.\n", "")
    write(tmp_path, "demo.az.md", front(lang="az") + shorter)
    with pytest.raises(PlaybookError, match=r"^demo\.az\.md: steps per section \[1, 1\]"):
        Library.load(tmp_path)


def test_translation_with_other_kinds_is_rejected(tmp_path: Path) -> None:
    write(tmp_path, "demo.en.md", front() + BODY)
    write(tmp_path, "demo.ru.md", front(lang="ru", kinds="[phishing]") + BODY)
    with pytest.raises(PlaybookError, match=r"^demo\.ru\.md: kinds and signals"):
        Library.load(tmp_path)


def test_playbook_without_english_is_rejected(tmp_path: Path) -> None:
    write(tmp_path, "demo.az.md", front(lang="az") + BODY)
    with pytest.raises(PlaybookError, match=r"^demo\.az\.md: no English version"):
        Library.load(tmp_path)


def test_falls_back_to_english_when_a_language_is_missing(tmp_path: Path) -> None:
    write(tmp_path, "demo.en.md", front(title="In English") + BODY)
    write(tmp_path, "demo.az.md", front(lang="az", title="Azərbaycanca") + BODY)
    library = Library.load(tmp_path)
    assert library.langs("demo") == ["en", "az"]
    assert library.get("demo", "az").title == "Azərbaycanca"
    assert library.get("demo", "ru").lang == "en"
    assert library.get("demo", "ru").title == "In English"
    assert [p.lang for p in library.all("ru")] == ["en"]
    assert [p.lang for p in library.for_incident("account_takeover", lang="ru")] == ["en"]
    assert [p.lang for p in library.for_incident("account_takeover", lang="az")] == ["az"]


def test_unknown_id_is_a_clear_error(tmp_path: Path) -> None:
    write(tmp_path, "demo.en.md", front() + BODY)
    library = Library.load(tmp_path)
    with pytest.raises(UnknownPlaybookError, match=r"'nope'.*demo"):
        library.get("nope", "en")


def selection_library(tmp_path: Path) -> Library:
    """Three takeover playbooks (general, one signal, two signals) and one leak playbook."""
    write(tmp_path, "general.en.md", front("general") + BODY)
    write(tmp_path, "sim.en.md", front("sim", signals="[sim_change]") + BODY)
    write(
        tmp_path,
        "both.en.md",
        front("both", kinds="[account_takeover, phishing]", signals="[sim_change, new_login]")
        + BODY,
    )
    write(
        tmp_path, "images.en.md", front("images", kinds="[leak]", signals="[intimate_image]") + BODY
    )
    return Library.load(tmp_path)


@pytest.mark.parametrize(
    ("kind", "signals", "expected"),
    [
        ("account_takeover", [], ["general"]),
        ("account_takeover", ["sim_change"], ["both", "sim", "general"]),
        ("account_takeover", ["sim_change", "new_login"], ["both", "sim", "general"]),
        ("account_takeover", ["new_login"], ["both", "general"]),
        ("account_takeover", ["unheard_of"], ["general"]),
        ("phishing", [], ["both"]),
        ("leak", ["intimate_image"], ["images"]),
        ("leak", [], ["images"]),
        ("smear", [], []),
        ("mention", ["sim_change"], []),
    ],
)
def test_for_incident_orders_specific_first(
    tmp_path: Path, kind: str, signals: list[str], expected: list[str]
) -> None:
    library = selection_library(tmp_path)
    assert [p.id for p in library.for_incident(kind, signals)] == expected


def test_for_incident_rejects_unknown_kind(tmp_path: Path) -> None:
    library = selection_library(tmp_path)
    with pytest.raises(ValueError, match="gossip"):
        library.for_incident("gossip")
