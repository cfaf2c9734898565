"""Normalisation: folding short strings, repairing hostile text, and the scan view.

Three jobs, kept apart because their costs differ by orders of magnitude:

* `fold` makes short strings (name tokens, case endings, lexicon terms) comparable: NFKD,
  diacritics and invisible characters dropped, Turkic-aware lower case, Azerbaijani ə/ı folded,
  Latin/Cyrillic look-alikes resolved to the script of the word. It may run per hit, never per
  character of a long text.
* `prepare` decides whether a text can be matched as it is. Clean text (the common case) is
  returned untouched, so offsets need no map. Text carrying invisible characters, combining marks,
  compatibility letters (fullwidth, mathematical bold), or words mixing Latin and Cyrillic is
  rebuilt by `repair`, which keeps a map back to the original offsets. All-lower-case text is
  title-cased, because the automaton holds capitalised spellings only (see `matcher`), and so,
  for matching, are the lines written wholly in lower case in a text that has capitals.
  The checks run on UTF-8 bytes with `bytes.translate` and `in`, so their cost stays in C.
* `scan_view` maps the separators that may precede a name, handle or number to a few anchor
  characters, length for length, so that every automaton pattern can begin with an anchor. That
  keeps the automaton's state shallow and its per-character cost low.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property, lru_cache

# Characters that render as nothing (or steer rendering) and are used to split a word for the
# eye but not for a filter: zero-width, bidi controls, soft hyphen, variation selectors, tags.
_INVISIBLE_RANGES = (
    (0x00AD, 0x00AD),
    (0x034F, 0x034F),
    (0x061C, 0x061C),
    (0x115F, 0x1160),
    (0x17B4, 0x17B5),
    (0x180B, 0x180F),
    (0x200B, 0x200F),
    (0x202A, 0x202E),
    (0x2060, 0x206F),
    (0x3164, 0x3164),
    (0xFE00, 0xFE0F),
    (0xFEFF, 0xFEFF),
    (0xFFA0, 0xFFA0),
    (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A),
    (0xE0000, 0xE0FFF),
)
INVISIBLE = frozenset(c for lo, hi in _INVISIBLE_RANGES for c in range(lo, hi + 1))

# What `repair` rewrites, as cheap presence tests: single characters looked up in the string
# (a memchr-like scan) and UTF-8 lead bytes looked up in the encoded text: combining marks (CC,
# CD), the specials and fullwidth block (EF), tag characters (F3) and, behind F0, mathematical
# alphanumerics (F0 9D).
_ANOMALY_CHARS = "\u200b\u200c\u200d\u200e\u200f\u2060\u00ad\u034f\u01dd\u018e"
_ANOMALY_LEADS = (0xCC, 0xCD, 0xEF, 0xF3)


def _class_table() -> bytes:
    """Byte → class: L a Latin letter (or its lead byte), C a Cyrillic or Greek lead byte, ! the
    lead byte of a character `repair` rewrites. One translation answers all three questions."""
    table = bytearray(b" " * 256)
    for b in range(256):
        if 0x41 <= b <= 0x5A or 0x61 <= b <= 0x7A or 0xC3 <= b <= 0xCB:
            table[b] = ord("L")
        elif 0xCE <= b <= 0xD4:
            table[b] = ord("C")
        elif b in _ANOMALY_LEADS:
            table[b] = ord("!")
    return bytes(table)


_CLASSES = _class_table()
_TAIL_BYTES = bytes(range(0x80, 0xC0))  # UTF-8 continuation bytes, dropped from the class view
# A Latin letter touching a Cyrillic (or Greek) one inside a word: a look-alike substitution.
_MIXED_SCRIPT = (b"LC", b"CL")

# Separators that may stand before a token. In the scan view they all become the anchor " ";
# "/" becomes "@" (profile URLs behave like @handles) and "_" becomes "." (handle separators).
_ASCII_SEPARATORS = "\t\n\v\f\r\"'()+,-:;<>[]{}|*#!?=~`\\^"
_WIDE_SEPARATORS = "\u00a0«»“”„‘’‚‹›—–―\u2002\u2003\u2007\u2009\u200a\u202f\u205f\u3000"
_SCAN_MAP = {ord(c): " " for c in _ASCII_SEPARATORS + _WIDE_SEPARATORS}
_SCAN_MAP.update({ord("/"): "@", ord("_"): "."})
_ASCII_SCAN = str.maketrans({chr(k): v for k, v in _SCAN_MAP.items() if k < 128})
_BYTES_SCAN = bytes(range(256)).translate(
    bytes.maketrans(
        bytes(k for k in _SCAN_MAP if k < 128),
        bytes(ord(v) for k, v in _SCAN_MAP.items() if k < 128),
    )
)
# Multi-byte separators are replaced in the decoded string, only when their lead bytes occur.
_WIDE_BY_LEAD = (
    (b"\xc2", tuple(c for c in _WIDE_SEPARATORS if c.encode()[0] == 0xC2)),
    (b"\xe2", tuple(c for c in _WIDE_SEPARATORS if c.encode()[0] == 0xE2)),
    (b"\xe3", ("\u3000",)),
)

ANCHOR = " "
# Marks that open a quotation: scare quotes (`classifier`) and titles (`names.names_a_title`).
OPENING_QUOTES = "«„“‘'\""

# Look-alikes: Cyrillic (and Greek) letter ↔ the Latin letter it imitates.
_CYR_TO_LAT = dict(
    zip(
        "аеорсухіјѕԁԛԝһӏәӘАВЕКМНОРСТУХІЈЅԚԜҺӀαοεικνρτυχΑΒΕΖΗΙΚΜΝΟΡΤΥΧ",
        "aeopcyxijsdqwhleEABEKMHOPCTYXIJSQWHIaoeikvptuxABEZHIKMNOPTYX",
        strict=True,
    )
)
_CYR_TO_LAT.update({"ә": "ə", "Ә": "Ə"})
_LAT_TO_CYR = {lat: cyr for cyr, lat in _CYR_TO_LAT.items() if "\u0400" <= cyr <= "\u04ff"}
_LAT_TO_CYR.update({"ə": "ә", "Ə": "Ә", "ǝ": "ә", "Ǝ": "Ә"})

# Letters NFKD does not take apart.
_FOLD_EXTRA = str.maketrans({"ə": "e", "ǝ": "e", "ı": "i", "ø": "o", "ł": "l", "đ": "d", "ß": "ss"})


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """The comparison form of a short string: Turkic-aware, diacritic-free, lower case.

    Cached because the same tokens (names, case endings) come back in every text.
    """
    text = text.replace("İ", "i").replace("I", "i")
    if _CYRILLIC.search(text) and _LATIN.search(text):
        text = resolve_lookalikes(text)
    return _MARKS.sub("", unicodedata.normalize("NFKD", text).lower()).translate(_FOLD_EXTRA)


_CYRILLIC = re.compile("[\u0370-\u03ff\u0400-\u04ff]")
_LATIN = re.compile("[A-Za-z\u00c0-\u024f]")
_MARKS = re.compile(
    "[\u0300-\u036f\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f"
    "\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\U000e0000-\U000e0fff]"
)


# The letters `_script` calls Latin (with ə, and the Kelvin sign U+212A, which lower-cases to
# k) and Cyrillic or Greek.
_SCRIPT_LAT = re.compile("[A-Za-z\u00c0-\u024f\u0259\u212a]")
_SCRIPT_CYR = re.compile("[\u0370-\u04ff]")
# UTF-8 lead bytes of U+0340..U+04FF: a text without them has no Cyrillic or Greek letter.
_CYR_LEADS = (b"\xcd", b"\xce", b"\xcf", b"\xd0", b"\xd1", b"\xd2", b"\xd3")
# ASCII letters, lead bytes of U+00C0..U+027F and the Kelvin sign: every `_SCRIPT_LAT` letter.
_LATIN_BYTES = re.compile(b"[A-Za-z\xc3-\xc9]|\xe2\x84\xaa")


def _script(c: str) -> str:
    if "a" <= c.lower() <= "z" or c in "əƏıİǝƎ" or "\u00c0" <= c <= "\u024f":
        return "lat"
    if "\u0400" <= c <= "\u04ff" or "\u0370" <= c <= "\u03ff":
        return "cyr"
    return ""


def resolve_lookalikes(word: str) -> str:
    """Rewrite look-alike letters into the script most of the word's other letters use.

    "Mеhdiyeva" with a Cyrillic е becomes all Latin; "Мехдиевa" with a Latin a all Cyrillic. A
    word whose letters are all look-alikes is left alone: there is nothing to decide by.
    """
    if word.isascii() or not (_SCRIPT_CYR.search(word) and _SCRIPT_LAT.search(word)):
        return word  # one script only (the common case), decided in C
    latin = sum(1 for c in word if _script(c) == "lat" and c not in _LAT_TO_CYR)
    cyrillic = sum(1 for c in word if _script(c) == "cyr" and c not in _CYR_TO_LAT)
    if latin == cyrillic:
        return word
    table = _CYR_TO_LAT if latin > cyrillic else _LAT_TO_CYR
    return "".join(table.get(c, c) for c in word)


@dataclass(frozen=True)
class Piece:
    """A run of prepared text and the run of original text it came from.

    A piece is either a verbatim copy (`linear`) or a small rewrite (a composed letter, a
    compatibility character spelled out), where every prepared character maps to the whole run.
    """

    out: int
    start: int
    end: int
    linear: bool


@dataclass(frozen=True)
class Prepared:
    """Text ready for matching and the way back to the caller's offsets.

    `pieces` is empty when `text` is the original character for character. `titled` says the
    original had no capitals and was title-cased to be matched, so its case tells nothing.
    `lower_lines` are the spans of the lines without capitals in a text that has some, which
    `prepare_scan` title-cases too (see `_title_lower_lines`).
    """

    text: str
    pieces: tuple[Piece, ...] = ()
    titled: bool = False
    lower_lines: tuple[tuple[int, int], ...] = ()

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map the span `text[start:end]` back to a span of the caller's text."""
        if not self.pieces:
            return start, end
        first = self._piece(start)
        last = self._piece(max(end - 1, start))
        lo = first.start + (start - first.out) if first.linear else first.start
        hi = last.start + (end - last.out) if last.linear else last.end
        return lo, max(hi, lo)

    def _piece(self, offset: int) -> Piece:
        index = bisect.bisect_right(self._outs, offset) - 1
        return self.pieces[max(index, 0)]

    @cached_property
    def _outs(self) -> list[int]:
        return [p.out for p in self.pieces]


