"""Names: spellings with their case endings, and the rules that pair a surname with a given name.

A surname alone is not a person (Mehdiyeva may be anyone's relative or namesake). It names a
registered activist when one of her given names, in any spelling or case ending, or its initial
stands right next to it: before it ("Gülnarə Mehdiyeva", "G. Mehdiyeva", "Гюльнары Мехдиевой"),
after it in surname-first order ("Mehdiyeva Gülnarə", "Mehdiyeva G.", in Russian in the same
case as the surname: "Мехдиевой Гюльнары"), with honorifics, a
patronymic or a middle initial between ("Gülnarə xanım Mehdiyeva", "Gülnarə Əli qızı
Mehdiyeva"), or at the head of a coordination that shares the surname ("Ülviyyə və Fidan
Sadıqzadə"). A line break or a sentence end in between breaks the pair.

Every surname candidate is checked against a table of the folded given-name forms (spellings,
Russian case forms, initials) of the people who carry that surname, so the common case costs a
few dictionary lookups. The words around a candidate are read with small anchored regular
expressions: no tokenizer runs over the whole text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from functools import cache, lru_cache
from typing import NamedTuple, TypeGuard

from monitor.matching import morphology, variants
from monitor.matching.normalize import OPENING_QUOTES, fold
from monitor.matching.windows import Spans

_HONORIFICS = frozenset(
    fold(w)
    for w in (
        "xanım",
        "xanum",
        "hanım",
        "bəy",
        "bay",
        "müəllim",
        "ханум",
        "ханым",
        "госпожа",
        "mrs",
        "ms",
        "mr",
        "miss",
        "dr",
    )
)
_PATRONYMIC_WORDS = frozenset(fold(w) for w in ("qızı", "oğlu", "kızı", "кызы", "оглы", "gizi"))
# A Russian patronymic, folded (й is и), in any case: Sergeyevna, Сергеевны, Сергеевной, Ивановичу.
_PATRONYMIC = re.compile(
    r"\w{2,}(?:ovn|evn|ichn|ovich|evich|овн|евн|ичн|ович|евич)(?:a|y|e|u|oy|oj|em|ои|ою|а|ы|е|у|ем)?$"
)
_CONJUNCTIONS = frozenset(fold(w) for w in ("və", "ve", "ilə", "and", "&", "и"))
_LINKS = (",", "&", " və", " ve", " ilə", " and", " и", " VƏ", " VE", " AND", " И", " Və", " And")
# Last characters of a link, or spaces that `_links_back` strips before reading one.
_LINK_LAST = frozenset([link[-1] for link in _LINKS] + [" ", "\t", "\u00a0"])
_NOBODY: frozenset[int] = frozenset()
_APOSTROPHES = "'’ʼ`"
_NO_APOSTROPHES = str.maketrans("", "", _APOSTROPHES)
_JOINERS = _APOSTROPHES + "-"  # what may stand between a name and its ending
_MAX_FILLERS = 2
_MAX_COORDINATED = 3
_REACH = 48

# A word read backwards from a position: spaces, an optional comma, an optional full stop
# (an initial), then letters. Matching the reversed slice keeps the regex anchored.
_BACK = re.compile(
    r"[ \t\u00a0\u202f\u2009]*(,?)[ \t\u00a0\u202f\u2009]*(\.?)((?:[^\W\d_]|['’ʼ`-])+)"
)
# A line break and a subtitle line's time ("[00:14:05] ", "00:14:05 ") up to `pos`: burnt-in
# and auto-generated subtitles break lines anywhere, between a given name and its surname too,
# so the word before a line that opens with one is the last word of the line above.
_CUE_TIME = re.compile(
    r"(?<=[^\W\d_])\n[ \t]*(?:\[\d{1,2}(?::\d\d){1,2}\]|\d{1,2}(?::\d\d){2})[ \t]+\Z"
)
_FORWARD = re.compile(r"[ \t\u00a0\u202f\u2009]*((?:[^\W\d_]|['’ʼ`-])+)")
_TAIL = re.compile(r"[^\W\d_]*(?:['’ʼ`][^\W\d_]+)?")
_HYPHEN_TAIL = re.compile(r"-([^\W\d_]+)")
# Characters (and the end of the text, "") that neither begin nor continue a word, nor are spaces:
# `ending`, `word_after` and their regular expressions agree that no word starts there.
_NOT_WORD = frozenset(("", *',.;:!?()[]{}<>"«»“”„/\\|@#%&*+=~_0123456789\n\r\f\v'))

# Words after which a name in quotes is the title of a film or play or the name of a place or
# firm: a pen name there is that title («фильм «Берёза»», «ЖК «Маяк»», "kafe "Sova""), not the
# person; in Azerbaijani also without quotes before them, with the possessive that joins them
# to the name (Qaranquş küçəsi, `names_a_place`). The person's own media (channel, blog,
# podcast, page) and writings are not here: a pen name in quotes after them is the person's.
# Stems take a noun's case or possessive ending (в кофейне, kafesində; `_TITLE_ENDINGS`), not
# any letters (a filmmaker, a tamaşaçı, spectator, is a person); abbreviations only as written.
_TITLE_STEMS = tuple(
    fold(w)
    for w in (
        "фильм",
        "сериал",
        "спектакл",
        "кафе",
        "кофейн",
        "ресторан",
        "гостиниц",
        "отел",
        "магазин",
        "film",
        "serial",
        "tamaşa",
        "kafe",
        "restoran",
        "otel",
        "mağaza",
        "kompleks",
        "movie",
        "series",
        "café",
        "restaurant",
        "hotel",
        "shop",
        "store",
        "complex",
        "küçə",
        "prospekt",
        "meydan",
        "park",
    )
)
# Capitalised words that make a place of the name before them in English: Hedgewitch Lane,
# Hedgewitch Park (`names_a_place`).
_PLACE_WORDS = frozenset(
    fold(w)
    for w in (
        *("lane", "road", "street", "avenue", "close", "drive", "square", "park", "bridge"),
        *("room", "rooms", "hall", "centre", "center", "school", "cafe", "restaurant"),
        *("hotel", "shop", "store", "bakery", "pub", "inn", "farm", "estate"),
    )
)
# The Azerbaijani possessive that joins a name to the noun after it, alone after a vowel or
# before a case ending: Qaranquş küçəsi, Qaranquş kafesində, Qaranquş restoranında. Not -ı/-i
# alone after a consonant, which is also the accusative: "Qaranquş restoranı tərk edib",
# Qaranquş left the restaurant.
_POSSESSIVE = frozenset(
    fold(e)
    for e in (
        *("sı", "si", "sına", "sinə", "sının", "sinin", "sında", "sində", "sından", "sindən"),
        *("ına", "inə", "ının", "inin", "ında", "ində", "ından", "indən"),
    )
)
_TITLE_ABBREVIATIONS = frozenset(
    fold(w) for w in ("жк", "тц", "трц", "ооо", "оао", "зао", "mmc", "asc", "qsc", "llc", "ltd")
)
# A noun's endings on a title word: Russian cases, the English plural, Azerbaijani cases and
# the possessive above.
_TITLE_ENDINGS = _POSSESSIVE | frozenset(
    fold(e)
    for e in (
        *("", "а", "я", "е", "у", "ю", "ом", "ем", "ой", "ей", "ы", "и", "ь", "s", "es"),
        *("ı", "i", "u", "ü", "a", "ə", "ya", "yə", "nı", "ni", "ın", "in", "nın", "nin"),
        *("da", "də", "nda", "ndə", "dan", "dən"),
    )
)
_CLOSING_QUOTES = "»\"”“'’"

# (start, end, text, comma-before-the-position)
Word = tuple[int, int, str, bool]


class Spelling(NamedTuple):
    """One way to write a name token: the stem the automaton holds and the endings it takes,
    and those it takes only right after the person's own given name (see
    `morphology.endings_after_given`)."""

    stem: str
    folded: str
    endings: frozenset[str]
    label: str
    after_given: frozenset[str] = frozenset()


@cache
def spellings(token: str, role: str, gender: morphology.Gender) -> tuple[Spelling, ...]:
    """Spellings of a given name, surname or nickname with their case endings (cached)."""
    out = []
    for spelling, label in variants.spellings(token):
        if variants.is_cyrillic(spelling):
            stem, endings = morphology.cyrillic_forms(spelling, role, gender)
            out.append(Spelling(stem, fold(stem), endings, label))
        else:
            male = role == "surname" and gender is morphology.Gender.MALE
            endings = morphology.latin_endings(spelling, male_surname=male)
            paired = morphology.endings_after_given(spelling, male_surname=male)
            out.append(Spelling(spelling, fold(spelling), endings, label, paired))
    return tuple(out)


@cache
def given_forms(token: str, gender: morphology.Gender) -> frozenset[str]:
    """Folded forms a given name takes in front of a surname, and its initials ("g.").

    Azerbaijani and English put the case ending on the surname only; Russian declines both
    (Гюльнары Мехдиевой), so Cyrillic spellings contribute every case form.
    """
    out: set[str] = set()
    for s in spellings(token, "given", gender):
        if variants.is_cyrillic(s.stem):
            out.update(s.folded + e for e in s.endings)
        else:
            out.add(s.folded)
        out.update(i + "." for i in variants.initials(s.stem))
    return frozenset(out)


def word_before(work: str, pos: int) -> Word | None:
    """The word ending just before `pos` on the same line and in the same sentence."""
    lo = pos - _REACH if pos > _REACH else 0
    if pos > 1 and work[pos - 1] == " ":
        # Fast path for the common "Gülnarə Mehdiyeva": one space, then a run of letters back to
        # the previous space. Anything else (punctuation, initials, apostrophes) takes the regex.
        first = work.rfind(" ", lo, pos - 1) + 1 or lo
        word = work[first : pos - 1]
        if word.isalpha():
            return first, pos - 1, word, False
    m = _BACK.match(work[lo:pos][::-1])
    if m is None:
        line = work.rfind("\n", lo, pos)
        cue = _CUE_TIME.match(work, line, pos) if line > 0 else None
        return word_before(work, line) if cue else None  # punctuation, a line break
    if m.group(2) and len(m.group(3)) > 2:
        return None  # a sentence that ended
    start = pos - m.end()
    end = pos - m.start(2)
    return start, end, work[start:end], bool(m.group(1))


def word_after(work: str, pos: int) -> Word | None:
    """The word starting just after `pos`, with only spaces between."""
    c = work[pos : pos + 1]
    if c in _NOT_WORD:
        return None
    if c == " ":  # fast path: one space, then letters up to the next space
        last = work.find(" ", pos + 1, pos + _REACH)
        word = work[pos + 1 : last] if last > 0 else ""
        if word.isalpha():
            return pos + 1, last, word, False
    m = _FORWARD.match(work, pos)
    if m is None:
        return None
    return m.start(1), m.end(1), m.group(1), False


@lru_cache(maxsize=65536)
def folded(word: str) -> str:
    """A word's comparison form; an initial keeps its full stop ("g.")."""
    if word.endswith(".") and len(word) <= 3:
        return fold(word[:-1]) + "."
    return fold(word.translate(_NO_APOSTROPHES))


