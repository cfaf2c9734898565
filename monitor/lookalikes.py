"""Lookalike domains: does a host name imitate a protected domain, and how?

Phishing aimed at an organisation registers names that a hurried reader takes for the real
one: look-alike letters (Cyrillic `о` for Latin `o`, `rn` for `m`, `0` for `o`), a typo (a
letter left out, doubled, swapped or replaced by its neighbour on the keyboard), the same name
under another ending (`.com` for `.az`), the name with a word added (`login-`, `-secure`), or
the real name shown at the start of someone else's host (`ictimai.az.account-check.com`).

The check runs backwards, from a candidate name to the protected one, instead of listing every
permutation of the protected name and looking the candidate up: the candidate and the
protected name are both reduced to a *skeleton* (look-alike characters replaced by the letter
they imitate, accents dropped), and the rules compare skeletons. So any number of look-alike
letters is caught, mixed with a typo or an added word, and the answer says which rule fired.

Pure functions; the public suffix list comes with the `publicsuffixlist` package (no network).
"""

from __future__ import annotations

import difflib
import ipaddress
import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from publicsuffixlist import PublicSuffixList

from monitor.errors import InvalidInput

MIN_TYPO_LENGTH = 5
"""Shorter names are too often a different, honest word one letter away."""

MIN_EMBEDDED_LENGTH = 4
"""A shorter name inside another host (or with words added) is too common to mean anything."""

LURE_WORDS = frozenset(
    re.findall(
        r"[a-z]+",
        """
        login signin sign logon auth account accounts secure security verify verification
        support help helpdesk service services update confirm mail email webmail portal online
        official office id sso password reset recovery my team admin cloud drive docs files
        share app web www news info donate pay payment bank
        """,
    )
)
"""Words phishing kits put before or after a real name without a hyphen (`ictimailogin`)."""

# Characters that imitate a Latin letter or digit; accents are dropped separately (NFKD).
_LOOKALIKE = {
    # Cyrillic
    "а": "a",
    "в": "b",
    "г": "r",
    "е": "e",
    "ё": "e",
    "к": "k",
    "о": "o",
    "п": "n",
    "р": "p",
    "с": "c",
    "т": "t",
    "у": "y",
    "х": "x",
    "ь": "b",
    "һ": "h",
    "і": "i",
    "ї": "i",
    "ј": "j",
    "ѕ": "s",
    "ԁ": "d",
    "ԛ": "q",
    "ԝ": "w",
    "ӏ": "l",
    "ү": "y",
    "ҫ": "c",
    # Greek
    "α": "a",
    "β": "b",
    "ε": "e",
    "η": "n",
    "ι": "i",
    "κ": "k",
    "ν": "v",
    "ο": "o",
    "ρ": "p",
    "τ": "t",
    "υ": "u",
    "χ": "x",
    "ω": "w",
    # Latin letters that NFKD does not reduce
    "ı": "i",
    "ɩ": "i",
    "ɑ": "a",
    "ə": "e",
    "ɡ": "g",
    "ł": "l",
    "ø": "o",
    "đ": "d",
    "ħ": "h",
    "ŀ": "l",
    "ß": "ss",
    "æ": "ae",
    "œ": "oe",
    # Digits that pass for letters
    "0": "o",
    "1": "l",
}
# Letter pairs read as one letter; applied to both sides, so `modern` and `modem` meet.
_LOOKALIKE_PAIRS = (("rn", "m"), ("vv", "w"), ("cl", "d"))

_KEYBOARD_ROWS = ("1234567890-", "qwertyuiop", "asdfghjkl", "zxcvbnm")
_VOWELS = frozenset("aeiouy")
_HOST_LABEL = re.compile(r"(?!-)[a-z0-9_-]{1,63}(?<!-)")


@dataclass(frozen=True)
class Resemblance:
    """Why a host looks like a protected domain.

    `technique` is a stable code (`homoglyph`, `typo`, `tld_swap`, `combo`, `subdomain`);
    `detail` says it in words for a person (`Cyrillic 'о' in place of 'o'`).
    """

    host: str
    protected: str
    technique: str
    detail: str

    def describe(self) -> str:
        return f"{self.host} looks like {self.protected}: {self.detail}"


@dataclass(frozen=True)
class _Name:
    """A host split the way the rules need it: registrable label, its suffix, what is left."""

    host: str
    label: str
    suffix: str
    subdomain: str

    @property
    def registered(self) -> str:
        return f"{self.label}.{self.suffix}"


# --- host names ----------------------------------------------------------------------------


def normalise_host(text: str) -> str:
    """A host name in its ASCII (punycode) form: lower case, no trailing dot, no `*.`.

    IP addresses come back in their canonical form. Raises InvalidInput for anything that
    is not a host name.
    """
    raw = text.strip().lower().rstrip(".").removeprefix("*.")
    address = ip_address(raw)
    if address is not None:
        return str(address)
    labels = [_ascii_label(label, text) for label in raw.split(".")]
    if not raw or not all(_HOST_LABEL.fullmatch(label) for label in labels):
        raise InvalidInput(f"{text!r} is not a valid host name.")
    return ".".join(labels)


