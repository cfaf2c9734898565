"""Handles, e-mail addresses, phone numbers and domains: patterns and the checks per candidate.

Patterns live in the scan alphabet (see `normalize.scan_view`: "/" reads as "@", "_" as ".",
other separators as " "), and each starts with an anchor character:

* a handle with a separator is anchored on it (".gurbanli" for sabina.gurbanli), so it is found
  bare, after "@", and inside profile URLs alike; other handles are anchored on "@" (which also
  stands for "/", so instagram.com/handle is found);
* an e-mail address is anchored on "@domain", then its local part is read backwards;
* a phone number is anchored on its last seven digits as people group them (555 12 07,
  555-1207, 5551207), on its last groups as its country writes them (900872 for +44 7700
  900872) and on its full forms (+994505551207, 0505551207); the digits before the tail are
  read backwards and must complete the registered number;
* a domain is anchored on "@", "/", "." or a space before it.

Every check insists on token boundaries: lala.vakil is not inside lala.vakilova2.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import phonenumbers

from monitor.matching.normalize import scan_pattern

HANDLE_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")
_PHONE_SEPARATORS = frozenset(" -().+\u00a0")
_CODE_BEFORE = re.compile(r"(?:\+|00)(\d{1,3})[\s().-]*(?:\(0\)[\s.-]*)?$")
_URL_HEAD = re.compile(r"(?:https?://)?(?:www\.)?[\w.-]*$", re.IGNORECASE)
_EMAIL_LOCAL = re.compile(r"[A-Za-z0-9._%+-]+$")
_PHONE_TAIL = 7
_PHONE_GROUPS = ((3, 2, 2), (3, 4), (7,))
# The number's country writes its last digits in groups of its own (British mobiles end in a
# block of six, 07700 900872; French numbers in pairs): the trailing groups of its formatted
# number that hold at least this many digits are a pattern too.
_PHONE_OWN_GROUPING = 6


def forms(identifier: str) -> set[str]:
    """Case forms of a case-insensitive identifier, including what `str.title` makes of it
    (all-lower-case texts are title-cased before matching)."""
    return {identifier, identifier.upper(), identifier.title()}


def ends_token(work: str, end: int) -> bool:
    """True when nothing handle-like continues after `end` (a final full stop is fine)."""
    if end >= len(work):
        return True
    c = work[end]
    if c in HANDLE_CHARS:
        return False
    return not (c in ".-" and end + 1 < len(work) and work[end + 1] in HANDLE_CHARS)


# -- handles -------------------------------------------------------------------------------


def handle_patterns(handle: str) -> Iterator[tuple[str, int]]:
    """(pattern, offset from the pattern's start to the handle's start) per case form."""
    cut = scan_pattern(handle).find(".", 1)
    for form in forms(handle):
        mapped = scan_pattern(form)
        if cut > 0:
            yield mapped[cut:], -cut
        else:
            yield "@" + mapped, 1


def check_handle(work: str, first: int, end: int, handle: str) -> tuple[str, int] | None:
    """(how, start) when work[first:end] is the handle standing as a token of its own."""
    if first < 0 or work[first:end].lower() != handle or not ends_token(work, end):
        return None
    before = work[first - 1] if first > 0 else " "
    if before == "@":
        if first > 1 and work[first - 2] in HANDLE_CHARS:
            return None  # the domain part of an e-mail address
        return "handle", first - 1
    if before == "/":
        head = _URL_HEAD.search(work, max(0, first - 80), first - 1)
        return "profile_url", head.start() if head else first - 1
    if before in HANDLE_CHARS or before in ".-":
        return None
    return "handle", first


# -- e-mail --------------------------------------------------------------------------------


def email_patterns(domain: str) -> Iterator[str]:
    for form in forms(domain):
        yield "@" + scan_pattern(form)


def email_local(work: str, at: int, end: int) -> str | None:
    """The local part before the "@" at `at`, lower case, if an address ends at `end`."""
    if work[at] != "@" or not ends_token(work, end):
        return None
    m = _EMAIL_LOCAL.search(work, max(0, at - 64), at)
    return m.group().lstrip(".").lower() if m else None


# -- phone numbers -------------------------------------------------------------------------


def split_phone(phone: str) -> tuple[str, str]:
    """(national significant number, country code) of an E.164 number.

    The country code is the longest known calling code the digits begin with (calling codes
    are prefix-free), which is all of E.164 parsing the patterns' keys need, at a fraction of
    the cost of a full parse (`_own_grouping` parses each number once more, for its format);
    only a 0 after the country code, rare, takes a full parse to judge.
    """
    digits = "".join(c for c in phone if c.isdigit())
    for size in (1, 2, 3):
        country = digits[:size]
        if int(country or 0) in _CALLING_CODES:
            national = digits[size:]
            bare = national.lstrip("0") or national
            if bare == national or _keeps_leading_zero(country, national, bare):
                return national, country
            return bare, country  # a trunk 0 written by mistake
    return digits[-9:], digits[:-9]


def _keeps_leading_zero(country: str, national: str, bare: str) -> bool:
    """Whether the 0 after the country code belongs to the number: whether the number is
    valid with it and not without it (`phonenumbers`), as for Italian landlines (+39 06 …) or
    Côte d'Ivoire, which dial the 0 from abroad too. Elsewhere it is a trunk prefix written by
    mistake (+44 020 …, +7 0916 …, +39 0347 … for a mobile), and the number is sought
    without it."""
    return _valid(country + national) and not _valid(country + bare)


def _parsed(digits: str) -> phonenumbers.PhoneNumber | None:
    """The number "+digits" as `phonenumbers` reads it, None if it reads none."""
    try:
        return phonenumbers.parse("+" + digits)
    except phonenumbers.NumberParseException:
        return None


def _valid(digits: str) -> bool:
    number = _parsed(digits)
    return number is not None and phonenumbers.is_valid_number(number)


_CALLING_CODES = frozenset(phonenumbers.COUNTRY_CODE_TO_REGION_CODE)


def phone_prefixes(country: str) -> frozenset[str]:
    """What may stand before the national number: nothing, a trunk 0 or 8, the country code."""
    return frozenset({"", "0", "8", country, country + "0", "00" + country})


def phone_patterns(national: str, country: str) -> set[str]:
    """Tails of the number as people write it: 555 12 07, 555-1207, 5551207, +994505551207,
    and in its country's own grouping (900872 for a British mobile)."""
    tail = national[-_PHONE_TAIL:]
    out = {" " + country + national, " 0" + national, " " + national, " 00" + country + national}
    out |= _own_grouping(national, country)
    for sizes in _PHONE_GROUPS:
        parts, i = [], 0
        for size in sizes:
            parts.append(tail[i : i + size])
            i += size
        out.add(" " + " ".join(parts))
        if len(parts) > 1:
            out.add("." + ".".join(parts))
    return out


