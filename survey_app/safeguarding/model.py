"""The screen's learned second opinion: a logistic regression over words and word pieces.

It was trained (by `python -m survey_app.safeguarding.train`) only on the texts in
data/training.jsonl, written for this project, and is shipped as a table of feature weights in
data/weights.json: loading it needs no scikit-learn and nothing is downloaded. The rules decide
first; this only raises a text the rules found nothing in, so wordings the rules were never
given ("i stockpiled my tablets") still reach a person.
"""

from __future__ import annotations

import json
import math
import threading
from dataclasses import dataclass, field
from pathlib import Path

DATA = Path(__file__).parent / "data"
WEIGHTS = DATA / "weights.json"


def _words(normal: str) -> list[str]:
    words = []
    for word in normal.replace("\n", " ").split(" "):
        # Most words are letters and digits only: the character filter is for the few others.
        if not word.isalnum():
            word = "".join(ch for ch in word if ch.isalnum() or ch == "£")
        if word:
            words.append(word)
    return words


def _pieces(word: str) -> list[str]:
    """A word's own feature and its pieces (3 to 5 characters, with its ends marked)."""
    padded = f"<{word}>"
    length = len(padded)
    return [f"w:{word}"] + [
        f"c:{padded[start : start + size]}"
        for size in (3, 4, 5)
        for start in range(length - size + 1)
    ]


def features(normal: str, source: str) -> set[str]:
    """The features of a normalised text: words, word pairs, pieces of words, and the source."""
    words = _words(normal)
    found = {f"s:{source}"}
    found.update([f"b:{first} {second}" for first, second in zip(words, words[1:], strict=False)])
    for word in words:
        found.update(_pieces(word))
    return found


@dataclass(frozen=True)
class Model:
    """An intercept and a weight per feature; features not in the table weigh nothing."""

    intercept: float
    weights: dict[str, float]
    # Probabilities at which a text the rules passed goes to review, and to alert.
    review_at: float
    alert_at: float

    # A word's weighted features (its own and its pieces), by word: answers repeat the same
    # words, and building the pieces' strings was most of the model's cost.
    _weighted: dict[str, tuple[str, ...]] = field(default_factory=dict, compare=False, repr=False)

    def probability(self, normal: str, source: str) -> float:
        """How like the risk texts it was trained on this text is, from 0 to 1."""
        # The same sum as over `features(normal, source)`: a feature without a weight adds
        # nothing, so only the weighted ones are collected (a set still: a piece two words
        # share counts once).
        weights = self.weights
        weighted = self._weighted
        words = _words(normal)
        found = {feature for feature in (f"s:{source}",) if feature in weights}
        for word in words:
            pieces = weighted.get(word)
            if pieces is None:
                pieces = tuple(piece for piece in _pieces(word) if piece in weights)
                if len(weighted) < _MAX_CACHED_WORDS:
                    weighted[word] = pieces
            found.update(pieces)
        pairs = [f"b:{first} {second}" for first, second in zip(words, words[1:], strict=False)]
        found.update([pair for pair in pairs if pair in weights])
        total = self.intercept + sum(map(weights.__getitem__, found))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, total))))


# Words kept with their weighted pieces; beyond this, new words are worked out each time.
_MAX_CACHED_WORDS = 50_000


_lock = threading.Lock()
_loaded: list[Model] = []


def model() -> Model:
    """The shipped model, read from data/weights.json once per process on first use."""
    if not _loaded:
        with _lock:
            if not _loaded:
                table = json.loads(WEIGHTS.read_text(encoding="utf-8"))
                _loaded.append(
                    Model(
                        float(table["intercept"]),
                        dict(table["weights"]),
                        float(table["review_at"]),
                        float(table["alert_at"]),
                    )
                )
    return _loaded[0]
