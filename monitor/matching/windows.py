"""Windows of folded words around a person's hits, cut from one text once for everybody.

The classifier reads the text around each person's hits as folded word tokens (see
`classifier`). In news text the windows of different people overlap (two people named in one
paragraph), and cutting words with a regular expression is the costly part, so `Words` cuts
every stretch that some window covers once per text, and `Words.window` slices a window out of
it. The slice is exactly what cutting the window on its own would give: the word tokenizer looks
neither behind a word nor further than its end, so a window sees the same words as the stretch
except where its edge falls inside a word; those edge words are cut again from the edge.

A stretch that needs repair (hidden characters, look-alike letters) or title-casing is left to
per-window preparation (`Window.cut`), as its words may differ from window to window.

Sentence, paragraph and quotation boundaries are computed per window, and only for windows in
which a cue was found.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Iterable
from functools import cached_property

from monitor.matching.lexicon import WORD, fold_token
from monitor.matching.normalize import Piece, Prepared, needs_repair, prepare

_TITLE_MAX = 160
# `WORD` as a capturing group, for `re.split`. Quantifiers are possessive, which changes nothing
# (nothing follows a word that could make the engine give letters back) but saves the engine's
# bookkeeping; where the text has no "_", \w (which differs from [^\W_] only by "_") is faster
# still. Cutting words is the costliest step of classification.
_SPLIT = re.compile(r"([^\W_]++(?:['’ʼ`-][^\W_]++)*+)")
_SPLIT_NO_UNDERSCORE = re.compile(r"(\w++(?:['’ʼ`-]\w++)*+)")
# A line break, or a run of full stops, question or exclamation marks followed by white space
# (matched from its first mark). Written to begin with one character class, which the regular
# expression engine scans for quickly: `[.!?…]+(?=\s)|\n` finds the same, three times slower.
_SENTENCE_END = re.compile(r"[.!?…\n](?:(?<=\n)|[.!?…]*(?=\s))")
_LINE_END = re.compile(r"\n")
# A line with a clock time (12:05, 9:30) among its first 50 characters, and how many make a
# thread.
_THREAD_LINE = re.compile(r"^[^\n]{0,50}?(?<!\d)\d{1,2}:\d\d(?!\d)", re.MULTILINE)
THREAD_LINES = 3
# Quotations: guillemets, German and English double quotes, straight double quotes, and single
# quotes (curly, or straight ones that stand apart from words, so "Hasanli's" opens nothing).
# Written to begin with one character class, the opening marks, and to pick the branch by the
# mark just read: an alternation of branches that each begin differently is scanned for at
# every position, five times slower.
_QUOTED = re.compile(
    r"[«„“\"‘'](?:(?<=«)[^»\n]{1,300}»|(?<=„)[^“”\n]{1,300}[“”]|(?<=“)[^”\n]{1,300}”"
    r"|(?<=\")[^\"\n]{1,300}\"|(?<=‘)[^’\n]{1,300}’|(?<=')(?<!\w')[^'\n]{1,60}'(?!\w))"
)


def merge_spans(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans sorted and merged where they overlap or touch."""
    merged: list[tuple[int, int]] = []
    for lo, hi in sorted(spans):
        if merged and lo <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(hi, merged[-1][1]))
        else:
            merged.append((lo, hi))
    return merged


class Spans:
    """Spans of a text, merged, that answer "does one of them hold this?" by bisection: a text
    may name one person thousands of times (a long archive page, a hostile one), and every
    candidate near them asks."""

    def __init__(self, spans: Iterable[tuple[int, int]] = ()) -> None:
        self.spans: list[tuple[int, int]] = []
        self.starts: list[int] = []
        self.add(spans)

    def add(self, spans: Iterable[tuple[int, int]]) -> None:
        self.spans = merge_spans([*self.spans, *spans])
        self.starts = [lo for lo, _ in self.spans]

    def covers(self, start: int, end: int) -> bool:
        """Whether one span holds all of [start, end)."""
        index = bisect.bisect_right(self.starts, start) - 1
        return index >= 0 and self.spans[index][1] >= end

    def overlaps(self, start: int, end: int) -> bool:
        """Whether a span shares a character with [start, end)."""
        index = bisect.bisect_left(self.starts, end) - 1
        return index >= 0 and self.spans[index][1] > start