@lru_cache(maxsize=65536)
def is_filler(word: str) -> bool:
    """Honorifics, patronymics and middle initials may stand inside a full name."""
    f = fold(word.rstrip("."))
    return (
        f in _HONORIFICS
        or f in _PATRONYMIC_WORDS
        or _PATRONYMIC.match(f) is not None
        or (word.endswith(".") and len(f) == 1)
    )


def given_before(
    work: str, start: int, table: dict[str, frozenset[int]], first: Word | None
) -> list[tuple[int, int]]:
    """(activist, name start) for people in `table` whose given name precedes the surname.

    `first` is the word right before the surname, already read by the caller.
    """
    word = first
    found = _NOBODY
    for _ in range(_MAX_FILLERS + 1):
        if word is None or word[3]:
            return []
        found = table.get(folded(word[2]), _NOBODY)
        if found or not is_filler(word[2]):
            break
        if fold(word[2]) in _PATRONYMIC_WORDS:  # "Əli qızı": the father's name goes too
            word = word_before(work, word[0])
        word = word_before(work, word[0]) if word else None
    if word is None:
        return []
    out = [(aid, word[0]) for aid in found] if found else []
    if (found or word[2][:1].isupper()) and _links_back(work, word[0]):
        out += _coordinated(work, word, table, found)
    return out


