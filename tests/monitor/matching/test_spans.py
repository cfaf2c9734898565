"""Lookups that keep a text naming one person thousands of times linear (docs/matching.md,
"Normalisation and hostile text"), checked against the pairwise comparisons they replace."""

from collections import namedtuple

from hypothesis import given
from hypothesis import strategies as st

from monitor.matching.classifier import _longest, _start_then_longest
from monitor.matching.windows import Spans

spans = st.lists(
    st.tuples(st.integers(0, 40), st.integers(1, 8)).map(lambda s: (s[0], s[0] + s[1])),
    max_size=12,
)
query = st.tuples(st.integers(0, 45), st.integers(1, 6)).map(lambda s: (s[0], s[0] + s[1]))


@given(spans, query)
def test_covers_is_inside_one_merged_span(given_spans: list, q: tuple[int, int]) -> None:
    start, end = q
    # every point of [start, end) inside the union, with no gap between: one merged span
    inside = all(any(a <= i < b for a, b in given_spans) for i in range(start, end))
    assert Spans(given_spans).covers(start, end) == inside


@given(spans, query)
def test_overlaps_is_sharing_a_character(given_spans: list, q: tuple[int, int]) -> None:
    start, end = q
    expected = any(a < end and start < b for a, b in given_spans)
    assert Spans(given_spans).overlaps(start, end) == expected


Term = namedtuple("Term", "section name")
matches = st.lists(
    st.tuples(st.integers(0, 10), st.integers(1, 5), st.sampled_from("xy"), st.integers(0, 2)).map(
        lambda m: (m[0], m[0] + m[1], Term(m[2], m[3]))
    ),
    max_size=10,
)


@given(matches)
def test_longest_drops_exactly_what_a_longer_kept_term_holds(found: list) -> None:
    kept: list = []
    for first, last, term in sorted(found, key=_start_then_longest):
        if not any(
            other.section == term.section and a <= first and last <= b and b - a > last - first
            for a, b, other in kept
        ):
            kept.append((first, last, term))
    assert _longest(found) == kept
