"""Find registered activists in a text: one automaton pass, then rules per candidate.

`Matcher.build` turns every registration into patterns in one pyahocorasick automaton: surname
spellings in their capitalised and upper-case forms (case endings are checked after the match,
so one pattern serves every inflected form), nicknames, handle tails, e-mail domains, phone
number tails and organisation domains. Every pattern begins with an anchor character (see
`normalize.scan_view`), so for most characters of a text the automaton stays at its root and its
cost per character does not grow with the number of activists. Registrations are grouped by
name token before variants are generated, so build time grows with the number of distinct names
more than with the number of people.

`Matcher.find` makes one pass and then works per candidate only (see `names` for the rules that
pair a surname with a given name, `identifiers` for handles, addresses, numbers and domains).
Once a person is found, their bare surname and bare given name nearby become supporting hits,
which the classifier uses to measure how close a cue stands.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache

import ahocorasick

from monitor.matching import identifiers, names, variants
from monitor.matching.morphology import Gender, gender_of
from monitor.matching.names import MISREAD_LABEL, SPLIT_LABEL
from monitor.matching.normalize import Prepared, fold, prepare_scan, scan_pattern
from monitor.matching.windows import Spans, merge_spans

HOW = ("name", "nickname", "handle", "email", "phone", "profile_url", "domain")


@dataclass(frozen=True)
class Registration:
    """What an activist registered: names in every spelling, handles, addresses, numbers."""

    activist_id: int
    names: tuple[str, ...]
    nicknames: tuple[str, ...] = ()
    handles: tuple[tuple[str, str], ...] = ()
    emails: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()


@dataclass(frozen=True)
class Hit:
    """One occurrence of one identifier of one activist; `text[start:end] == matched`.

    `part` is "full" for evidence that names the person on its own, "surname" or "given" for a
    bare name part that only supports a person found elsewhere in the text. `note` says which
    spelling habit or case ending matched, for people tuning registrations.
    """

    activist_id: int
    how: str
    start: int
    end: int
    matched: str
    part: str = "full"
    note: str = ""


# Kinds of automaton entries. Entries are plain tuples: the per-candidate loop stays cheap.
_SURNAME, _NICK, _HANDLE, _EMAIL, _PHONE, _DOMAIN, _SPLIT = range(7)
_SUPPORT_REACH = 600
_NAMES = ("name", "nickname")  # hits that a namesake shares (a handle or a number is one's own)


# What `_support` looks for around a person found: their surname spellings, folded, and their
# given-name spellings with the capitalised form each is sought in.
_Plan = tuple[frozenset[str], tuple[tuple[names.Spelling, str], ...]]


@dataclass(frozen=True)
class _Person:
    given: tuple[str, ...]
    surnames: tuple[str, ...]
    gender: Gender


class Matcher:
    """All registrations compiled into one automaton; rebuild when the registry changes."""

    def __init__(self, automaton: ahocorasick.Automaton, people: dict[int, _Person]) -> None:
        self._automaton = automaton
        self._people = people
        self._tables: dict[frozenset[int], dict[str, frozenset[int]]] = {}
        self._plans: dict[int, _Plan] = {}
        self._genders = {aid: person.gender for aid, person in people.items()}
        self.activist_ids = frozenset(people)

    @classmethod
    def build(cls, registrations: Iterable[Registration]) -> Matcher:
        """Compile registrations; building grows with their number, matching does not."""
        builder = _Builder()
        for registration in registrations:
            builder.add(registration)
        return builder.finish()

    def find(self, text: str) -> list[Hit]:
        """Every hit of every registered activist in `text`, in text order."""
        prepared, scan = prepare_scan(text)
        work = prepared.text
        found = _Found(prepared.titled, prepared.lower_lines)
        surname, check = self._surname, self._check
        for end, (plen, entries) in self._automaton.iter(scan):
            for entry in entries:
                if entry[0] == _SURNAME:  # nearly every candidate: skip the dispatch
                    surname(work, end - plen + 1, end, entry, found)
                else:
                    check(work, end, plen, entry, found)
        found.drop_the_dead(work)
        for aid in found.anchored():
            self._support(work, aid, found)
        return found.hits(text, prepared)

    def candidates(self, text: str) -> int:
        """How many candidates the automaton hands to the rules in `text` (one per pattern
        entry of each match): text preparation and the automaton pass without any rule, the
        part of `find` whose cost is fixed per byte (the benchmark reports it as the ceiling of
        `find`)."""
        return sum(len(entries) for _, (_, entries) in self._automaton.iter(prepare_scan(text)[1]))

    def _check(self, work: str, end: int, plen: int, entry: tuple, found: _Found) -> None:
        kind = entry[0]
        if kind == _NICK:
            self._nickname(work, end - plen + 1, end, entry, found)
        elif kind == _HANDLE:
            _handle(work, end - plen + entry[1], end, entry, found)
        elif kind == _EMAIL:
            _email(work, end - plen, end, entry, found)
        elif kind == _PHONE:
            _phone(work, end - plen + entry[2], end, entry, found)
        elif kind == _SPLIT:
            self._split(work, end - plen + 1, end, entry, found)
        else:
            _domain(work, end - plen + entry[3], end, entry, found)

    def _surname(self, work: str, start: int, end: int, entry: tuple, found: _Found) -> None:
        """A surname spelling at work[start:end] names the people in `table` whose given name
        stands next to it; for the others it stays a bare candidate, which supports them only
        if they are found elsewhere in the text (decided then, in `_support`)."""
        _, endings, ids, label, after_given = entry
        tail = names.ending(work, end, endings)
        if tail is None:
            if after_given:
                self._after_given(work, start, end, ids, label, after_given, found)
            return
        stop = end + len(tail)
        table = self._tables.get(ids) or self._table(ids)
        before = names.word_before(work, start)
        pairs = names.given_before(work, start, table, before)
        spans: list[tuple[int, int, int]] = []
        if pairs:
            spans = [(aid, first, stop) for aid, first in pairs]
        elif not tail or variants.is_cyrillic(tail):  # Russian declines both: Мехдиевой Гюльнары
            after = names.given_after(work, stop, table, tail, self._genders, before)
            spans = [(aid, start, last) for aid, last in after]
        if spans:
            note = names.note(label, tail)
            for aid, first, last in spans:
                found.add(aid, "name", first, last, note)
        if len(spans) < len(ids):
            found.bare.append((ids, start, stop, label, tail, before))

    def _split(self, work: str, start: int, end: int, entry: tuple, found: _Found) -> None:
        """A surname split before its suffix ("nağı yeva", "керим ов") is the surname only
        where case tells nothing: in text written in lower case, where speech recognition
        writes a long name it does not know as the words it does, and in a line written in
        capitals, where text recognition splits words of a poster ("KAMRAN ALAKBAR OV").
        Elsewhere "Abbas Ov" is two words."""
        if found.uncased or found.in_lower_line(start) or _in_capitals(work, start, end):
            self._surname(work, start, end, entry, found)

    def _after_given(
        self,
        work: str,
        start: int,
        end: int,
        ids: frozenset[int],
        label: str,
        after_given: frozenset[str],
        found: _Found,
    ) -> None:
        """A surname with an ending it takes only right after the person's own given name,
        written out in full, with nothing between: "Emin Şahbazova qarşı" is Emin Şahbazov's
        dative, but "E. Şahbazova", "Emin bəy Şahbazova" and "Emin və Elmira Şahbazova" may be
        his sister (see `morphology.endings_after_given`)."""
        tail = names.ending(work, end, after_given)
        before = names.word_before(work, start) if tail else None
        if tail is None or before is None or before[3] or before[2].endswith("."):
            return
        table = self._tables.get(ids) or self._table(ids)
        for aid in table.get(names.folded(before[2]), ()):
            found.add(aid, "name", before[0], end + len(tail), names.note(label, tail))

    def _table(self, ids: frozenset[int]) -> dict[str, frozenset[int]]:
        """Given-name forms → people, for the people who share one surname spelling. Built on
        first use and kept: only surnames that occur in texts cost memory."""
        table: dict[str, set[int]] = defaultdict(set)
        for aid in ids:
            person = self._people[aid]
            for token in person.given:
                for form in names.given_forms(token, person.gender):
                    table[form].add(aid)
        frozen = {form: frozenset(aids) for form, aids in table.items()}
        self._tables[ids] = frozen
        return frozen

    def _nickname(self, work: str, start: int, end: int, entry: tuple, found: _Found) -> None:
        """A nickname (the automaton holds it capitalised, see `variants.case_forms`), but not
        where its capital tells nothing and something says it is the common word it was made of:
        in the plural in an all-lower-case text (title-cased to be matched) or at the start of a
        text, line or sentence ("qaratoyuqlar", blackbirds; "Qaranquşlar qayıdır", swallows come
        back), or at such a start in a text that also writes it in lower case (a weather report
        on the wind гилавар that begins a sentence with it). Nor where, with its ending, it spells
        the person's own given name (the pet name Lami with the dative -ya is Lamiya): a given name
        alone names nobody. Nor in quotes beside a word for a film, a place or a firm (ЖК «Маяк»,
        "Sova" kafesi): that is a title (`names.names_a_title`). Nor where a word for a place
        follows it (Hedgewitch Lane, Qaranquş küçəsi: `names.names_a_place`)."""
        if found.in_lower_line(start):
            return  # the text writes names with capitals: in lower case, it is the common word
        _, endings, ids, label, _after_given = entry
        tail = names.ending(work, end, endings)
        before = work[start - 1] if start else " "
        plural = tail is not None and names.is_plural(tail)
        opens = names.opens_sentence(work, start)
        if plural and (found.uncased or opens):
            return
        if opens and found.written_in_lower_case(work, work[start:end]):
            return
        if tail is None or before in "@./_" or names.names_a_title(work, start, end + len(tail)):
            return
        if not tail and names.names_a_place(work, end, found.uncased or found.in_lower_line(start)):
            return
        for aid in ids:
            if not (tail and self._is_own_given_name(aid, work[start : end + len(tail)])):
                found.add(aid, "nickname", start, end + len(tail), names.note(label, tail))

    def _is_own_given_name(self, aid: int, word: str) -> bool:
        """Whether `word` is one of the person's given names, with or without a case ending."""
        folded = fold(word)
        return any(
            folded.startswith(s.folded) and folded[len(s.folded) :] in s.endings
            for s, _ in self._support_plan(aid)[1]
        )

    def _support(self, work: str, aid: int, found: _Found) -> None:
        """Bare surnames and given names of a person found, near where they were found."""
        for ids, start, stop, label, tail, before in found.bare:
            if aid in ids and not names.after_other_name(work, before):
                found.support(aid, start, stop, "surname", names.note(label, tail))
        surnames, given = self._support_plan(aid)
        taken = Spans((start, end) for _, start, end, _, _ in found.strong[aid])
        for lo, hi in found.windows(aid, _SUPPORT_REACH, len(work)):
            for first, last, spelling in names.occurrences(work, lo, hi, given, surnames, taken):
                found.support(aid, first, last, "given", spelling.label)

    def _support_plan(self, aid: int) -> _Plan:
        """(folded surname spellings, (given-name spelling, capitalised form) pairs) of one
        person: computed when the person is first found, then kept (a dictionary lookup for
        every later text instead of regenerating spellings)."""
        plan = self._plans.get(aid)
        if plan is None:
            person = self._people[aid]
            surnames = frozenset(
                s.folded
                for t in person.surnames
                for s in names.spellings(t, "surname", person.gender)
            )
            given = tuple(
                (spelling, spelling.stem[:1].upper() + spelling.stem[1:])
                for token in person.given
                for spelling in names.spellings(token, "given", person.gender)
            )
            plan = self._plans[aid] = (surnames, given)
        return plan


