"""Reading age of the English a child sees: each sentence above its age band's level."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

import textstat
from pyphen import Pyphen

from .model import SurveyDefinition, Text
from .translations import Path_, service_words, survey_texts
from .words import ALL_WORDS, NEWER

# A Flesch-Kincaid grade is a US school grade: a child of 9 reads grade 4 comfortably. A band's
# level is set by its youngest age ("8-11": grade 4; "12-17": grade 8).
GRADE_BELOW_AGE = 4
# Where a band's youngest age cannot be read from its id or words: the 8 to 11 level.
DEFAULT_GRADE = 4.0
# A grade means little for a label of a few words ("Really good" scores 8.8): shorter pieces
# are read at a glance and not measured.
MINIMUM_WORDS = 5

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")
_PLACEHOLDER = re.compile(r"\{[a-z_]+\}")
_WORD = re.compile(r"[A-Za-z0-9]+(?:['’-][A-Za-z0-9]+)*")
_YOUNGEST = re.compile(r"\d+")


@dataclass(frozen=True)
class HardSentence:
    """One sentence harder to read than its readers' age band allows."""

    path: Path_
    sentence: str
    grade: float
    level: float
    band: str


def sentences(words: str) -> list[str]:
    """The sentences of a piece of English (a placeholder such as {maximum} read as a number)."""
    plain = _PLACEHOLDER.sub("5", words)
    return [piece.strip() for piece in _SENTENCE_END.split(plain) if _WORD.search(piece)]


@cache
def _hyphenation() -> Pyphen:
    return Pyphen(lang="en_US")


def reading_grade(sentence: str) -> float:
    """The sentence's Flesch-Kincaid grade, syllables counted by hyphenation.

    textstat's own `flesch_kincaid_grade` looks syllables up in the CMU dictionary, which it
    downloads on first use: a check must not fetch anything, so this is the same formula with
    the syllable count textstat falls back to (pyphen), and textstat's word count."""
    found = _WORD.findall(sentence)
    words = textstat.lexicon_count(sentence) or len(found)
    if not words:
        return 0.0
    syllables = sum(len(_hyphenation().positions(word.lower())) + 1 for word in found)
    return round(0.39 * words + 11.8 * syllables / words - 15.59, 1)


def band_level(band_id: str, label: Text | None = None) -> float:
    """The highest grade for a band: its youngest age less four (grade 4 for 8 to 11s)."""
    for source in (band_id, label.en if label else ""):
        found = _YOUNGEST.search(source)
        if found:
            return float(int(found.group()) - GRADE_BELOW_AGE)
    return DEFAULT_GRADE


def hard_sentences(definition: SurveyDefinition) -> list[HardSentence]:
    """Every English sentence a child may see that is above the level of the youngest band who
    sees it; empty for surveys not for children."""
    if not definition.is_for_children:
        return []
    levels = {band.id: band_level(band.id, band.label) for band in definition.age_bands}
    youngest = min(levels, key=lambda band: levels[band]) if levels else ""
    found = []
    for path, english in _child_english(definition):
        band = str(path[path.index("bands") + 1]) if "bands" in path else youngest
        level = levels.get(band, DEFAULT_GRADE)
        for sentence in sentences(english):
            if len(_WORD.findall(sentence)) < MINIMUM_WORDS:
                continue
            grade = reading_grade(sentence)
            if grade > level:
                found.append(HardSentence(path, sentence, grade, level, band))
    return found


def _child_english(definition: SurveyDefinition) -> Iterator[tuple[Path_, str]]:
    """The survey's English a child can see, and the service words it writes out itself."""
    for path, text in survey_texts(definition):
        yield path, text.en
    shown = {**service_words(definition), **NEWER}
    for key, text in definition.interface.items():
        # The service's own English is measured where it is written (tests/test_definitions.py).
        if key in shown and text.en != ALL_WORDS[key]:
            yield ("interface", key), text.en