def _links_back(work: str, start: int) -> bool:
    """Cheap test for a conjunction or comma before `start`, so that most candidates skip the
    coordination walk. Most words before a given name cannot end a link at all."""
    if start > 1 and work[start - 1] == " " and work[start - 2] not in _LINK_LAST:
        return False
    return work[max(0, start - 6) : start].rstrip(" \t\u00a0").endswith(_LINKS)


def _coordinated(
    work: str, last: Word, table: dict[str, frozenset[int]], done: frozenset[int]
) -> list[tuple[int, int]]:
    """Given names earlier in "A və B Surname" or "A, B and C Surname"."""
    out: list[tuple[int, int]] = []
    for _ in range(_MAX_COORDINATED):
        link = word_before(work, last[0])
        if link is None:
            break
        if link[3]:
            name: Word | None = link
        elif fold(link[2]) in _CONJUNCTIONS:
            name = word_before(work, link[0])
        else:
            break
        if name is None or not name[2][:1].isupper():
            break
        found = table.get(folded(name[2]), _NOBODY) - done
        out += [(aid, name[0]) for aid in found]
        done |= found
        last = name
    return out


def given_after(
    work: str,
    stop: int,
    table: dict[str, frozenset[int]],
    tail: str,
    genders: Mapping[int, morphology.Gender],
    before: Word | None = None,
) -> list[tuple[int, int]]:
    """(activist, name end) for people whose given name follows: "Mehdiyeva Gülnarə". Not when
    a surname follows the given name in turn: in "villagers of Qoçlu Könül Həsənova" the given
    name is Həsənova's, and Qoçlu is a place. After a surname with a Russian case ending
    (`tail`), the given name must stand in the same case, by each person's gender in `genders`
    (see `morphology.cases_agree`); an initial does not decline. Forms and receipts put a comma
    between ("THORNBURY, MEGAN", "Thornbury, M."): taken when nothing capitalised follows the
    given name, as it would in a list of people ("Mehdiyeva, Gülnarə Həsənova, ..."). An
    Azerbaijani case ending on the given name (`_given_with_ending`) is taken only when the
    word `before` the surname may not be a given name: after "Elmar Həsənov" the surname is
    Elmar's and "Orxanı" its object ("Elmar Həsənov Orxanı tanıyır")."""
    direct = word_after(work, stop)
    word = _initial_after(work, direct or _after_comma(work, stop))
    found = table.get(folded(word[2])) if word else None
    if word and not found and word is direct and not tail and not _may_be_given_name(before):
        found = _given_with_ending(word[2], table, genders)
    if not found or not word or _surname_follows(work, word[1]):
        return []
    if tail and not word[2].endswith("."):
        found = frozenset(a for a in found if morphology.cases_agree(tail, word[2], genders[a]))
    return [(aid, word[1]) for aid in found]