def _handle(work: str, first: int, end: int, entry: tuple, found: _Found) -> None:
    _, _offset, handle, ids = entry
    checked = identifiers.check_handle(work, first, end, handle)
    if checked:
        how, start = checked
        for aid in ids:
            found.add(aid, how, start, end, "")


def _email(work: str, at: int, end: int, entry: tuple, found: _Found) -> None:
    _, locals_, domain = entry
    local = identifiers.email_local(work, at, end)
    for aid in locals_.get(local, ()) if local else ():
        found.add(aid, "email", at - len(local or ""), end, domain)


def _phone(work: str, start: int, end: int, entry: tuple, found: _Found) -> None:
    for national, prefixes, ids in entry[1]:
        first = identifiers.phone_start(work, start, end, national, prefixes)
        if first is not None:
            for aid in ids:
                found.add(aid, "phone", first, end, "")


def _domain(work: str, start: int, end: int, entry: tuple, found: _Found) -> None:
    _, domain, ids, _lead = entry
    first = identifiers.domain_start(work, start, end)
    if first is not None:
        for aid in ids:
            found.add(aid, "domain", first, end, domain)


class _Found:
    """Hits of one text in prepared-text offsets, before they are mapped back."""

    def __init__(self, uncased: bool, lower_lines: tuple[tuple[int, int], ...]) -> None:
        self.uncased = uncased  # an all-lower-case text, title-cased to be matched
        self.lower_lines = lower_lines  # lines of it without capitals, title-cased likewise
        self.strong: dict[int, list[tuple[str, int, int, str, str]]] = defaultdict(list)
        self.weak: dict[int, list[tuple[str, int, int, str, str]]] = defaultdict(list)
        # Surname candidates not (or not for everybody) paired with a given name:
        # (ids, start, stop, spelling label, case ending, word before).
        self.bare: list[tuple[frozenset[int], int, int, str, str, names.Word | None]] = []
        self._dead = Spans()  # names of someone who has died (drop_the_dead)
        self._lower_case: dict[str, bool] = {}  # written_in_lower_case, by word

    def in_lower_line(self, at: int) -> bool:
        return any(start <= at < end for start, end in self.lower_lines)

    def written_in_lower_case(self, work: str, word: str) -> bool:
        """`names.written_in_lower_case`, asked once per word and text: it reads the whole text,
        and a nickname may open thousands of its sentences."""
        known = self._lower_case.get(word)
        if known is None:
            known = self._lower_case[word] = names.written_in_lower_case(
                work, word, self.lower_lines
            )
        return known

    def add(self, aid: int, how: str, start: int, end: int, note: str) -> None:
        self.strong[aid].append((how, start, end, "full", note))

    def drop_the_dead(self, work: str) -> None:
        """Forget names followed by a life span (`names.life_span_follows`): they name someone
        who has died, so they neither count nor anchor the bare name parts around them. Where
        the text first names the person so (an archive piece, an encyclopedia entry), every
        name of theirs in that paragraph is that namesake's, but for one with a bracket of its
        own, another entry of a list ("Соколов Дмитрий Андреевич (род. 1985)"); a later
        paragraph may turn to a living namesake (a grandson on a memorial page), and safety
        keeps such names rather than lose a registered person's; where a life span comes
        later ("not to be confused with the poet … (1921–1989)"), only that one, with any
        shorter hit inside it. A handle, an e-mail or a number is the person's own and stays."""
        for aid, rows in list(self.strong.items()):
            named = [r[1:3] for r in rows if r[0] in _NAMES]
            spans = [(start, end) for start, end in named if names.life_span_follows(work, end)]
            if not spans:
                continue  # nearly every person in every text
            first = min(spans, key=_first_and_longest)
            if first == min(named, key=_first_and_longest):  # introduced with a life span:
                ends = names.paragraph_end(work, first[1])  # theirs, but entries of a list
                spans += [
                    (start, end)
                    for start, end in named
                    if start < ends and not names.bracket_follows(work, end)
                ]
            self._dead.add(spans)
            kept = [r for r in rows if r[0] not in _NAMES or not self._dead.covers(r[1], r[2])]
            if kept:
                self.strong[aid] = kept
            else:
                del self.strong[aid]

    def support(self, aid: int, start: int, end: int, part: str, note: str) -> None:
        if not self._dead.covers(start, start + 1):
            self.weak[aid].append(("name", start, end, part, note))

    def anchored(self) -> list[int]:
        return sorted(self.strong)

    def windows(self, aid: int, reach: int, size: int) -> list[tuple[int, int]]:
        """Merged spans around the person's hits, where supporting hits are sought."""
        return merge_spans(
            (max(0, start - reach), min(size, end + reach))
            for _, start, end, _, _ in self.strong[aid]
        )

    def hits(self, text: str, prepared: Prepared) -> list[Hit]:
        out: list[Hit] = []
        for aid in self.anchored():
            for how, start, end, part, note in _drop_covered(self.strong[aid] + self.weak[aid]):
                first, last = prepared.to_original(start, end)
                out.append(Hit(aid, how, first, last, text[first:last], part, note))
        out.sort(key=lambda h: (h.start, -h.end, h.activist_id))
        return out


