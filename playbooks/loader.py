"""Load, validate and select response playbooks.

A playbook is a Markdown file with YAML front matter, one file per playbook and language, named
``<id>.<lang>.md``. Each ``## `` section holds one ordered list of steps. Steps are addressed by
position ("2.3" is step 3 of section 2) because the web interface stores a ticked checklist by
that key and shows it in whatever language the reader chooses: so every translation of a
playbook must have the same sections and the same number of steps, and the loader refuses a
library where they differ.

This module imports nothing from ``monitor``: the core depends on playbooks, never the reverse.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

LANGS: tuple[str, ...] = ("en", "az", "ru")
FALLBACK_LANG = "en"

#: Incident kinds that playbooks serve, each with the finer signals that may select a playbook.
SIGNALS: Mapping[str, frozenset[str]] = {
    "account_takeover": frozenset(
        {
            "new_login",
            "password_changed",
            "two_factor_changed",
            "recovery_changed",
            "government_attack",
            "sim_change",
            "profile_changed",
            "handle_renamed",
            "posts_wiped",
            "account_gone",
            "canary_hit",
        }
    ),
    "phishing": frozenset(
        {
            "lookalike_domain",
            "known_bad_link",
            "forged_notice",
            "reported_message",
            "spyware_indicator",
        }
    ),
    "breach": frozenset(),
    "smear": frozenset(),
    "leak": frozenset({"intimate_image", "correspondence", "audio_video", "documents"}),
    "impersonation": frozenset(),
    "doxxing": frozenset(),
    "threat": frozenset(),
}
KINDS: tuple[str, ...] = tuple(SIGNALS)
#: Kinds that are logged but never get a playbook (neutral or supportive mentions).
KINDS_WITHOUT_PLAYBOOK: tuple[str, ...] = ("mention",)

REQUIRED_KEYS: tuple[str, ...] = ("id", "lang", "title", "summary", "kinds")
OPTIONAL_KEYS: tuple[str, ...] = ("signals",)

_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_ITEM = re.compile(r"^(\d+)\.\s+(.*)$")
_BULLET = re.compile(r"^\s*[-*+]\s+")
_FENCE = re.compile(r"^---\s*$")
_PACKAGE_DIR = Path(__file__).resolve().parent


class PlaybookError(Exception):
    """A playbook file or library is unusable; the message names the file and the problem."""

    def __init__(self, source: str | Path, problem: str) -> None:
        self.source = Path(source).name if isinstance(source, Path) else source
        self.problem = problem
        super().__init__(f"{self.source}: {problem}")


class UnknownPlaybookError(LookupError):
    """Raised when a caller asks for a playbook id that no file provides."""


@dataclass(frozen=True)
class Step:
    """One checklist item; ``key`` ("section.step") is the same in every language."""

    key: str
    text: str


@dataclass(frozen=True)
class Section:
    """A ``## `` section: an optional short introduction, then its ordered steps."""

    title: str
    steps: tuple[Step, ...]
    intro: str = ""