def _given_with_ending(
    word: str, table: Mapping[str, frozenset[int]], genders: Mapping[int, morphology.Gender]
) -> frozenset[int] | None:
    """The people whose given name `word` is with an Azerbaijani case ending, as surname-first
    order declines it: the ending goes on the last word («Ələkbərova Məleykənin», "Həsənov
    Orxana"). Only for a capitalised Latin word; most words after a surname are neither. A
    dative -a/-ə alone also makes women's names of men's (Kamil, Kamilə; Elmir, Elmira), so it
    counts only for men whose surname says they are men (Həsənov, not Hüseynli)."""
    if not word[:1].isupper() or variants.is_cyrillic(word):
        return None
    for cut in range(len(word) - 1, max(_MIN_GIVEN, len(word) - _LONGEST_ENDING) - 1, -1):
        stem = word[:cut]
        found = table.get(folded(stem))
        ending = fold(word[cut:])
        if not found or ending not in morphology.latin_endings(stem):
            continue
        if ending in _BARE_DATIVE:
            found = frozenset(a for a in found if genders[a] is morphology.Gender.MALE)
        return found or None
    return None


_MIN_GIVEN = 3  # letters of the shortest given name (Əli, Ana)
_LONGEST_ENDING = 6  # -lərdən, -sından: longer tails are no case ending
_BARE_DATIVE = frozenset({fold("a"), fold("ə")})


