"""Cue lexicons: YAML data files per language, compiled into one automaton over word tokens.

A lexicon file (lexicons/<lang>.yaml) maps each section (an incident kind, or `report`,
`quoted` and `private`, see `classifier`) to terms and weights. Terms are folded like text, so a
trainer writes them in ordinary spelling. Matching runs over a string of folded word tokens
joined by single spaces, so a phrase matches across any punctuation-free whitespace and token
distances fall out of the match positions.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

import ahocorasick
import yaml

from monitor.errors import UserError
from monitor.matching.normalize import fold

SECTIONS = (
    "smear",
    "leak",
    "doxxing",
    "threat",
    "impersonation",
    "phishing",
    "report",
    "quoted",
    "private",
)
LANGS = ("az", "ru", "en")

_CURLY = str.maketrans({"’": "'", "ʼ": "'", "`": "'"})


@dataclass(frozen=True)
class Term:
    """One lexicon entry: `text` as written, its folded words, and whether it is a stem."""

    section: str
    text: str
    lang: str
    weight: float
    words: tuple[str, ...]
    stem: bool
    suffix: bool = False


@lru_cache(maxsize=65536)
def fold_token(token: str) -> str:
    """The folded form of a word token (apostrophes unified, so women’s is women's)."""
    return fold(token.translate(_CURLY))


def parse_term(section: str, text: str, lang: str, weight: object) -> Term:
    """Validate one entry; a bad lexicon must fail loudly at load, not match nothing."""
    if section not in SECTIONS:
        raise UserError(
            f"Lexicon {lang}: unknown section {section!r}; use one of {', '.join(SECTIONS)}.",
            code="lexicon_invalid",
        )
    if not isinstance(weight, int | float) or not 0 < float(weight) <= 1:
        raise UserError(
            f"Lexicon {lang}: weight of {text!r} must be a number in (0, 1].",
            code="lexicon_invalid",
        )
    stem = text.endswith("*")
    suffix = text.startswith("*") and not stem
    words = tuple(fold_token(w) for w in text.strip("*").split())
    if not words or any("*" in w for w in words) or (suffix and len(words) > 1):
        raise UserError(
            f"Lexicon {lang}: {text!r} is not a term; '*' may end a stem or start a one-word"
            " ending (*masan).",
            code="lexicon_invalid",
        )
    return Term(section, text, lang, float(weight), words, stem, suffix)


def read(text: str, lang: str) -> list[Term]:
    """All terms of one lexicon file. A term listed twice is refused: YAML would keep the last
    weight without a word, and the trainer who wrote the first would never know."""
    try:
        document = yaml.load(text, Loader=_UniqueKeys)
    except yaml.YAMLError as exc:
        raise UserError(f"Lexicon {lang}: {exc}", code="lexicon_invalid") from exc
    return parse(document, lang)


class _UniqueKeys(yaml.SafeLoader):
    """The safe loader, refusing a mapping that gives one key twice."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"{key!r} is listed twice", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep)


def parse(document: dict, lang: str) -> list[Term]:
    """All terms of one parsed YAML lexicon."""
    terms = []
    for section, entries in document.items():
        if section == "lang":
            continue
        for text, weight in (entries or {}).items():
            terms.append(parse_term(section, str(text), lang, weight))
    return terms


@cache
def default_lexicon() -> Lexicon:
    """The lexicons shipped in monitor/matching/lexicons/, loaded once per process."""
    terms: list[Term] = []
    folder = resources.files("monitor.matching.lexicons")
    for lang in LANGS:
        terms.extend(read((folder / f"{lang}.yaml").read_text(encoding="utf-8"), lang))
    return Lexicon(terms)


class Lexicon:
    """Terms of all languages in one automaton over joined folded tokens."""

    def __init__(self, terms: Iterable[Term]) -> None:
        self.terms = tuple(terms)
        self._automaton = ahocorasick.Automaton()
        by_pattern: dict[str, list[Term]] = {}
        for term in self.terms:
            head = "" if term.suffix else " "
            pattern = head + " ".join(term.words) + ("" if term.stem else " ")
            _refuse_twice(by_pattern.get(pattern, ()), term)
            by_pattern.setdefault(pattern, []).append(term)
        for pattern, found in by_pattern.items():
            self._automaton.add_word(pattern, (pattern, tuple(found)))
        if by_pattern:
            self._automaton.make_automaton()

    def find(self, words: list[str]) -> Iterator[tuple[int, int, Term]]:
        """(first token, last token, term) for every term occurrence in the token list."""
        if not self.terms or not words:
            return
        joined = " " + " ".join(words) + " "
        # A match's first token is the number of spaces before it, less one, unless a folded
        # word holds a space of its own (a few compatibility letters decompose into words).
        plain = joined.count(" ") == len(words) + 1
        starts = (
            [] if plain else list(itertools.accumulate((len(w) + 1 for w in words[:-1]), initial=1))
        )
        spaces, counted = 0, 0  # spaces in joined[:counted], moved along with the matches
        for end, (pattern, terms) in self._automaton.iter(joined):
            offset = end - len(pattern) + 2 - terms[0].suffix
            if plain:
                if offset >= counted:
                    spaces += joined.count(" ", counted, offset)
                else:
                    spaces -= joined.count(" ", offset, counted)
                counted = offset
                first = spaces - 1
            else:
                first = _token_at(starts, offset)
            last = first + len(terms[0].words) - 1
            for term in terms:
                yield first, last, term


def _refuse_twice(same_pattern: Iterable[Term], term: Term) -> None:
    """Two spellings of one term in one section (живёт / живет, or "video*" in two languages)
    fold alike, so both would match every occurrence and count it twice."""
    for other in same_pattern:
        if other.section == term.section:
            raise UserError(
                f"Lexicon {term.lang}: {term.text!r} in {term.section} is {other.text!r}"
                f" ({other.lang}) once folded; list it once.",
                code="lexicon_invalid",
            )


def _token_at(starts: list[int], offset: int) -> int:
    return bisect.bisect_right(starts, offset) - 1


WORD = re.compile(r"[^\W_]+(?:['’ʼ`-][^\W_]+)*")