def encode(text: str) -> bytes:
    """UTF-8 that tolerates lone surrogates (hostile or broken input must not raise)."""
    return text.encode("utf-8", "surrogatepass")


def needs_repair(text: str, data: bytes | None = None) -> bool:
    """Whether the text hides characters or look-alikes that clean matching would miss.

    Each test is a substring search over the UTF-8 bytes, which runs in C at memory speed. A
    word hyphenated across a line break (OCR of a poster: "РАХМА-\nНОВ") needs repair too.
    """
    if "-\n" in text and _LINE_BREAK_HYPHEN.search(text):
        return True
    if text.isascii():
        return False
    if any(c in text for c in _ANOMALY_CHARS):
        return True
    data = encode(text) if data is None else data
    classes = data.translate(_CLASSES, _TAIL_BYTES)
    if b"!" in classes or (b"\xf0" in data and b"\xf0\x9d" in data):
        return True
    if b"C" not in classes or b"L" not in classes:
        return False
    return any(sig in classes for sig in _MIXED_SCRIPT)


def prepare(text: str) -> Prepared:
    """The text to match: the original when clean, else a repaired copy with an offset map."""
    return _prepared(text, None if text.isascii() else encode(text))[0]


def prepare_scan(text: str) -> tuple[Prepared, str]:
    """`prepare` and `scan_view` in one go, encoding the text once. Lines written in lower case
    in a text that has capitals are title-cased too (see `_title_lower_lines`)."""
    prepared, data = _prepared(text, None if text.isascii() else encode(text))
    if not prepared.titled and ("\n" in prepared.text or ": " in prepared.text):
        titled = _title_lower_lines(prepared)
        if titled is not prepared:
            prepared, data = titled, None if data is None else encode(titled.text)
    return prepared, _scan(prepared.text, data)