def _after_comma(work: str, stop: int) -> Word | None:
    """The word after a comma right after `stop`, if no capitalised word follows it."""
    if work[stop : stop + 1] != ",":
        return None
    word = word_after(work, stop + 1)
    if word is None:
        return None
    past = word[1] + 1 if work.startswith(".", word[1]) else word[1]  # an initial's full stop
    following = word_after(work, past)
    return None if following and following[2][:1].isupper() else word


def _initial_after(work: str, word: Word | None) -> Word | None:
    """The word after a surname, with its full stop if it is an initial ("Mehdiyeva G.",
    «Багирлы К.», "Kazımova Sh.", with a patronymic's initial after it: «Белоусова М. С.»): the
    table holds initials with theirs ("g."). A lower-case letter is no initial ("Mehdiyeva v.
    Azerbaijan", «Мехдиевой г. Баку»: versus, city), and initials followed by a surname belong
    to it ("Mehdiyeva G. Hüseynli", "Mehdiyeva G. R. Hüseynli"): None. Another capitalised
    word after them opens the next sentence («оперировал Сухоруков Г. А. Перед операцией…»)."""
    if not _is_initial(word, work):
        return word
    following = word_after(work, word[1] + 1)
    if _is_initial(following, work):
        following = word_after(work, following[1] + 1)
    if not word[2][0].isupper() or (following and _is_surname_after_initials(following[2])):
        return None
    return word[0], word[1] + 1, word[2] + ".", word[3]


def _is_initial(word: Word | None, work: str) -> TypeGuard[Word]:
    """Whether `word` is one or two letters followed by a full stop."""
    return word is not None and len(word[2]) <= 2 and work[word[1] : word[1] + 1] == "."


def _surname_follows(work: str, pos: int) -> bool:
    """Whether the word after `pos` is a capitalised word with a surname's suffix (-ova, -yev,
    -zadə, -ов, ...), bare or with a short case ending ("Həsənovanın", "Гасановой"), and not a
    patronymic, which follows the given name in "Белоусова Марина Сергеевна"."""
    word = word_after(work, pos)
    return word is not None and _has_surname_shape(word[2])


def _has_surname_shape(word: str) -> bool:
    """A capitalised word with a surname's suffix (-ova, -yev, -zadə, -ов, ...), bare or with a
    short case ending, that is not a patronymic."""
    if not word[:1].isupper():
        return False
    folded_word = fold(word)
    return bool(_SURNAME_SUFFIX.match(folded_word)) and not _PATRONYMIC.match(folded_word)