_RANK = {"full": 0, "surname": 1, "given": 2}


def _first_and_longest(span: tuple[int, int]) -> tuple[int, int]:
    """Sort key of the span that opens a text's mentions of someone: earliest, then longest."""
    return span[0], -span[1]


def _drop_covered(
    rows: list[tuple[str, int, int, str, str]],
) -> list[tuple[str, int, int, str, str]]:
    """One hit per span: a hit inside a longer one of the same person adds nothing.

    Duplicates go in first-come order (not through a set, whose order follows string hashing,
    which varies between processes): when two spellings find the same span, the first one's
    note is kept, every time.
    """
    ordered = sorted(dict.fromkeys(rows), key=lambda r: (r[1], -r[2], _RANK[r[3]]))
    kept: list[tuple[str, int, int, str, str]] = []
    reach = -1
    for row in ordered:
        if row[2] <= reach:
            continue
        kept.append(row)
        reach = row[2]
    return kept


# -- building ------------------------------------------------------------------------------

# Letters that most often begin a word in Azerbaijani, Russian and English text, registered first
# under the anchor so they come first in its child list, which pyahocorasick searches linearly:
# the common case, a word that begins no pattern, is then decided in a step or two.
_PRIMERS = "bkdsmaqhtvpgyieonrlfzcəçşüxöuğwjпсвнкодмтибрзгаучфлеэжшхяцю12"
_PRIMER_TAIL = "\uffff\uffff"
# When several spellings produce one pattern, the note names the most direct one.
_LABEL_RANK = {
    "as registered": 0,
    "transliteration": 1,
    "Cyrillic": 2,
    "transliterated from Cyrillic": 3,
    SPLIT_LABEL: 4,
    MISREAD_LABEL: 5,
}