def _own_grouping(national: str, country: str) -> set[str]:
    """The last groups of the number as its country formats it (`phonenumbers`), at least
    `_PHONE_OWN_GROUPING` digits: " 900872" for +44 7700 900872, " 34 56 78" for a French
    number, also with full stops (06.39.98.14.82) and run together after an area code
    (06-12345678 for +39 06 1234 5678). A last group of six is sought halved as well
    ("900 872", "900.872"), as people write it; the country code is no group of the number's,
    and a number shorter than that has none."""
    number = _parsed(country + national)
    if number is None:
        return set()
    groups = re.findall(r"\d+", phonenumbers.format_number(number, _INTERNATIONAL))[1:]
    tail: list[str] = []
    while groups and sum(map(len, tail)) < _PHONE_OWN_GROUPING:
        tail.insert(0, groups.pop())
    if sum(map(len, tail)) < _PHONE_OWN_GROUPING:
        return set()  # too short a number to have groups of its own worth seeking
    if len(tail) == 1 and len(tail[0]) == _PHONE_OWN_GROUPING:
        block = tail[0]
        return {" " + block, " " + block[:3] + " " + block[3:], "." + block[:3] + "." + block[3:]}
    return {" " + " ".join(tail), "." + ".".join(tail), " " + "".join(tail)}


_INTERNATIONAL = phonenumbers.PhoneNumberFormat.INTERNATIONAL


def phone_start(
    work: str, start: int, end: int, national: str, prefixes: frozenset[str]
) -> int | None:
    """Where the number whose tail is work[start:end] begins, if it is `national`."""
    if end < len(work) and work[end].isdigit():
        return None
    digits = "".join(c for c in work[start:end] if c.isdigit())
    first, i = start, start - 1
    while len(digits) <= len(national) + 5:
        head = digits[: len(digits) - len(national)]
        if digits.endswith(national) and head in prefixes and not work[first - 1 : first].isdigit():
            return _with_country_code(work, first, head, prefixes)
        if i < 0 or start - i > 24:
            return None
        c = work[i]
        if c.isdigit():
            digits, first = c + digits, i
        elif c not in _PHONE_SEPARATORS:
            return None
        i -= 1
    return None


def _with_country_code(work: str, first: int, head: str, prefixes: frozenset[str]) -> int:
    """Take in a "+994 " or "(0)" written before the national part, and a "+" or "(" lead."""
    if head in ("", "0"):
        m = _CODE_BEFORE.search(work, max(0, first - 10), first)
        if m and m.group(1) in prefixes:
            first = m.start()
    while first > 0 and work[first - 1] in "+(":
        first -= 1
    return first


# -- domains -------------------------------------------------------------------------------


def domain_patterns(domain: str) -> Iterator[tuple[str, int]]:
    """(pattern, lead) where lead 1 means the first character is the anchor, not the domain."""
    for form in forms(domain):
        mapped = scan_pattern(form)
        yield "@" + mapped, 0
        yield "." + mapped, 0
        yield " " + mapped, 1


def domain_start(work: str, start: int, end: int) -> int | None:
    """Where the domain (with any subdomain) starts, if it stands as a host name."""
    if not ends_token(work, end):
        return None
    anchor = work[start] if work[start] in "@/." else ""
    start += len(anchor)
    if anchor == ".":
        while start > 0 and (work[start - 1].isalnum() or work[start - 1] in ".-"):
            start -= 1
    elif not anchor and start > 0 and (work[start - 1].isalnum() or work[start - 1] in "-_.@"):
        return None
    return start