@dataclass(frozen=True)
class Playbook:
    """One playbook in one language, validated and split into addressable steps."""

    id: str
    lang: str
    title: str
    summary: str
    kinds: tuple[str, ...]
    signals: tuple[str, ...]
    body: str
    sections: tuple[Section, ...]
    intro: str = ""
    path: Path | None = field(default=None, compare=False, repr=False)

    @property
    def steps(self) -> tuple[Step, ...]:
        """All steps in reading order, for checklists that do not care about sections."""
        return tuple(step for section in self.sections for step in section.steps)

    @property
    def shape(self) -> tuple[int, ...]:
        """Number of steps per section: translations must share it for keys to line up."""
        return tuple(len(section.steps) for section in self.sections)

    def step(self, key: str) -> Step:
        """Return the step stored under ``key`` (e.g. "2.3"), so a saved tick can be shown."""
        for candidate in self.steps:
            if candidate.key == key:
                return candidate
        raise KeyError(f"playbook {self.id!r} has no step {key!r}")

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready view for the CLI and the web interface."""
        return {
            "id": self.id,
            "lang": self.lang,
            "title": self.title,
            "summary": self.summary,
            "kinds": list(self.kinds),
            "signals": list(self.signals),
            "intro": self.intro,
            "sections": [
                {
                    "title": section.title,
                    "intro": section.intro,
                    "steps": [{"key": s.key, "text": s.text} for s in section.steps],
                }
                for section in self.sections
            ],
        }


# --------------------------------------------------------------------------- parsing


def split_front_matter(text: str, source: str | Path) -> tuple[dict[str, Any], str]:
    """Separate the YAML front matter from the Markdown body and parse the YAML safely."""
    lines = text.lstrip("\ufeff").replace("\r\n", "\n").split("\n")
    if not lines or not _FENCE.match(lines[0]):
        raise PlaybookError(source, "file must start with a '---' line opening the front matter")
    try:
        end = next(i for i in range(1, len(lines)) if _FENCE.match(lines[i]))
    except StopIteration:
        raise PlaybookError(source, "front matter is not closed by a '---' line") from None
    try:
        meta = yaml.safe_load("\n".join(lines[1:end]))
    except yaml.YAMLError as exc:
        raise PlaybookError(source, f"front matter is not valid YAML: {_one_line(exc)}") from exc
    if not isinstance(meta, dict):
        raise PlaybookError(source, "front matter must be a YAML mapping of keys to values")
    return meta, "\n".join(lines[end + 1 :]).strip() + "\n"


def _one_line(exc: Exception) -> str:
    return " ".join(str(exc).split())


def _text(meta: Mapping[str, Any], key: str, source: str | Path) -> str:
    value = meta[key]
    if not isinstance(value, str) or not value.strip():
        raise PlaybookError(source, f"'{key}' must be a non-empty string")
    if "\n" in value.strip():
        raise PlaybookError(source, f"'{key}' must be a single line")
    return value.strip()


def _names(meta: Mapping[str, Any], key: str, source: str | Path) -> tuple[str, ...]:
    value = meta.get(key)
    if value is None:
        return ()
    if isinstance(value, str) or not isinstance(value, list):
        raise PlaybookError(source, f"'{key}' must be a YAML list, e.g. {key}: [a, b]")
    if not all(isinstance(item, str) for item in value):
        raise PlaybookError(source, f"every entry of '{key}' must be a string")
    if len(set(value)) != len(value):
        raise PlaybookError(source, f"'{key}' lists the same entry twice")
    return tuple(value)


def validate_meta(meta: Mapping[str, Any], source: str | Path) -> dict[str, Any]:
    """Check the front matter against the vocabularies and return normalised values."""
    unknown = sorted(set(meta) - set(REQUIRED_KEYS) - set(OPTIONAL_KEYS))
    if unknown:
        allowed = ", ".join(REQUIRED_KEYS + OPTIONAL_KEYS)
        raise PlaybookError(source, f"unknown key(s) {', '.join(unknown)}; allowed: {allowed}")
    missing = [key for key in REQUIRED_KEYS if key not in meta]
    if missing:
        raise PlaybookError(source, f"missing required key(s): {', '.join(missing)}")
    playbook_id = _text(meta, "id", source)
    if not _ID.match(playbook_id):
        raise PlaybookError(source, f"id {playbook_id!r} must be short kebab-case (a-z, 0-9, -)")
    lang = _text(meta, "lang", source)
    if lang not in LANGS:
        raise PlaybookError(source, f"lang {lang!r} is not one of {', '.join(LANGS)}")
    kinds = _names(meta, "kinds", source)
    if not kinds:
        raise PlaybookError(source, "'kinds' must list at least one incident kind")
    for kind in kinds:
        if kind not in SIGNALS:
            raise PlaybookError(
                source, f"unknown kind {kind!r}; playbook kinds are: {', '.join(KINDS)}"
            )
    allowed_signals = frozenset().union(*(SIGNALS[kind] for kind in kinds))
    signals = _names(meta, "signals", source)
    for signal in signals:
        if signal not in allowed_signals:
            valid = ", ".join(sorted(allowed_signals)) or "none"
            raise PlaybookError(
                source, f"signal {signal!r} does not belong to kinds {list(kinds)}; valid: {valid}"
            )
    return {
        "id": playbook_id,
        "lang": lang,
        "title": _text(meta, "title", source),
        "summary": _text(meta, "summary", source),
        "kinds": kinds,
        "signals": signals,
    }


@dataclass
class _OpenSection:
    """A section being read: the mutable twin of ``Section``."""

    title: str
    intro: list[str] = field(default_factory=list)
    steps: list[str] = field(default_factory=list)
    gap: bool = False  # a blank line followed the last step

    def freeze(self, number: int) -> Section:
        steps = tuple(Step(f"{number}.{i}", text) for i, text in enumerate(self.steps, start=1))
        return Section(self.title, steps, " ".join(self.intro))


def parse_body(body: str, source: str | Path) -> tuple[str, tuple[Section, ...]]:
    """Split the body into its introduction and sections of numbered steps.

    Shapes that would make step keys ambiguous (bullets, a second list, sub-headings, skipped
    numbers) are refused rather than guessed at.
    """
    intro: list[str] = []
    sections: list[_OpenSection] = []
    for line in body.split("\n"):
        heading = _HEADING.match(line)
        if heading:
            sections.append(_open_section(heading, source))
        elif sections:
            _read_line(sections[-1], line, source)
        elif line.strip():
            intro.append(line.strip())
    if not sections:
        raise PlaybookError(source, "the body has no '## ' sections")
    for section in sections:
        if not section.steps:
            raise PlaybookError(source, f"section {section.title!r} has no numbered steps")
    frozen = tuple(section.freeze(n) for n, section in enumerate(sections, start=1))
    return " ".join(intro), frozen


def _open_section(heading: re.Match[str], source: str | Path) -> _OpenSection:
    title = heading.group(2)
    if len(heading.group(1)) != 2:
        raise PlaybookError(
            source,
            f"heading {title!r}: only '## ' section headings are allowed "
            "(the title belongs in the front matter)",
        )
    return _OpenSection(title)


def _read_line(section: _OpenSection, line: str, source: str | Path) -> None:
    item = _ITEM.match(line)
    if _BULLET.match(line):
        raise PlaybookError(
            source, f"section {section.title!r}: use numbered steps ('1.'), not bullets"
        )
    if item:
        expected = len(section.steps) + 1
        if int(item.group(1)) != expected:
            raise PlaybookError(
                source,
                f"section {section.title!r}: step numbered {item.group(1)}, expected {expected}",
            )
        section.steps.append(item.group(2).strip())
        section.gap = False
    elif not line.strip():
        section.gap = bool(section.steps)
    elif not section.steps:
        section.intro.append(line.strip())
    elif line[:1].isspace() or not section.gap:
        section.steps[-1] = f"{section.steps[-1]} {line.strip()}"
    else:
        raise PlaybookError(
            source,
            f"section {section.title!r} has text after its steps; "
            "keep one list per section and put notes before it",
        )


def parse_playbook(text: str, source: str | Path) -> Playbook:
    """Parse and validate one playbook from its text; ``source`` is used in error messages."""
    meta, body = split_front_matter(text, source)
    values = validate_meta(meta, source)
    intro, sections = parse_body(body, source)
    path = source if isinstance(source, Path) else None
    return Playbook(body=body, sections=sections, intro=intro, path=path, **values)


def load_file(path: str | Path) -> Playbook:
    """Load one file and check that its name agrees with its front matter."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise PlaybookError(path, "file is not valid UTF-8") from exc
    playbook = parse_playbook(text, path)
    expected = f"{playbook.id}.{playbook.lang}.md"
    if path.name != expected:
        raise PlaybookError(path, f"file name must be {expected!r} to match its id and lang")
    return playbook


