"""Suggesting themes for a text from the codebook's own examples: nearest examples by TF-IDF
(word and character n-grams), with no model downloaded and nothing learnt from coders' work.

Why this method: the codebook holds a handful of examples per theme, too few to fit a
classifier per theme well; the likeness of a text to the nearest example of a theme (less its
likeness to the nearest example that does not belong) works with six examples and changes as
soon as the codebook does. Character n-grams carry children's spelling ("didnt", "dont",
"skool") to the same features as the spelt word. Measured on tests/data/themes-coded.jsonl by
`python -m survey_app.themes.evaluate` (see that module). A suggestion is only a suggestion:
nothing counts as coded until a person confirms it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion

from .codebook import Codebook

# A theme is suggested when its score reaches this; at most MOST themes per text. Chosen on
# the even lines of the evaluation set only (see evaluate.py), reported on the odd ones too.
THRESHOLD = 0.22
MOST = 2
# How much likeness to an example that does not belong takes off.
NOT_WEIGHT = 0.5


@dataclass(frozen=True)
class Suggestion:
    """A theme proposed for a text, with its score (higher is likelier)."""

    theme_id: str
    score: float


class Suggester:
    """Suggests active themes of one codebook; build once, use for many texts."""

    def __init__(self, codebook: Codebook, threshold: float = THRESHOLD, most: int = MOST) -> None:
        self.threshold = threshold
        self.most = most
        examples: list[str] = []
        belongs: list[int] = []
        against: list[int] = []
        # Per theme, the rows of its examples and of its counter-examples.
        belongs_of: list[list[int]] = []
        against_of: list[list[int]] = []
        self.theme_ids: list[str] = []
        # A parent theme gathers its children; a coder gives it where no child fits, so the
        # suggester proposes the more precise children only.
        parents = {theme.parent for theme in codebook.active if theme.parent}
        for theme in (theme for theme in codebook.active if theme.id not in parents):
            self.theme_ids.append(theme.id)
            for text in (theme.label, *theme.examples):
                belongs.append(len(examples))
                examples.append(text)
            for text in theme.not_examples:
                against.append(len(examples))
                examples.append(text)
            belongs_of.append(belongs)
            against_of.append(against)
            belongs, against = [], []
        self._vectoriser = FeatureUnion(
            [
                ("words", TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)),
                (
                    "characters",
                    TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True),
                ),
            ]
        )
        matrix = self._vectoriser.fit_transform(examples)
        themes = len(self.theme_ids)
        self._examples = matrix
        self._belongs = np.zeros((themes, len(examples)), dtype=bool)
        self._against = np.zeros((themes, len(examples)), dtype=bool)
        for index in range(themes):
            self._belongs[index, belongs_of[index]] = True
            self._against[index, against_of[index]] = True

    def scores(self, texts: Sequence[str]) -> np.ndarray:
        """A score per text and active theme (rows: texts; columns: `theme_ids`)."""
        if not texts:
            return np.zeros((0, len(self.theme_ids)))
        # Each half of the union is unit length, so a dot product is a mean of two cosines.
        likeness = (self._vectoriser.transform(texts) @ self._examples.T).toarray() / 2
        scores = np.zeros((len(texts), len(self.theme_ids)))
        for index in range(len(self.theme_ids)):
            nearest = likeness[:, self._belongs[index]].max(axis=1)
            counter = self._against[index]
            if counter.any():
                nearest = nearest - NOT_WEIGHT * likeness[:, counter].max(axis=1)
            scores[:, index] = nearest
        return scores

    def suggest(self, texts: Sequence[str]) -> list[list[Suggestion]]:
        """For each text, the themes whose score reaches the threshold, likeliest first."""
        found = []
        for row in self.scores(texts):
            order = np.argsort(-row)[: self.most]
            found.append(
                [
                    Suggestion(self.theme_ids[index], round(float(row[index]), 4))
                    for index in order
                    if row[index] >= self.threshold
                ]
            )
        return found
