"""The kind model: which kind of harm, learnt from labelled texts on top of the cue lexicons.

The cue lexicons (see `classifier`) are precise, but a hostile text that says nothing the
lexicons list reads as a neutral mention: idioms change from author to author. The kind model
is a multinomial logistic regression over what the classifier gathered for one person:

* the cue scores: the lexicons' score for each harmful kind (phishing included), `mention`
  (one less the strongest of them) and the strength of independent-reporting context;
* how the person was found (by name, handle, phone number...);
* where the person stands among the people the text names: the only one, or named less often
  than someone else, which most often means the text is about that other person (a relative,
  a lawyer or a colleague quoted in a story of impersonation or threats aimed at another);
* the words around the person: the first `PREFIX` (six) letters of each folded word of three letters
  or more in the person's windows (which leaves Azerbaijani and Russian endings aside), once
  each, the person's own name excepted.

It is trained by `scripts/train_model.py` (see `monitor.matching.training`) on the labelled
corpora in tests/data and shipped as data (`model.json`), so matching needs no machine-learning
library: a prediction is a sum of weights and a softmax. The model names the words that weighed
most, so a trainer can see why (`monitor match`).
"""

from __future__ import annotations

import heapq
import json
from collections.abc import Iterable, Mapping, Sequence
from functools import cache, lru_cache
from importlib import resources

import numpy as np

# The prefix of a word that stands for it: long enough to tell words apart, short enough that
# one prefix covers a word's case forms.
PREFIX = 6
MIN_WORD = 3


WORD = "word:"  # the name of a word feature is WORD + its key (see `word_keys`)


class KindModel:
    """Classes, their intercepts, and per feature one weight per class, as the rows of a
    matrix: a prediction is one indexed sum (numpy), not a loop over words in Python."""

    def __init__(
        self,
        classes: Sequence[str],
        intercepts: Sequence[float],
        weights: Mapping[str, Sequence[float]],
    ) -> None:
        self.classes = tuple(classes)
        self._intercepts = np.array(intercepts, dtype=float)
        self._names = list(weights)
        self._rows = {name: i for i, name in enumerate(self._names)}
        self._word_rows = {n[len(WORD) :]: i for n, i in self._rows.items() if n.startswith(WORD)}
        self._matrix = np.array(list(weights.values()), dtype=float).reshape(
            len(weights), len(self.classes)
        )
        # Per feature and class, its weight less its mean weight for the other classes: how
        # much one unit of the feature pushes towards that class (what `predict_parts` reports).
        n = len(self.classes)
        self._pushes = (n * self._matrix - self._matrix.sum(axis=1, keepdims=True)) / (n - 1)

    @classmethod
    def from_json(cls, document: Mapping) -> KindModel:
        return cls(document["classes"], document["intercepts"], document["weights"])

    def predict_parts(
        self, named: Mapping[str, float], keys: Iterable[str], top: int = 5
    ) -> tuple[dict[str, float], list[tuple[str, float]]]:
        """(probability of each class, the `top` reasons for the likeliest): the features that
        pushed most towards it, by `_pushes` times their value. The word keys come apart from
        the other (`named`) features, each counting 1: no feature name is built per word, which
        matters in the classifier's loop. Rows are summed in sorted order, so that every run
        gives the same floating-point sum."""
        rows = sorted(map(self._word_rows.__getitem__, self._word_rows.keys() & keys))
        ones = len(rows)
        pairs = sorted((self._rows[n], v) for n, v in named.items() if n in self._rows)
        rows += [r for r, _ in pairs]
        values = np.ones(len(rows))
        values[ones:] = [v for _, v in pairs]
        logits = self._intercepts + values @ self._matrix[rows]
        exps = np.exp(logits - logits.max())
        probabilities = dict(zip(self.classes, (exps / exps.sum()).tolist(), strict=True))
        return probabilities, self._reasons(rows, values, int(logits.argmax()), top)

    def _reasons(
        self, rows: list[int], values: np.ndarray, k: int, top: int
    ) -> list[tuple[str, float]]:
        """The `top` features that pushed most towards class `k`, ties broken by name."""
        if not top or not rows:
            return []
        pushes = (self._pushes[rows, k] * values).round(3).tolist()
        names = self._names
        pushed = ((-push, names[row]) for push, row in zip(pushes, rows, strict=True) if push > 0)
        return [(name, -push) for push, name in heapq.nsmallest(top, pushed)]


def named_features(
    cue_scores: Mapping[str, float], context: float, hows: Iterable[str], standing: str
) -> dict[str, float]:
    """The model's inputs other than words: cue scores, reporting context, how found, and
    the person's standing in the text ("alone", "minor", or "" for a main person)."""
    out = {f"cues:{kind}": value for kind, value in cue_scores.items()}
    out["cues:report"] = context
    for how in hows:
        out[f"found:{how}"] = 1.0
    if standing:
        out[f"people:{standing}"] = 1.0
    return out


def feature_map(
    cue_scores: Mapping[str, float],
    context: float,
    hows: Iterable[str],
    standing: str,
    keys: Iterable[str],
) -> dict[str, float]:
    """The model's input for one person (see the module docstring), as training reads it;
    `keys` are the word keys of the words around the person (see `word_keys`)."""
    named = named_features(cue_scores, context, hows, standing)
    return named | dict.fromkeys((WORD + k for k in keys), 1.0)


def word_keys(words: Iterable[str]) -> set[str]:
    """The word features of a window: prefixes of the words that carry meaning."""
    keys = set(map(word_key, words))
    keys.discard("")
    return keys


@lru_cache(maxsize=65536)
def word_key(word: str) -> str:
    """A folded word's key: its first PREFIX letters, or "" for a short word or a number.
    Cached: the same words come back in every window, and a lookup beats the tests."""
    return word[:PREFIX] if len(word) >= MIN_WORD and not word.isdigit() else ""


@cache
def default_model() -> KindModel:
    """The model shipped in monitor/matching/model.json, loaded once per process."""
    text = resources.files("monitor.matching").joinpath("model.json").read_text(encoding="utf-8")
    return KindModel.from_json(json.loads(text))
