"""Case endings: which letters may follow a name and leave it the same person's name.

Azerbaijani adds suffixes to the whole name (Mehdiyeva → Mehdiyevanın, Mehdiyevaya); Russian
changes the last letters (Мехдиева → Мехдиевой, Гюльнара → Гюльнары). A match is a stem found by
the automaton plus a tail checked against the set built here, so the automaton holds one pattern
per spelling instead of one per inflected form.

Endings are kept folded (see `normalize.fold`): ı/i, ü/u, ö/o and ə/e coincide, which loses some
vowel harmony but keeps the one distinction that matters, a against e: the male surname Mehdiyev
takes the dative Mehdiyevə, never Mehdiyeva, which is his sister.
"""

from __future__ import annotations

from enum import Enum
from functools import cache

from monitor.matching.normalize import fold


class Gender(Enum):
    """What the surname form tells about the person, for Russian declension."""

    FEMALE = "female"
    MALE = "male"
    UNKNOWN = "unknown"


_FEMALE_LATIN = ("ova", "eva", "yeva", "ina", "kaya", "ska")
_MALE_LATIN = ("ov", "ev", "yev", "in", "sky", "ski", "iy")
_FEMALE_CYR = ("ова", "ева", "ёва", "ина", "ына", "ая")
_MALE_CYR = ("ов", "ев", "ёв", "ин", "ын", "ий", "ый", "ой")
_FEMALE_ENDINGS = _FEMALE_LATIN + tuple(fold(e) for e in _FEMALE_CYR)
_MALE_ENDINGS = _MALE_LATIN + tuple(fold(e) for e in _MALE_CYR)


def gender_of(surname: str) -> Gender:
    """Guess from the surname's ending; Azerbaijani -li, -zadə and the like say nothing."""
    low = fold(surname)
    if low.endswith(_FEMALE_ENDINGS):
        return Gender.FEMALE
    if low.endswith(_MALE_ENDINGS):
        return Gender.MALE
    return Gender.UNKNOWN


# Azerbaijani suffixes with A standing for a/e (two-way harmony) and I for i/u (four-way, folded).
_AFTER_VOWEL = (
    "nIn",
    "nI",
    "yA",
    "dA",
    "dAn",
    "ylA",
    "nAn",
    "dIr",
    "yAm",
    "sAn",
    "ydI",
    "ymIş",
    "lAr",
    "lArIn",
    "lArA",
    "lArI",
    "lArdA",
    "lArdAn",
    "lArlA",
    "lArdIr",
    "sI",
    "sInIn",
    "sInA",
    "sInI",
    "sIndA",
    "sIndAn",
    "gil",
    "gilA",
    "gilIn",
    "gildA",
    "gildAn",
    "dAkI",
    "nInkI",
    "cA",
)
_AFTER_CONSONANT = (
    "In",
    "I",
    "A",
    "dA",
    "dAn",
    "lA",
    "dIr",
    "Am",
    "sAn",
    "dI",
    "lAr",
    "lArIn",
    "lArA",
    "lArI",
    "lArdA",
    "lArdAn",
    "lArlA",
    "lArdIr",
    "gil",
    "gilA",
    "gilIn",
    "gildA",
    "gildAn",
    "dAkI",
    "InkI",
    "cA",
)
_ENGLISH = ("s",)  # possessive, once the apostrophe is dropped: Asgarova's


def _harmony(stem: str) -> tuple[str, ...]:
    """Which a/e vowels the suffixes of this stem may use: its last a or e decides."""
    for c in reversed(stem):
        if c == "a":
            return ("a",)
        if c == "e":
            return ("e",)
        if c in "iou":
            return ("a", "e")
    return ("a", "e")


def latin_endings(spelling: str, male_surname: bool = False) -> frozenset[str]:
    """Folded tails allowed after a Latin-script name: Azerbaijani cases and the English 's."""
    stem = fold(spelling)
    male_ov = male_surname and stem.endswith(("ov", "ev", "in"))
    return _latin_endings(_harmony(stem), stem[-1:] in "aeiou", male_ov)