def load_folder(folder: str | Path) -> list[Playbook]:
    """Load every ``*.md`` file directly inside ``folder``, in a stable order."""
    folder = Path(folder)
    if not folder.is_dir():
        raise PlaybookError(str(folder), "playbook folder does not exist")
    return [load_file(path) for path in sorted(folder.glob("*.md"))]


# --------------------------------------------------------------------------- library


class Library:
    """Playbooks indexed by (id, lang), with English as the fallback language."""

    def __init__(self, playbooks: Iterable[Playbook]) -> None:
        self._index: dict[tuple[str, str], Playbook] = {}
        for playbook in playbooks:
            key = (playbook.id, playbook.lang)
            if key in self._index:
                raise PlaybookError(_where(playbook), f"duplicate playbook {key}")
            self._index[key] = playbook
        for playbook_id in self.ids():
            self._check_translations(playbook_id)

    @classmethod
    def load(cls, folder: str | Path | None = None) -> Library:
        """Load a folder of playbooks (the packaged ones by default)."""
        return cls(load_folder(folder if folder is not None else _PACKAGE_DIR))

    def _check_translations(self, playbook_id: str) -> None:
        """Refuse translations whose steps would not line up with the English original."""
        original = self._index.get((playbook_id, FALLBACK_LANG))
        if original is None:
            other = next(p for (i, _), p in self._index.items() if i == playbook_id)
            raise PlaybookError(_where(other), f"no English version {playbook_id}.en.md exists")
        for lang in self.langs(playbook_id):
            translation = self._index[(playbook_id, lang)]
            if translation.shape != original.shape:
                raise PlaybookError(
                    _where(translation),
                    f"steps per section {list(translation.shape)} differ from the English "
                    f"version {list(original.shape)}; step keys would not line up",
                )
            if (translation.kinds, translation.signals) != (original.kinds, original.signals):
                raise PlaybookError(
                    _where(translation), "kinds and signals must be the same as in English"
                )

    def ids(self) -> list[str]:
        """Every playbook id, sorted."""
        return sorted({playbook_id for playbook_id, _ in self._index})

    def langs(self, playbook_id: str) -> list[str]:
        """Languages in which ``playbook_id`` exists, in the order of ``LANGS``."""
        return [lang for lang in LANGS if (playbook_id, lang) in self._index]

    def get(self, playbook_id: str, lang: str = FALLBACK_LANG) -> Playbook:
        """Return the playbook in ``lang``, or in English when that translation is missing."""
        found = self._index.get((playbook_id, lang)) or self._index.get(
            (playbook_id, FALLBACK_LANG)
        )
        if found is None:
            known = ", ".join(self.ids()) or "none"
            raise UnknownPlaybookError(f"unknown playbook {playbook_id!r}; known ids: {known}")
        return found

    def all(self, lang: str = FALLBACK_LANG) -> list[Playbook]:
        """One playbook per id in ``lang`` (English where missing), sorted by id."""
        return [self.get(playbook_id, lang) for playbook_id in self.ids()]

    def for_incident(
        self, kind: str, signals: Iterable[str] = (), lang: str = FALLBACK_LANG
    ) -> list[Playbook]:
        """Playbooks for an incident, most specific first.

        Playbooks of that kind whose signals intersect ``signals`` come first (more shared
        signals first), then the kind's general playbooks (those declaring no signals).
        Playbooks for other signals are left out so an alert does not point at the wrong
        response; only when a kind has nothing else are they offered. ``mention`` gets none.
        """
        if kind in KINDS_WITHOUT_PLAYBOOK:
            return []
        if kind not in SIGNALS:
            raise ValueError(f"unknown incident kind {kind!r}; expected one of {', '.join(KINDS)}")
        wanted = frozenset(signals)
        candidates = [p for p in self.all(FALLBACK_LANG) if kind in p.kinds]
        ranked = sorted(candidates, key=lambda p: _rank(p, kind, wanted))
        chosen = [p for p in ranked if _rank(p, kind, wanted)[0] < 2] or ranked
        return [self.get(p.id, lang) for p in chosen]