def _title_lower_lines(prepared: Prepared) -> Prepared:
    """`prepared` with its lines of `LOWER_LINE_WORDS` words or more that have no capitals
    title-cased: auto-captions under a headline, comments typed in lower case. A name there
    is as much the person's as in an all-lower-case text. A line may open with a label that
    has capitals ("[00:00:30] SPEAKER 2: she fakes…", "Mətn: salam…"): what follows the label
    is the line."""
    text, spans, at = prepared.text, [], 0
    lines = text.split("\n")
    if not any(map(str.islower, lines)) and ": " not in text:
        return prepared  # nearly every text: checked without a loop in Python
    for line in lines:
        end = at + len(line)
        body = _lower_part(line)
        if body is not None and line.count(" ", body) >= LOWER_LINE_WORDS - 1:
            spans.append((at + body, end))
        at = end + 1
    if not spans:
        return prepared
    parts, done = [], 0
    for start, end in spans:
        parts += [text[done:start], title_case(text[start:end])]
        done = end
    parts.append(text[done:])
    return Prepared("".join(parts), prepared.pieces, lower_lines=tuple(spans))


def _lower_part(line: str) -> int | None:
    """Where the part of a line written in lower case begins: 0 for a line wholly in lower
    case, just after its label for a line whose label alone has capitals, else None."""
    if line.islower():
        return 0
    label = line.find(": ", 0, LABEL_CHARS)
    return label + 2 if label >= 0 and line[label + 2 :].islower() else None