def endings_after_given(spelling: str, male_surname: bool) -> frozenset[str]:
    """Tails a Latin-script surname takes only right after the person's own given name: the
    dative -a of a man's surname in -ov, which `latin_endings` leaves out because it also
    spells his sister's surname (Talıbova). After his given name it is his dative, as in
    "Emin Şahbazova qarşı" (against Emin Şahbazov): no woman is called Emin. (After -ev and -in
    the dative is -ə, which `latin_endings` keeps: Nəbiyevə, not Nəbiyeva; Putinə, while
    Putina is Russian.)"""
    return _MALE_DATIVE if male_surname and fold(spelling).endswith("ov") else frozenset()


_MALE_DATIVE = frozenset({"a"})


@cache
def _latin_endings(harmony: tuple[str, ...], vowel_final: bool, male_ov: bool) -> frozenset[str]:
    templates = _AFTER_VOWEL if vowel_final else _AFTER_CONSONANT
    out = {""} | set(_ENGLISH)
    for a in harmony:
        for i in ("i", "u"):
            out |= {t.replace("A", a).replace("I", i).replace("ş", "s") for t in templates}
    if male_ov:
        out.discard("a")  # Talıbova is Talıbov's sister before it is "to Talıbov"
    return frozenset(out)


# A surname in -ов/-ев/-ин declines in the plural too, for two people who share it: «Нигяр и
# Саида Алияровы», «у Рашада и Тамиллы Насибовых» (nominative, genitive, instrumental).
_RU_PLURAL = ("ы", "ых", "ыми")
_RU_FEMALE_SURNAME = ("а", "ой", "ою", "у", *_RU_PLURAL)
_RU_MALE_SURNAME = ("", "а", "у", "ым", "е", *_RU_PLURAL)
_RU_FEMALE_ADJ = ("ая", "ой", "ую", "ою")
_RU_MALE_ADJ = ("ий", "ый", "ого", "ому", "им", "ым", "ом")
_RU_GIVEN_A = ("а", "ы", "и", "е", "у", "ой", "ою")
_RU_GIVEN_YA = ("я", "и", "е", "ю", "ей", "ею")
_RU_MALE_GIVEN = ("", "а", "у", "ом", "ем", "е")
_RU_GIVEN_SOFT = ("й", "я", "ю", "ем", "е")
_RU_GIVEN_SOFT_SIGN = ("ь", "я", "ю", "ем", "е")  # Рамиль: Рамиля, Рамилю, Рамилем
_MIN_STEM = 3

# Russian cases (nominative, genitive, dative, accusative, instrumental, prepositional) that an
# ending marks, for pairing a declined surname with the given name after it: both parts of a
# name stand in the same case ("Мехдиевой Гюльнары"), while "Благодаря Мехдиевой Гюльнара
# получила" is the surname of one phrase before the subject of the next.
NOM, GEN, DAT, ACC, INS, PRE = "nom", "gen", "dat", "acc", "ins", "pre"
ANY_CASE = frozenset((NOM, GEN, DAT, ACC, INS, PRE))
_SURNAME_CASES: dict[Gender, dict[str, frozenset[str]]] = {
    Gender.FEMALE: {
        "а": frozenset({NOM}),
        "ая": frozenset({NOM}),
        "ой": frozenset({GEN, DAT, INS, PRE}),
        "ою": frozenset({INS}),
        "у": frozenset({ACC}),
        "ую": frozenset({ACC}),
    },
    Gender.MALE: {
        "": frozenset({NOM}),
        "ий": frozenset({NOM}),
        "ый": frozenset({NOM}),
        "а": frozenset({GEN, ACC}),
        "ого": frozenset({GEN, ACC}),
        "у": frozenset({DAT}),
        "ому": frozenset({DAT}),
        "ым": frozenset({INS}),
        "им": frozenset({INS}),
        "е": frozenset({PRE}),
        "ом": frozenset({PRE}),
    },
}
# By the given name's last letters; a female name that ends in a consonant does not decline,
# and a male name in -а (Муса) declines like a female one. Many men's names end in -ей, -ем or
# -ём in the nominative itself (Сергей, Андрей, Алексей, Артём, Артем, Керем), so those endings
# may be either case: as instrumental only, «Белецкий Артём» and «Иванов Сергей» were no pair.
_GIVEN_CASES: dict[Gender, dict[tuple[str, ...], frozenset[str]]] = {
    Gender.FEMALE: {
        ("ой", "ою", "ей", "ею"): frozenset({INS}),
        ("а", "я"): frozenset({NOM}),
        ("ы",): frozenset({GEN}),
        ("и",): frozenset({GEN, DAT, PRE}),
        ("е",): frozenset({DAT, PRE}),
        ("у", "ю"): frozenset({ACC}),
    },
    Gender.MALE: {
        ("ом", "ой"): frozenset({INS}),
        ("ем", "ём", "ей"): frozenset({INS, NOM}),
        ("а", "я"): frozenset({NOM, GEN, ACC}),
        ("у", "ю"): frozenset({DAT, ACC}),
        ("е",): frozenset({DAT, PRE}),
    },
}