def _ascii_label(label: str, original: str) -> str:
    if label.isascii():
        return label
    try:
        return label.encode("idna").decode("ascii")
    except UnicodeError as exc:
        raise InvalidInput(f"{original!r} is not a valid host name.") from exc


def unicode_host(host: str) -> str:
    """The host as people read it: punycode labels decoded (left as they are if invalid)."""
    return ".".join(_unicode_label(label) for label in host.split("."))


def _unicode_label(label: str) -> str:
    if not label.startswith("xn--"):
        return label
    try:
        return label.encode("ascii").decode("idna")
    except UnicodeError:
        return label


def ip_address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The IP address a host string stands for, if it is one (brackets allowed for IPv6)."""
    try:
        return ipaddress.ip_address(text.strip().strip("[]"))
    except ValueError:
        return None


@cache
def _suffix_list() -> PublicSuffixList:
    return PublicSuffixList()


def registered_domain(host: str) -> str | None:
    """The name someone registered (`ictimai.org.az` for `mail.ictimai.org.az`).

    None for IP addresses and for public suffixes themselves (`org.az`, `github.io`).
    """
    if ip_address(host) is not None:
        return None
    result = _suffix_list().privatesuffix(host)
    return str(result) if result else None


def parent_domains(host: str) -> list[str]:
    """The host's parents down to its registered domain, nearest first (not the host)."""
    registered = registered_domain(host)
    if registered is None or host == registered:
        return []
    labels = host.split(".")
    parents = [".".join(labels[i:]) for i in range(1, len(labels))]
    return parents[: parents.index(registered) + 1]


def _split(host: str) -> _Name | None:
    registered = registered_domain(host)
    if registered is None:
        return None
    label, _, suffix = registered.partition(".")
    subdomain = host[: -len(registered)].rstrip(".")
    return _Name(host, label, suffix, subdomain)


# --- skeletons -------------------------------------------------------------------------------


def skeleton(text: str) -> str:
    """What a name looks like: look-alike characters and letter pairs replaced by the letter
    they imitate, and `i`, `l` and `1` (thin strokes that fonts blur) made one."""
    shape = plain(text)
    for pair, single in _LOOKALIKE_PAIRS:
        shape = shape.replace(pair, single)
    return shape.replace("i", "l")


def plain(text: str) -> str:
    """The letters a name is read as: look-alike characters replaced, accents dropped."""
    folded = unicodedata.normalize("NFKC", text).lower()
    return "".join(_plain_char(char) for char in folded)


def _plain_char(char: str) -> str:
    if char in _LOOKALIKE:
        return _LOOKALIKE[char]
    decomposed = unicodedata.normalize("NFKD", char)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


# --- the rules -------------------------------------------------------------------------------


def resemblance(host: str, protected: str) -> Resemblance | None:
    """How `host` imitates the domain `protected`, or None if it does not.

    The protected domain itself and every host under it are not lookalikes.
    """
    candidate = _split(normalise_host(host))
    target = _split(normalise_host(protected))
    if candidate is None or target is None:
        return None
    if candidate.host == target.registered or candidate.host.endswith("." + target.registered):
        return None
    shown = unicode_host(candidate.host)
    wanted = target.registered
    for rule in (_same_name, _lookalike_letters, _typo, _added_words, _shown_as_subdomain):
        detail = rule(candidate, target)
        if detail is not None:
            return Resemblance(shown, wanted, detail[0], detail[1])
    return None


Finding = tuple[str, str]


def _same_name(candidate: _Name, target: _Name) -> Finding | None:
    if candidate.label != target.label:
        return None
    return "tld_swap", f"the same name under .{candidate.suffix} instead of .{target.suffix}"


def _lookalike_letters(candidate: _Name, target: _Name) -> Finding | None:
    shown, real = unicode_host(candidate.label), unicode_host(target.label)
    if skeleton(shown) != skeleton(real):
        return None
    return "homoglyph", _with_suffix(_swaps(shown, real), candidate, target)


def _typo(candidate: _Name, target: _Name) -> Finding | None:
    real = plain(unicode_host(target.label))
    if len(real) < MIN_TYPO_LENGTH:
        return None
    detail = typo(plain(unicode_host(candidate.label)), real)
    if detail is None:
        return None
    return "typo", _with_suffix(detail, candidate, target)


def _added_words(candidate: _Name, target: _Name) -> Finding | None:
    real = plain(unicode_host(target.label))
    if len(real) < MIN_EMBEDDED_LENGTH:
        return None
    extra = _extra_words(plain(unicode_host(candidate.label)), real, target)
    if extra is None:
        return None
    if extra == target.suffix.split("."):
        added = f"its ending .{target.suffix} written into it"
    else:
        added = ", ".join(repr(word) for word in extra) + " added"
    return "combo", _with_suffix(f"the name {target.label} with {added}", candidate, target)


