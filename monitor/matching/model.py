"""The kind model: which kind of harm, learnt from labelled texts on top of the cue lexicons.

The cue lexicons (see `classifier`) are precise, but a hostile text that says nothing the
lexicons list reads as a neutral mention: idioms change from author to author. The kind model
is a multinomial logistic regression over what the classifier gathered for one person:

* the cue scores: the lexicons' score for each harmful kind (phishing included), `mention`
  (one less the strongest of them) and the strength of independent-reporting context;
* how the person was found (by name, handle, phone number...);
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
from functools import cache
from importlib import resources

import numpy as np

# The prefix of a word that stands for it: long enough to tell words apart, short enough that
# one prefix covers a word's case forms.
PREFIX = 6
MIN_WORD = 3


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
        self._rows = {name: i for i, name in enumerate(weights)}
        self._matrix = np.array(list(weights.values()), dtype=float).reshape(
            len(weights), len(self.classes)
        )
        # Per feature and class, its weight less its mean weight for the other classes: how
        # much one unit of the feature pushes towards that class (what `predict` reports).
        n = len(self.classes)
        self._pushes = (n * self._matrix - self._matrix.sum(axis=1, keepdims=True)) / (n - 1)

    @classmethod
    def from_json(cls, document: Mapping) -> KindModel:
        return cls(document["classes"], document["intercepts"], document["weights"])

    def predict(
        self, features: Mapping[str, float], top: int = 5
    ) -> tuple[dict[str, float], list[tuple[str, float]]]:
        """(probability of each class, the `top` reasons for the likeliest): the features that
        pushed most towards it, by `_pushes` times their value."""
        names = sorted(n for n in features if n in self._rows)  # sorted: the same sum every run
        rows = [self._rows[n] for n in names]
        values = np.array([features[n] for n in names], dtype=float)
        logits = self._intercepts + values @ self._matrix[rows]
        exps = np.exp(logits - logits.max())
        probabilities = dict(zip(self.classes, (exps / exps.sum()).tolist(), strict=True))
        pushes = (self._pushes[rows, int(logits.argmax())] * values).round(3).tolist()
        ranked = heapq.nsmallest(
            top, ((-p, n) for p, n in zip(pushes, names, strict=True) if p > 0)
        )
        return probabilities, [(n, -p) for p, n in ranked]


def feature_map(
    scores: Mapping[str, float], context: float, hows: Iterable[str], words: Iterable[str]
) -> dict[str, float]:
    """The model's input for one person (see the module docstring); `words` are folded."""
    out = {f"cues:{kind}": value for kind, value in scores.items()}
    out["cues:report"] = context
    for how in hows:
        out[f"found:{how}"] = 1.0
    for word in word_keys(words):
        out[f"word:{word}"] = 1.0
    return out


def word_keys(words: Iterable[str]) -> set[str]:
    """The word features of a window: prefixes of the words that carry meaning."""
    return {w[:PREFIX] for w in words if len(w) >= MIN_WORD and not w.isdigit()}


@cache
def default_model() -> KindModel:
    """The model shipped in monitor/matching/model.json, loaded once per process."""
    text = resources.files("monitor.matching").joinpath("model.json").read_text(encoding="utf-8")
    return KindModel.from_json(json.loads(text))