def _is_surname_after_initials(word: str) -> bool:
    """`_has_surname_shape`, or an Azerbaijani surname in -lı/-li/-lu/-lü after a consonant,
    bare or with a case ending (Hüseynli, Qasımlının, Гусейнли). Only after initials: elsewhere
    villages and adjectives are shaped so (Qoçlu, Məlumatlı), and a Russian verb in -ли
    (Рассказали) has a vowel before it."""
    return _has_surname_shape(word) or (word[:1].isupper() and bool(_LI_SURNAME.match(fold(word))))


_SURNAME_SUFFIX = re.compile(r"\w{3,}(?:ova|eva|ov|ev|zade|ова|ева|ов|ев|заде)\w{0,4}$")
_LI_SURNAME = re.compile(
    r"\w{2,}[^\Waeiouаеиоуыэюя](?:li|lu|ли|лы)(?:n[iu]n|y[ae]|n[iu]|d[ae]n?)?$"
)


def ending(work: str, end: int, endings: frozenset[str]) -> str | None:
    """The case ending after a stem if the stem takes it; None when the word goes on. A hyphen
    may stand where an apostrophe does, as Azerbaijani writes endings after abbreviations and
    capitals (VüsalTV-də, AzTV-nin); a word after a hyphen that is no ending leaves the name
    bare (Həsənova-Dadaşova)."""
    if work[end : end + 1] in _NOT_WORD:  # the word ends here (the common case)
        return "" if "" in endings else None
    if work[end] == "-":
        hyphen = _HYPHEN_TAIL.match(work, end)
        if hyphen and fold(hyphen.group(1)) in endings:
            return hyphen.group()
    m = _TAIL.match(work, end)
    tail = m.group() if m else ""
    if fold(tail.translate(_NO_APOSTROPHES)) in endings:
        return tail
    return None


def is_plural(tail: str) -> bool:
    """Whether an Azerbaijani case ending begins with the plural -lar/-lər: a name in the
    plural is a common noun ("qaratoyuqlar", blackbirds), not the person it names."""
    return fold(tail.lstrip(_JOINERS))[:3] in ("lar", "ler")


SPLIT_LABEL = "split before its suffix"
MISREAD_LABEL = "a letter misread as a digit"
# Suffixes before which speech recognition splits a surname it does not know, writing its root
# as the given name it does know: "nağı yeva", "hüseyn li", "керим ов". Latin -ev/-eva are left
# out: "ev" is Azerbaijani for home ("ramin əli evdə").
_SPLIT_SUFFIXES = ("zadə", "zade", "yeva", "yev", "ova", "ov", "lı", "li", "lu", "lü")
_SPLIT_SUFFIXES_CYRILLIC = ("заде", "ева", "ев", "ова", "ов", "лы", "ли")


def split_at_suffix(stem: str) -> str | None:
    """`stem` with a space before its surname suffix, or None when it has none or the root
    left would be shorter than three letters."""
    suffixes = _SPLIT_SUFFIXES_CYRILLIC if variants.is_cyrillic(stem) else _SPLIT_SUFFIXES
    for suffix in suffixes:
        if stem.endswith(suffix) and len(stem) - len(suffix) >= 3:
            return f"{stem[: -len(suffix)]} {suffix}"
    return None


def note(label: str, tail: str) -> str:
    """How a name matched, for people tuning registrations."""
    bare = tail.lstrip(_JOINERS)
    return f"{label}, case ending -{bare}" if bare else label


def opens_sentence(work: str, start: int) -> bool:
    """Whether the word at `start` begins the text, a line, a list item or a sentence (after a
    colon too, as headlines write), where any word is capitalised: its capital tells nothing.
    Spaces, quotation marks, brackets, dashes and bullets in between are passed over."""
    before = work[max(0, start - _LOOK_BACK) : start].rstrip(_BETWEEN_SENTENCES)
    if before:
        return before[-1] in ".!?…:\n\r"
    return start <= _LOOK_BACK  # nothing but such marks since the text began