class _Builder:
    """Collects registrations grouped by token, then expands each distinct token once."""

    def __init__(self) -> None:
        self.surnames: dict[tuple[str, Gender], set[int]] = defaultdict(set)
        self.given: dict[tuple[str, Gender], set[int]] = defaultdict(set)
        self.nicknames: dict[tuple[str, Gender], set[int]] = defaultdict(set)
        self.handles: dict[str, set[int]] = defaultdict(set)
        self.emails: dict[str, dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
        self.phones: dict[tuple[str, str], set[int]] = defaultdict(set)
        self.domains: dict[str, set[int]] = defaultdict(set)
        self.people: dict[int, _Person] = {}

    def add(self, reg: Registration) -> None:
        aid = reg.activist_id
        full = [n.split() for n in reg.names if len(n.split()) >= 2]
        gender = _gender(full)
        given = tuple(dict.fromkeys(tokens[0] for tokens in full))
        surnames = tuple(dict.fromkeys(tokens[-1] for tokens in full))
        old = self.people.get(aid)
        if old:
            given, surnames = old.given + given, old.surnames + surnames
        self.people[aid] = _Person(given, surnames, gender)
        for token in given:
            self.given[(token, gender)].add(aid)
        for token in surnames:
            self.surnames[(token, gender)].add(aid)
        singles = [n.strip() for n in reg.names if len(n.split()) == 1]
        for nick in (*reg.nicknames, *singles):
            if len(fold(nick.strip())) >= 3:
                self.nicknames[(" ".join(nick.split()), gender)].add(aid)
        for _platform, handle in reg.handles:
            if handle.strip().lstrip("@"):
                self.handles[handle.strip().lstrip("@").lower()].add(aid)
        for email in reg.emails:
            local, _, domain = email.strip().lower().rpartition("@")
            if local and domain:
                self.emails[domain][local].add(aid)
        for phone in reg.phones:
            national, country = identifiers.split_phone(phone)
            if len(national) >= 6:
                self.phones[(national, country)].add(aid)
        for domain in reg.domains:
            if "." in domain.strip(". "):
                self.domains[domain.strip(". ").lower()].add(aid)

    def finish(self) -> Matcher:
        values: dict[str, list[tuple]] = defaultdict(list)
        self._names(values, self.surnames, _SURNAME, "surname")
        self._names(values, self.surnames, _SPLIT, "surname", _split_patterns)
        self._names(values, self.nicknames, _NICK, "given")
        self._identifiers(values)
        automaton = ahocorasick.Automaton()
        for c in _PRIMERS:
            automaton.add_word(" " + c + _PRIMER_TAIL, (0, ()))
        for pattern, entries in values.items():
            automaton.add_word(pattern, (len(pattern), tuple(entries)))
        automaton.make_automaton()
        return Matcher(automaton, self.people)

    def _names(
        self,
        values: dict[str, list[tuple]],
        groups: dict[tuple[str, Gender], set[int]],
        kind: int,
        role: str,
        patterns: Callable[..., tuple[tuple[_PatternKey, str], ...]] | None = None,
    ) -> None:
        by_key: dict[tuple[str, frozenset[str], frozenset[str]], list[set[int]]] = {}
        labels: dict[str, str] = {}
        for (token, gender), aids in groups.items():
            # A pen name registered in lower case (qaraqurd_az) is written so: sought as it is.
            as_written = kind == _NICK and token[:1].islower()
            for key, label in (patterns or _token_patterns)(token, role, gender, as_written):
                sets = by_key.get(key)
                if sets is None:
                    by_key[key] = [aids]
                else:
                    sets.append(aids)
                pattern = key[0]
                if (
                    _LABEL_RANK[label] < _LABEL_RANK[labels.get(pattern, label)]
                    or pattern not in labels
                ):
                    labels[pattern] = label
        shared: dict[frozenset[int], frozenset[int]] = {}
        for (pattern, endings, after_given), sets in by_key.items():
            ids = frozenset().union(*sets)
            ids = shared.setdefault(ids, ids)
            values[pattern].append((kind, endings, ids, labels[pattern], after_given))

    def _identifiers(self, values: dict[str, list[tuple]]) -> None:
        for handle, aids in self.handles.items():
            for pattern, offset in identifiers.handle_patterns(handle):
                values[pattern].append((_HANDLE, offset, handle, tuple(sorted(aids))))
        for domain, locals_ in self.emails.items():
            entry = (_EMAIL, {k: tuple(sorted(v)) for k, v in locals_.items()}, domain)
            for pattern in identifiers.email_patterns(domain):
                values[pattern].append(entry)
        phones: dict[str, list[tuple[str, frozenset[str], tuple[int, ...]]]] = defaultdict(list)
        for (national, country), aids in self.phones.items():
            row = (national, identifiers.phone_prefixes(country), tuple(sorted(aids)))
            for pattern in identifiers.phone_patterns(national, country):
                phones[pattern].append(row)
        for pattern, rows in phones.items():
            values[pattern].append((_PHONE, tuple(rows), 1 if pattern[0] == " " else 0))
        for domain, aids in self.domains.items():
            for pattern, lead in identifiers.domain_patterns(domain):
                values[pattern].append((_DOMAIN, domain, tuple(sorted(aids)), lead))


# An automaton pattern with the case endings it takes anywhere and those it takes only after the
# person's own given name (see `names.Spelling`).
_PatternKey = tuple[str, frozenset[str], frozenset[str]]


@cache
def _token_patterns(
    token: str, role: str, gender: Gender, as_written: bool
) -> tuple[tuple[_PatternKey, str], ...]:
    """((pattern, endings, endings after the given name), label) for every spelling and case
    form of a name token; `as_written` keeps its lower-case spellings too, and a token with
    capitals inside (the pen name VüsalTV) is sought as written as well. A surname is sought
    with one letter misread as a digit too (`variants.misread_forms`), in its registered and
    plain-Latin spellings only: in every spelling they made the build at 10,000 activists 46 %
    slower, in these two 23 %."""
    out: dict[_PatternKey, str] = {}
    inner_capitals = token[1:] != token[1:].lower()
    for i, s in enumerate(names.spellings(token, role, gender)):
        forms = variants.case_forms(s.stem, as_written)
        if i == 0 and inner_capitals:  # the token's own spelling comes first
            forms |= {token}
        for form in forms:
            out.setdefault((" " + scan_pattern(form), s.endings, s.after_given), s.label)
        if role == "surname" and (i == 0 or s.stem.isascii()):  # as written, or plain Latin
            for form in {m for f in forms for m in variants.misread_forms(f)}:
                out.setdefault((" " + scan_pattern(form), s.endings, s.after_given), MISREAD_LABEL)
    return tuple(out.items())


def _in_capitals(work: str, start: int, end: int) -> bool:
    """Whether the line around work[start:end] is written in capitals."""
    first = work.rfind("\n", 0, start) + 1
    last = work.find("\n", end)
    return work[first : last if last >= 0 else len(work)].isupper()


def _split_patterns(
    token: str, role: str, gender: Gender, _as_written: bool
) -> tuple[tuple[_PatternKey, str], ...]:
    """The surname's spellings split before their suffix, title-cased as lower-case lines are
    and in capitals (see `Matcher._split`), for every spelling that has such a suffix."""
    out: dict[_PatternKey, str] = {}
    for s in names.spellings(token, role, gender):
        split = names.split_at_suffix(s.stem)
        for form in variants.case_forms(split) if split else ():
            out.setdefault((" " + scan_pattern(form), s.endings, s.after_given), SPLIT_LABEL)
    return tuple(out.items())


def _gender(full: list[list[str]]) -> Gender:
    genders = {gender_of(tokens[-1]) for tokens in full} - {Gender.UNKNOWN}
    return genders.pop() if len(genders) == 1 else Gender.UNKNOWN