def _extra_words(shown: str, real: str, target: _Name) -> list[str] | None:
    """The words around `real` in `shown` (hyphenated, or a known lure word), if any."""
    tokens = shown.split("-")
    wanted = real.split("-")
    for start in range(len(tokens) - len(wanted) + 1):
        if tokens[start : start + len(wanted)] == wanted:
            rest = tokens[:start] + tokens[start + len(wanted) :]
            return [word for word in rest if word] or None
    joined_suffix = target.suffix.replace(".", "")
    for word in sorted(LURE_WORDS | {joined_suffix, target.suffix.rsplit(".", 1)[-1]}):
        if shown in (real + word, word + real):
            return target.suffix.split(".") if word == joined_suffix else [word]
    return None


def _shown_as_subdomain(candidate: _Name, target: _Name) -> Finding | None:
    real = plain(unicode_host(target.label))
    if len(real) < MIN_EMBEDDED_LENGTH or not candidate.subdomain:
        return None
    shown = plain(unicode_host(candidate.subdomain))
    if not re.search(rf"(^|[.-]){re.escape(real)}($|[.-])", shown):
        return None
    return (
        "subdomain",
        f"shows {target.label} at the start of a host that belongs to {candidate.registered}",
    )


def _with_suffix(detail: str, candidate: _Name, target: _Name) -> str:
    if candidate.suffix == target.suffix:
        return detail
    return f"{detail}, under .{candidate.suffix} instead of .{target.suffix}"


def _swaps(shown: str, real: str) -> str:
    """The look-alike characters used, in words: `Cyrillic 'о' in place of 'o'`."""
    matcher = difflib.SequenceMatcher(a=shown, b=real, autojunk=False)
    parts = [
        f"{_script(shown[i1:i2])}'{shown[i1:i2]}' in place of '{real[j1:j2]}'"
        for op, i1, i2, j1, j2 in matcher.get_opcodes()
        if op != "equal"
    ]
    return "look-alike characters: " + "; ".join(dict.fromkeys(parts))


def _script(text: str) -> str:
    """`Cyrillic ` / `Greek ` for letters of those scripts, else nothing."""
    names = {unicodedata.name(c, "").split(" ")[0] for c in text if not c.isascii()}
    scripts = sorted(n.capitalize() for n in names if n in ("CYRILLIC", "GREEK"))
    return " ".join(scripts) + " " if scripts else ""


# --- typos -----------------------------------------------------------------------------------


def typo(shown: str, real: str) -> str | None:
    """Describe `shown` as one typing slip away from `real`, or None.

    Counted slips: a letter left out, doubled, or swapped with the next; a hyphen added; a
    letter replaced by a neighbouring key or by another vowel; a neighbouring key's letter
    slipped in next to the one meant.
    """
    if shown == real:
        return None
    if len(shown) == len(real) - 1:
        return _omission(shown, real)
    if len(shown) == len(real) + 1:
        return _insertion(shown, real)
    if len(shown) == len(real):
        return _swap_or_replacement(shown, real)
    return None


def _first_difference(a: str, b: str) -> int:
    return next(
        (i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b))
    )


def _omission(shown: str, real: str) -> str | None:
    i = _first_difference(shown, real)
    if shown[i:] != real[i + 1 :]:
        return None
    return f"'{real[i]}' left out"


def _insertion(shown: str, real: str) -> str | None:
    i = _first_difference(shown, real)
    if shown[i + 1 :] != real[i:]:
        return None
    extra = shown[i]
    if extra == "-":
        return "a hyphen added"
    neighbours = {real[j] for j in (i - 1, i) if 0 <= j < len(real)}
    if extra in neighbours:
        return f"'{extra}' doubled"
    if any(_adjacent_keys(extra, n) for n in neighbours):
        return f"an extra '{extra}' (a neighbouring key)"
    return None


def _swap_or_replacement(shown: str, real: str) -> str | None:
    i = _first_difference(shown, real)
    if shown[i + 1 :] == real[i + 1 :]:
        got, meant = shown[i], real[i]
        if _adjacent_keys(got, meant):
            return f"'{got}' typed for '{meant}' (a neighbouring key)"
        if got in _VOWELS and meant in _VOWELS:
            return f"the vowel '{got}' in place of '{meant}'"
        return None
    if shown[i : i + 2] == real[i : i + 2][::-1] and shown[i + 2 :] == real[i + 2 :]:
        return f"'{real[i : i + 2]}' swapped to '{shown[i : i + 2]}'"
    return None


@cache
def _key_positions() -> dict[str, tuple[int, int]]:
    return {
        key: (row, col) for row, keys in enumerate(_KEYBOARD_ROWS) for col, key in enumerate(keys)
    }


def _adjacent_keys(a: str, b: str) -> bool:
    """Neighbours on a QWERTY keyboard: next door on the row, or touching on the staggered
    row above (same column and one to the right) or below (same column and one to the left)."""
    positions = _key_positions()
    if a not in positions or b not in positions:
        return False
    (row_a, col_a), (row_b, col_b) = positions[a], positions[b]
    offsets = {0: (-1, 1), 1: (-1, 0), -1: (0, 1)}.get(row_b - row_a, ())
    return col_b - col_a in offsets