def cases_agree(surname_tail: str, given: str, gender: Gender) -> bool:
    """Whether a Russian surname with this ending and the given name after it can stand in
    the same case. An unknown gender agrees with anything."""
    if gender is Gender.UNKNOWN:
        return True
    surname = _SURNAME_CASES[gender].get(surname_tail.lower(), frozenset())
    return bool(surname & _given_cases(given.lower(), gender))


def _given_cases(word: str, gender: Gender) -> frozenset[str]:
    """The cases of the first row of `_GIVEN_CASES` whose endings the word ends with; an
    ending none lists is the undeclined form (any case for a woman, the nominative for a man)."""
    for endings, cases in _GIVEN_CASES[gender].items():
        if word.endswith(endings):
            return cases
    return ANY_CASE if gender is Gender.FEMALE else _NOMINATIVE


_NOMINATIVE = frozenset({NOM})


@cache
def cyrillic_forms(spelling: str, role: str, gender: Gender) -> tuple[str, frozenset[str]]:
    """(stem, folded endings) of a Cyrillic name after Russian declension.

    `role` is "given" or "surname". Stems shorter than three letters are not cut: a two-letter
    stem would match half the words of a text.
    """
    stem, endings = _russian(spelling, role, gender)
    if len(stem) < _MIN_STEM:
        return spelling, frozenset({""})
    return stem, frozenset(fold(e) for e in endings)


def _russian(word: str, role: str, gender: Gender) -> tuple[str, tuple[str, ...]]:
    if role == "surname":
        return _russian_surname(word, gender)
    if word.endswith("а"):
        return word[:-1], _RU_GIVEN_A
    if word.endswith("я"):
        return word[:-1], _RU_GIVEN_YA
    if word.endswith("й"):
        return word[:-1], _RU_GIVEN_SOFT
    if word.endswith("ь") and gender is not Gender.FEMALE:  # Любовь, Нинель decline otherwise
        return word[:-1], _RU_GIVEN_SOFT_SIGN
    if word[-1:] in "бвгджзклмнпрстфхцчшщ":
        if gender is Gender.FEMALE:
            return word, ("",)
        return word, _RU_MALE_GIVEN
    return word, ("",)


def _russian_surname(word: str, gender: Gender) -> tuple[str, tuple[str, ...]]:
    if word.endswith(_FEMALE_CYR[:-1]):
        return word[:-1], _RU_FEMALE_SURNAME
    if word.endswith("ая"):
        return word[:-2], _RU_FEMALE_ADJ
    if word.endswith(("ий", "ый")):
        return word[:-2], _RU_MALE_ADJ
    if word.endswith(_MALE_CYR[:5]):
        return word, _RU_MALE_SURNAME
    if word[-1:] in "бвгджзклмнпрстфхцчшщ" and gender is not Gender.FEMALE:
        return word, _RU_MALE_GIVEN
    return word, ("",)
