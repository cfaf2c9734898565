"""Spellings of one name token across scripts and transliteration habits.

A registration gives a name in one or a few spellings; texts use others. Azerbaijani names are
written in Azerbaijani Latin (Çələbiyeva), stripped of diacritics on a Turkish or English keyboard
(Celebiyeva, Chalabiyeva, Chelebiyeva), and in Cyrillic after Russian habits (Челебиева). Each
habit is a choice per letter class (ə as e or a, x as kh or h, ...). Choices are made once per
token (a writer who writes ə as a does so throughout the word), which keeps the count small and
drops spellings nobody uses. Variants are generated at build time; nothing here runs per text.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence
from functools import cache

from monitor.matching.normalize import fold

# Variants per token, most plausible first; beyond this the extra spellings are noise.
MAX_VARIANTS = 24

# Azerbaijani Latin letter classes and the ways they are written elsewhere.
_AZ_CLASSES: dict[str, tuple[str, ...]] = {
    "ə": ("ə", "e", "a"),
    "ı": ("ı", "i", "y"),
    "ö": ("ö", "o"),
    "ü": ("ü", "u"),
    "ğ": ("ğ", "g", "gh"),
    "ş": ("ş", "s", "sh"),
    "ç": ("ç", "c", "ch"),
    "q": ("q", "g", "k"),
    "x": ("x", "kh", "h"),
    "c": ("c", "j"),
    "iy": ("iy", "i"),
}

# Whole-word habits, as choice indexes into _AZ_CLASSES: typing without Azerbaijani letters,
# and English transliteration.
_AZ_HABITS = (
    {"ə": 1, "ı": 1, "ö": 1, "ü": 1, "ğ": 1, "ş": 1, "ç": 1},
    {"ə": 2, "ı": 1, "ö": 1, "ü": 1, "ğ": 2, "ş": 2, "ç": 2, "q": 1, "x": 1, "c": 1},
)

# Cyrillic → Latin, per letter class; the first choice is the Russian-passport habit.
_CYR_CLASSES: dict[str, tuple[str, ...]] = {
    "а": ("a", "ə"),
    "г": ("g", "q", "h"),
    "е": ("e", "ə"),
    "ё": ("yo", "ö", "o"),
    "ж": ("zh", "j"),
    "й": ("y", "i"),
    "х": ("kh", "x", "h"),
    "ч": ("ch", "ç"),
    "ш": ("sh", "ş"),
    "ы": ("y", "ı", "i"),
    "э": ("e", "ə"),
    "ю": ("yu", "ü", "u"),
    "я": ("ya", "a"),
    "ие": ("iye", "ie"),
    "ия": ("iya", "ia"),
}
_CYR_FIXED = dict(
    zip(
        "бвдзиклмнопрстуфцщъь",
        (
            "b",
            "v",
            "d",
            "z",
            "i",
            "k",
            "l",
            "m",
            "n",
            "o",
            "p",
            "r",
            "s",
            "t",
            "u",
            "f",
            "ts",
            "shch",
            "",
            "",
        ),
        strict=True,
    )
)

# Latin (Azerbaijani or English habits) → Cyrillic, after Russian conventions.
_LAT_CLASSES: dict[str, tuple[str, ...]] = {
    "ə": ("а", "е"),
    "h": ("х", "г"),
    "q": ("г", "к"),
    "ü": ("ю", "у"),
    "ö": ("ё", "о"),
    "ı": ("ы", "и"),
    "l'": ("ль", "л"),
    "e": ("е", "э"),
}
_LAT_DIGRAPHS = {
    "kh": "х",
    "sh": "ш",
    "ch": "ч",
    "zh": "ж",
    "ts": "ц",
    "gh": "г",
    "yu": "ю",
    "yo": "ё",
    "ya": "я",
    "ye": "е",
    "yə": "я",
    "iya": "ия",
    "iye": "ие",
    "iyə": "ия",
    "iyu": "ию",
    "iyy": "ий",
    "iyyə": "ия",
    "iyya": "ия",
    "iyye": "ие",
}
_LAT_FIXED = dict(
    zip(
        "abcçdfgğijkmnoprsştuvwxyzé",
        (
            "а",
            "б",
            "дж",
            "ч",
            "д",
            "ф",
            "г",
            "г",
            "и",
            "ж",
            "к",
            "м",
            "н",
            "о",
            "п",
            "р",
            "с",
            "ш",
            "т",
            "у",
            "в",
            "в",
            "х",
            "й",
            "з",
            "е",
        ),
        strict=True,
    )
)
_VOWELS = set("aeiouəıöüyаеёиоуыэюя")


def is_cyrillic(token: str) -> bool:
    """Whether the token is written in Cyrillic (its first letter decides)."""
    m = _FIRST_LETTER.search(token)
    return m is not None and "\u0400" <= m.group() <= "\u04ff"


_FIRST_LETTER = re.compile(r"[^\W\d_]")


@cache
def spellings(token: str) -> tuple[tuple[str, str], ...]:
    """Every spelling of `token` worth matching, lower case, with a label of its habit.

    The token's own spelling comes first. Latin tokens get Latin transliteration variants and a
    Cyrillic rendering; Cyrillic tokens get Cyrillic variants (е/ё, е/э) and Latin renderings.
    Cached: registries repeat the same given names and surnames many times.
    """
    lower = _lower(token)
    out: dict[str, str] = {lower: "as registered"}
    if is_cyrillic(lower):
        _add(out, _cyrillic_variants(lower), "Cyrillic")
        _add(out, _from_cyrillic(lower), "transliterated from Cyrillic")
    else:
        _add(out, _latin_variants(lower), "transliteration")
        _add(out, _to_cyrillic(lower), "Cyrillic")
    return tuple(out.items())


def _add(out: dict[str, str], items: Iterable[str], label: str) -> None:
    for item in items:
        if item and item not in out and len(out) < 3 * MAX_VARIANTS:
            out[item] = label


def _lower(token: str) -> str:
    """Turkic-aware lower case: İ is i, I is ı only in words that use Azerbaijani letters."""
    azeri = any(c in "əƏıİğĞşŞçÇöÖüÜqQxX" for c in token)
    token = token.replace("İ", "i")
    if azeri:
        token = token.replace("I", "ı")
    return token.lower()


def _choices(
    units: Sequence[str], classes: dict[str, tuple[str, ...]], habits: Sequence[dict[str, int]] = ()
) -> list[str]:
    """Expand units over per-class choices, those closest to a known habit first.

    A habit is a whole-word convention (plain ASCII, English transliteration); a spelling that
    departs from the nearest habit in one or two letters is plausible, one that mixes several
    conventions letter by letter is not, and falls past the cap.
    """
    present = tuple(sorted({u for u in units if u in classes}))
    sizes = tuple(len(classes[k]) for k in present)
    bases = tuple(tuple(h.get(k, 0) for k in present) for h in ({}, *habits))
    results = []
    for combo in _ranked(sizes, bases):
        pick = {k: classes[k][i] for k, i in zip(present, combo, strict=True)}
        results.append("".join(pick.get(u, u) for u in units))
    return results


@cache
def _ranked(
    sizes: tuple[int, ...], bases: tuple[tuple[int, ...], ...]
) -> tuple[tuple[int, ...], ...]:
    """Choice combinations ordered by distance to the nearest base, capped (cached: names share
    the same few letter-class patterns)."""

    def distance(combo: tuple[int, ...]) -> int:
        return min(sum(1 for a, b in zip(combo, base, strict=True) if a != b) for base in bases)

    combos = sorted(itertools.product(*(range(n) for n in sizes)), key=distance)
    return tuple(combos[:MAX_VARIANTS])


def _units(token: str, keys: Iterable[str]) -> list[str]:
    """Split a token into units, preferring the longest key at each position."""
    return _splitter(tuple(sorted(keys, key=len, reverse=True))).findall(token)


@cache
def _splitter(keys: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(re.escape(k) for k in keys) + "|.", re.S)


def _latin_variants(token: str) -> list[str]:
    return _choices(_units(token, _AZ_CLASSES), _AZ_CLASSES, _AZ_HABITS)


def _cyrillic_variants(token: str) -> list[str]:
    variants = {token, token.replace("ё", "е")}
    variants |= {v.replace("э", "е") for v in variants}
    return _with_russian_i(sorted(variants, key=lambda v: v != token))


def _from_cyrillic(token: str) -> list[str]:
    units = _units(token, list(_CYR_CLASSES) + list(_CYR_FIXED))
    units = _iotate(units)
    latin = [_CYR_FIXED.get(u, u) if u not in _CYR_CLASSES else u for u in units]
    return _choices(latin, _CYR_CLASSES)


def _iotate(units: list[str]) -> list[str]:
    """Word-initial and post-vowel е is "ye" (Елена → Yelena, Гамзаева → Hamzayeva)."""
    return [
        "ye" if unit == "е" and (i == 0 or units[i - 1][-1:] in _VOWELS) else unit
        for i, unit in enumerate(units)
    ]


def _to_cyrillic(token: str) -> list[str]:
    units = _units(token, list(_LAT_DIGRAPHS) + list(_LAT_FIXED) + list(_LAT_CLASSES))
    mapped = []
    for i, unit in enumerate(units):
        following = units[i + 1] if i + 1 < len(units) else ""
        if unit == "l":
            soft = not following or following[0] not in _VOWELS
            mapped.append("l'" if soft else "л")
        elif unit in _LAT_DIGRAPHS:
            mapped.append(_LAT_DIGRAPHS[unit])
        elif unit in _LAT_CLASSES:
            mapped.append(unit)
        else:
            mapped.append(_LAT_FIXED.get(unit, unit))
    return _with_russian_i(_choices(mapped, _LAT_CLASSES))


def _with_russian_i(spellings: list[str]) -> list[str]:
    """Each Cyrillic spelling followed by its form with Russian spelling's и, not ы, after г,
    к, х, ж, ш, ч and щ, which renderings of Azerbaijani names mostly follow: Bağırlı is Багирлы
    as often as the letter-for-letter Багырлы. Beside, not instead (кызы keeps its ы); the cap
    in `_add` still holds."""
    return list(dict.fromkeys(v for s in spellings for v in (s, _RUSSIAN_I.sub("и", s))))


_RUSSIAN_I = re.compile("(?<=[гкхжшчщ])ы")


@cache
def case_forms(spelling: str, lower_too: bool = False) -> frozenset[str]:
    """Capitalised and upper-case forms, in both the Turkic (İ) and the default (I) habit, and
    the lower-case spelling itself with `lower_too`. A name in lower case in a text that has
    capitals is the common word it may be made of (the wind гилавар, not the pen name
    Gilavar), so only a name registered in lower case is sought so; all-lower-case texts are
    title-cased to be matched."""
    forms = {spelling} if lower_too else set()
    for turkic in (False, True):
        forms.add(" ".join(_upper(w[:1], turkic) + w[1:] for w in spelling.split(" ")))
        forms.add(_upper(spelling, turkic))
    return frozenset(forms)


# Letters that text recognition reads as the digit they look like: O as 0; I, l and ı as 1.
_MISREAD = {"O": "0", "o": "0", "О": "0", "о": "0", "I": "1", "İ": "1", "l": "1", "ı": "1"}


def misread_forms(form: str) -> frozenset[str]:
    """`form` with one of its letters read as a digit, as text recognition reads scans of
    posters and documents (HÜSEYN0VA, Qas1mlı). One at a time: two in one name are rare."""
    return frozenset(
        form[:i] + _MISREAD[c] + form[i + 1 :] for i, c in enumerate(form) if c in _MISREAD
    )


def _upper(text: str, turkic: bool) -> str:
    return (text.replace("i", "İ") if turkic else text).upper()


@cache
def initials(spelling: str) -> frozenset[str]:
    """The folded initials a writer may use for a given name: "G", and "Sh" for Şəbnəm."""
    folded = fold(spelling)
    out = {folded[:1]} if folded else set()
    if folded[:2] in {"sh", "ch", "kh", "zh", "gh", "dj", "dz"}:
        out.add(folded[:2])
    return frozenset(out)