def _rank(playbook: Playbook, kind: str, wanted: frozenset[str]) -> tuple[int, int, int, str]:
    """Sort key: signal match, then general, then the rest; a kind listed first wins ties."""
    shared = len(wanted.intersection(playbook.signals))
    tier = 0 if shared else (1 if not playbook.signals else 2)
    primary = 0 if playbook.kinds[0] == kind else 1
    return (tier, -shared, primary, playbook.id)


def _where(playbook: Playbook) -> str | Path:
    return playbook.path or f"{playbook.id}.{playbook.lang}.md"


@cache
def default_library() -> Library:
    """The packaged playbooks, loaded once per process (they never change at run time)."""
    library = Library.load(_PACKAGE_DIR)
    if not library.ids():
        raise PlaybookError(
            str(_PACKAGE_DIR), "no playbook files found; was the package installed without *.md?"
        )
    return library


# --------------------------------------------------------------------------- rendering

_LINK = re.compile(r"\[([^\]]+)\]\(([^)]+)\)")
_EMPHASIS = re.compile(r"(\*\*|__|\*|`)")


def plain(markdown: str) -> str:
    """Inline Markdown to plain text: links keep their address, emphasis marks go."""
    text = _LINK.sub(
        lambda m: m.group(1) if m.group(1) == m.group(2) else f"{m[1]} ({m[2]})", markdown
    )
    return _EMPHASIS.sub("", text)


def render_text(playbook: Playbook, width: int = 78) -> str:
    """Render a playbook for a terminal: title, summary and numbered steps, wrapped."""
    lines = [playbook.title, "=" * len(playbook.title), ""]
    lines += [*textwrap.wrap(plain(playbook.summary), width), ""]
    if playbook.intro:
        lines += [*textwrap.wrap(plain(playbook.intro), width), ""]
    for number, section in enumerate(playbook.sections, start=1):
        lines.append(f"{number}. {plain(section.title)}")
        if section.intro:
            lines += textwrap.wrap(
                plain(section.intro), width, initial_indent="   ", subsequent_indent="   "
            )
        for step in section.steps:
            prefix = f"   {step.key}  "
            lines += textwrap.wrap(
                plain(step.text),
                width,
                initial_indent=prefix,
                subsequent_indent=" " * len(prefix),
            )
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