def names_a_title(work: str, start: int, end: int) -> bool:
    """Whether the name at work[start:end] stands in quotes before or after a word for a film, a
    play, a place or a firm (see `_TITLE_STEMS`): ЖК «Маяк», "Sova" kafesi. It is the title of
    that, not a person."""
    if start < 1 or work[start - 1] not in OPENING_QUOTES:
        return False
    before = word_before(work, start - 1)
    if before is not None and not before[3] and _is_title_word(before[2]):
        return True  # not across a comma: «в кафе, «Маяк» написал» is the person
    closing = work[end : end + 1]
    after = word_after(work, end + 1) if closing and closing in _CLOSING_QUOTES else None
    return after is not None and _is_title_word(after[2])


# "(1921–1989)" right after a name, or after its patronymic (Керимова Лейла Алиевна, Kərimova
# Leyla Əli qızı): a birth and a death year in brackets and nothing else.
_SPACE = r"[ \t\u00a0]*"
_BRACKET = rf"(?:[ \t\u00a0]+[^\W\d_]+){{0,2}}{_SPACE}\({_SPACE}"
_LIFE_SPAN = re.compile(rf"{_BRACKET}(\d{{4}}){_SPACE}[-‐‑–—−]{_SPACE}(\d{{4}}){_SPACE}\)")
_BRACKET_AFTER = re.compile(_BRACKET)
# Years a life span covers at least: fewer is more likely a term of office ("director
# (2015–2019)"), which a registered person may well have held.
LIFE_YEARS = 20
# Years since a death before it tells a namesake: a registered activist who has died, in
# custody say, is news that must reach the people watching over them.
DEATH_YEARS_PAST = 10


def life_span_follows(work: str, end: int) -> bool:
    """Whether the name that ends at `end` is followed by its bearer's years of birth and death,
    as encyclopedias, archives and catalogues write them ("the poet Leyla Kərimova
    (1921–1989)"): someone who died long before anyone registered, a namesake."""
    span = _LIFE_SPAN.match(work, end)
    if span is None:
        return False
    born, died = int(span[1]), int(span[2])
    return died - born >= LIFE_YEARS and died <= date.today().year - DEATH_YEARS_PAST


def bracket_follows(work: str, end: int) -> bool:
    """Whether a bracket follows the name that ends at `end`, after its patronymic if any: in a
    list of people ("Соколов Дмитрий Андреевич (род. 1985)"), the start of an entry of its
    own."""
    return _BRACKET_AFTER.match(work, end) is not None


def paragraph_end(work: str, start: int) -> int:
    """Where the paragraph that holds `start` ends: at the next blank line, else the text's
    end."""
    found = _BLANK_LINE.search(work, start)
    return found.start() if found else len(work)


# A line with nothing but spaces on it, whatever the line ends (\r\n, \n, a lone \r), or the
# Unicode paragraph separator.
_BLANK_LINE = re.compile(r"(?:\r\n|\n|\r(?!\n))[^\S\r\n]*(?:\r\n|\n|\r)|\u2029")


def names_a_place(work: str, end: int, titled: bool = False) -> bool:
    """Whether the name that ends at `end`, without a case ending of its own, is the first part
    of a place's or a firm's name: an Azerbaijani word for one with the possessive that joins
    it to the name (Qaranquş küçəsi, Qaranquş kafesində; "Qaranquşun kafesi", her café, keeps
    its genitive), or in English a capitalised word for a place (Hedgewitch Lane). A street or
    a café named so is not the person. Not the English kind in text `titled` for matching (all
    in lower case), where every word has a capital: "hedgewitch park protest"."""
    after = word_after(work, end)
    if after is None or after[0] != end + 1:
        return False
    word = after[2]
    if _title_ending(word) in _POSSESSIVE:
        return True
    return not titled and word[:1].isupper() and folded(word) in _PLACE_WORDS