LOWER_LINE_WORDS = 2
LABEL_CHARS = 40  # a line's label (a time, a speaker) ends with ": " within this many characters


def _prepared(text: str, data: bytes | None) -> tuple[Prepared, bytes | None]:
    if needs_repair(text, data):
        prepared = repair(text)
        data = None if prepared.text.isascii() else encode(prepared.text)
    else:
        prepared = Prepared(text)
    if prepared.text.islower():
        prepared = Prepared(title_case(prepared.text), prepared.pieces, titled=True)
        data = None if data is None else encode(prepared.text)
    return prepared, data


def title_case(text: str) -> str:
    """Capitalise each word, one output character per input character (İ and ß stay put)."""
    titled = text.title()
    if len(titled) == len(text):
        return titled
    chars = []
    for i, c in enumerate(text):
        up = c.upper() if i == 0 or not text[i - 1].isalpha() else c
        chars.append(up if len(up) == 1 else c)
    return "".join(chars)


# A hyphen and a line break inside a word, which `repair` drops: the word is joined again. Text
# recognition may put a blank line between the two halves («Ширинбе-\n\nкова»).
_LINE_BREAK_HYPHEN = re.compile(r"(?<=[^\W\d_])-\n(?:[ \t]*\n)?(?=[^\W\d_])")
# What `repair` rewrites: invisible characters, combining marks, compatibility letters, and
# words hyphenated across a line break.
_REWRITE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f"
    "\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\U0001bca0-\U0001bca3"
    "\U0001d173-\U0001d17a\U000e0000-\U000e0fff\u0300-\u036f\u01dd\u018e"
    "\u2100-\u214f\u2460-\u24ff\uff01-\uff5e\U0001d400-\U0001d7ff]+|" + _LINE_BREAK_HYPHEN.pattern
)
_TURNED_E = str.maketrans({"ǝ": "ə", "Ǝ": "Ə"})
_WORD = re.compile(r"[^\W\d_]+")


def repair(text: str) -> Prepared:
    """Rebuild hostile text: drop invisibles, compose marks, spell out compatibility letters,
    and put look-alike letters back into their word's script. Slow (Python per rewrite), so
    `prepare` calls it only when `needs_repair` found something to repair.
    """
    parts: list[str] = []
    pieces: list[Piece] = []
    out = 0
    done = 0
    for m in _REWRITE.finditer(text):
        start = m.start()
        if start > 0 and unicodedata.combining(m.group()[0]):
            start -= 1  # the base letter joins its marks: u + ̈ is one ü
        if start > done:
            pieces.append(Piece(out, done, start, True))
            parts.append(text[done:start])
            out += start - done
        rewritten = _rewrite(text[max(start, done) : m.end()])
        if rewritten:
            pieces.append(Piece(out, max(start, done), m.end(), False))
            parts.append(rewritten)
            out += len(rewritten)
        done = m.end()
    if done < len(text) or not pieces:
        pieces.append(Piece(out, done, len(text), True))
        parts.append(text[done:])
    return Prepared(_resolve_words("".join(parts)), tuple(pieces))


def _rewrite(run: str) -> str:
    if run.startswith("-\n"):
        return ""  # a word hyphenated across a line break
    composed = unicodedata.normalize("NFKC", run).translate(_TURNED_E)
    return "".join(c for c in composed if ord(c) not in INVISIBLE and not unicodedata.combining(c))


def _resolve_words(text: str) -> str:
    """Resolve look-alikes word by word; one character out for one in. A text without a
    Cyrillic (or Greek) letter, or without a Latin one, has no mixed word: byte searches settle
    that for most texts before any word is looked at."""
    data = encode(text)
    if not any(lead in data for lead in _CYR_LEADS) or not _LATIN_BYTES.search(data):
        return text
    return _WORD.sub(lambda m: resolve_lookalikes(m.group()), text)


def scan_view(text: str) -> str:
    """The anchored copy the automaton reads: one leading anchor, then `text` mapped in place."""
    return _scan(text, None if text.isascii() else encode(text))


def _scan(text: str, data: bytes | None) -> str:
    if data is None:
        return ANCHOR + text.translate(_ASCII_SCAN)
    mapped = data.translate(_BYTES_SCAN).decode("utf-8", "surrogatepass")
    for lead, chars in _WIDE_BY_LEAD:
        if lead in data:
            for c in chars:
                if c in mapped:
                    mapped = mapped.replace(c, ANCHOR)
    return ANCHOR + mapped


def scan_pattern(text: str) -> str:
    """A pattern mapped the way `scan_view` maps text, so both meet in the same alphabet."""
    return text.translate(_SCAN_MAP)