class Window:
    """Folded word tokens of one window of text, with their context computed on demand.

    Offsets (token `starts` and `ends`, sentence and line ends, quotations) refer to `work`, of
    which the window is work[base:limit]; `shift` and `pieces` lead back to the caller's text.
    `work` is the caller's text itself for plain text, else the window's repaired copy.
    """

    def __init__(
        self,
        work: str,
        span: tuple[int, int],
        shift: int,
        pieces: tuple[Piece, ...],
        tokens: tuple[list[str], list[int], list[int]],
        headline: bool,
    ) -> None:
        self.work = work
        self.base, self.limit = span
        self.shift = shift
        self.prepared = Prepared(work, pieces)
        self.words, self.starts, self.ends = tokens
        self.title_end = _title_end(work, self.base, self.limit) if headline else -1

    @classmethod
    def cut(cls, text: str, lo: int, hi: int) -> Window:
        """The window text[lo:hi] prepared and cut on its own."""
        prepared = prepare(text[lo:hi])
        starts, ends, words = _split(prepared.text, 0)
        span = (0, len(prepared.text))
        return cls(prepared.text, span, lo, prepared.pieces, (words, starts, ends), lo == 0)

    # Sentence, line and quotation boundaries are needed only once a cue is found.
    @cached_property
    def sentence_ends(self) -> list[int]:
        """Sentence ends, except the full stop of an initial ("A. Mirzəliyeva"): a letter
        that stands alone before it."""
        work, base = self.work, self.base
        dots = [m.start() for m in _SENTENCE_END.finditer(work, base, self.limit)]
        return [
            d
            for d in dots
            if not (
                d > base and work[d - 1].isalpha() and (d == base + 1 or not work[d - 2].isalnum())
            )
        ]

    @cached_property
    def line_ends(self) -> list[int]:
        return [m.start() for m in _LINE_END.finditer(self.work, self.base, self.limit)]

    @cached_property
    def thread(self) -> bool:
        """Whether the window reads as a comment thread, chat or transcript: at least
        `THREAD_LINES` lines with a clock time near their start ("user | 16:12:",
        "[29.03.25, 12:00] Gülşən:", "00:12:40 —"). Its lines answer one another about one
        subject, where an article's paragraphs may turn to somebody else."""
        found = _THREAD_LINE.finditer(self.work, self.base, self.limit)
        return next(itertools.islice(found, THREAD_LINES - 1, None), None) is not None

    @property
    def bounds(self) -> tuple[int, int]:
        """The window's span of `work`."""
        return self.base, self.limit

    @cached_property
    def quotes(self) -> list[tuple[int, int]]:
        return [m.span() for m in _QUOTED.finditer(self.work, self.base, self.limit)]

    def original(self, first: int, last: int) -> tuple[int, int]:
        """Original-text span of tokens first..last."""
        a, b = self.prepared.to_original(self.starts[first], self.ends[last])
        return self.shift + a, self.shift + b

    def tokens_within(self, start: int, end: int) -> tuple[int, int] | None:
        """First and last token lying wholly inside work[start:end], or None if none does."""
        first = bisect.bisect_left(self.starts, start)
        last = bisect.bisect_right(self.ends, end) - 1
        return (first, last) if first <= last else None

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Token indices covering an original-text span (the nearest token if none does)."""
        if not self.starts:
            return 0, 0
        first = self._token_at(start - self.shift)
        last = max(first, self._token_at(end - self.shift - 1))
        return first, last

    def _token_at(self, offset: int) -> int:
        if self.prepared.pieces:
            offset = self._prepared_offset(offset)
        return max(0, min(bisect.bisect_right(self.starts, offset) - 1, len(self.starts) - 1))

    def _prepared_offset(self, original: int) -> int:
        for piece in self.prepared.pieces:
            if piece.start <= original < piece.end:
                return piece.out + (original - piece.start if piece.linear else 0)
        return len(self.work)

    def sentence(self, index: int) -> int:
        return bisect.bisect_left(self.sentence_ends, self.starts[index])

    def paragraph(self, index: int) -> int:
        """Line number, with a headline counted as part of the paragraph below it."""
        line = bisect.bisect_left(self.line_ends, self.starts[index])
        return line - 1 if line and self.title_end >= 0 else line

    def quoted(self, first: int, last: int) -> bool:
        a, b = self.starts[first], self.ends[last]
        return any(q0 < a and b <= q1 for q0, q1 in self.quotes)


class Words:
    """The words of the stretches of one text that windows cover, cut and folded once."""

    def __init__(self, text: str, spans: list[tuple[int, int]]) -> None:
        """`spans` are merged (see `merge_spans`); every window must lie inside one of them."""
        self.text = text
        self._los = [lo for lo, _ in spans]
        self._runs = [_Run.cut(text, lo, hi) for lo, hi in spans]

    def window(self, lo: int, hi: int) -> Window:
        """The window text[lo:hi], as `Window.cut` would give it."""
        run = self._runs[bisect.bisect_right(self._los, lo) - 1]
        if run is None or self.text[lo:hi].islower():
            return Window.cut(self.text, lo, hi)  # prepare would title-case the window alone
        return run.window(self.text, lo, hi)


class _Run:
    """Tokens of one plain stretch of text, in text offsets."""

    def __init__(self, starts: list[int], ends: list[int], words: list[str]) -> None:
        self.starts, self.ends, self.words = starts, ends, words

    @classmethod
    def cut(cls, text: str, lo: int, hi: int) -> _Run | None:
        """The stretch text[lo:hi] cut into words, or None if `prepare` would change it."""
        stretch = text[lo:hi]
        if stretch.islower() or needs_repair(stretch):
            return None
        return cls(*_split(stretch, lo))

    def window(self, text: str, lo: int, hi: int) -> Window:
        a = bisect.bisect_right(self.ends, lo)  # first word ending after lo
        b = bisect.bisect_left(self.starts, hi)  # words before b start before hi
        head: tuple[list[int], list[int], list[str]] = ([], [], [])
        tail: tuple[list[int], list[int], list[str]] = ([], [], [])
        if a < b and self.starts[a] < lo:  # the window begins inside a word
            head = _find(text, lo, min(self.ends[a], hi))
            a += 1
        if a < b and self.ends[b - 1] > hi:  # the window ends inside a word
            tail = _find(text, self.starts[b - 1], hi)
            b -= 1
        tokens = (
            head[2] + self.words[a:b] + tail[2],
            head[0] + self.starts[a:b] + tail[0],
            head[1] + self.ends[a:b] + tail[1],
        )
        return Window(text, (lo, hi), 0, (), tokens, lo == 0)


def _split(work: str, offset: int) -> tuple[list[int], list[int], list[str]]:
    """(starts, ends, folded words) of the word tokens of `work`, offsets moved by `offset`."""
    split = _SPLIT.split if "_" in work else _SPLIT_NO_UNDERSCORE.split
    parts = split(work)  # gap, word, gap, word, ..., gap
    offsets = list(itertools.accumulate(map(len, parts), initial=offset))
    return offsets[1:-1:2], offsets[2::2], list(map(fold_token, parts[1::2]))


def _find(text: str, lo: int, hi: int) -> tuple[list[int], list[int], list[str]]:
    """(starts, ends, folded words) of the word tokens of text[lo:hi], in text offsets."""
    found = [m.span() for m in WORD.finditer(text, lo, hi)]
    return [a for a, _ in found], [b for _, b in found], [fold_token(text[a:b]) for a, b in found]


def _title_end(work: str, base: int, limit: int) -> int:
    """End of a short first line followed by more text (a headline), or -1."""
    newline = work.find("\n", base, limit)
    if 0 < newline - base <= _TITLE_MAX and work[newline:limit].strip():
        return newline
    return -1