def _is_title_word(word: str) -> bool:
    return folded(word) in _TITLE_ABBREVIATIONS or _title_ending(word) is not None


def _title_ending(word: str) -> str | None:
    """The ending of a word for a film, a place or a firm (`_TITLE_STEMS`), None for another."""
    key = folded(word)
    for stem in _TITLE_STEMS:
        if key.startswith(stem) and key[len(stem) :] in _TITLE_ENDINGS:
            return key[len(stem) :]
    return None


def written_in_lower_case(
    work: str, word: str, lower_lines: tuple[tuple[int, int], ...] = ()
) -> bool:
    """Whether `work` also has the capitalised `word` in lower case at the start of a word (ı
    and i both for I, as Turkic and other habits lower it), or has it at all in `lower_lines`
    (lines title-cased for matching, see `normalize.prepare_scan`): a text that does uses the
    common word."""
    rest = word[1:]
    firsts = {"I": "ıi", "İ": "i"}.get(word[:1], word[:1].lower())
    spans = [(first + rest, 0, len(work)) for first in firsts]
    spans += [(word, start, end) for start, end in lower_lines]
    for form, start, end in spans:
        at = work.find(form, start, end)
        while at >= 0:
            if at == 0 or not work[at - 1].isalnum():
                return True
            at = work.find(form, at + 1, end)
    return False


_LOOK_BACK = 64
_BETWEEN_SENTENCES = " \t\u00a0\"'«»“”„‘’()—–-•·*"


def after_other_name(work: str, word: Word | None) -> bool:
    """Whether `word`, right before a surname, is a capitalised word mid-sentence: most likely
    another person's given name, so the surname is not evidence for ours."""
    if not _may_be_given_name(word):
        return False
    before = work[max(0, word[0] - 3) : word[0]].rstrip(" \t\u00a0")
    return bool(before) and before[-1] not in ".!?\n\"«“„'(:—–-"


def _may_be_given_name(word: Word | None) -> TypeGuard[Word]:
    """Whether `word`, right before a surname with no comma between, is capitalised and no
    honorific or title: at the start of a sentence too, where a capital tells less."""
    return word is not None and not word[3] and word[2][:1].isupper() and not is_filler(word[2])


def occurrences(
    work: str,
    lo: int,
    hi: int,
    given: tuple[tuple[Spelling, str], ...],
    surnames: frozenset[str],
    taken: Spans,
) -> list[tuple[int, int, Spelling]]:
    """Given names standing alone in work[lo:hi], not followed by someone else's surname, as
    (start, end, spelling) per (spelling, capitalised form) of `given` in turn.

    Occurrences inside `taken` (the person's own full hits, which cover them) are skipped
    unchecked: they would add nothing.
    """
    out = []
    for spelling, form in given:
        pos = work.find(form, lo, hi)
        while pos >= 0:
            end = pos + len(form)
            before = work[pos - 1] if pos else " "
            if not before.isalnum() and before not in "@./_-" and not taken.covers(pos, end):
                tail = ending(work, end, spelling.endings)
                if tail is not None:
                    stop = end + len(tail)
                    if not _continues(work, stop) and not _other_surname(work, stop, surnames):
                        out.append((pos, stop, spelling))
            pos = work.find(form, end, hi)
    return out


def _continues(work: str, end: int) -> bool:
    """Whether a handle, address or domain goes on after `end` (lala in lala.vakil)."""
    return end + 1 < len(work) and work[end] in "._@" and work[end + 1].isalnum()


def _other_surname(work: str, end: int, surnames: frozenset[str]) -> bool:
    word = word_after(work, end)
    if word is None or not word[2][:1].isupper() or is_filler(word[2]):
        return False
    f = fold(word[2].translate(_NO_APOSTROPHES))
    return not any(f.startswith(s) for s in surnames)
