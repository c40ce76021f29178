"""What counts as an answer: the one definition that the workers (which count) and the readers
(downloads, reports, casework) share, so a count means the same thing wherever it is read.

Pure functions over a survey definition and a response's stored answers: no database, no web,
no settings.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from .definitions.model import (
    FACE_SCALE,
    MULTIPLE_CHOICE,
    SCALE,
    SINGLE_CHOICE,
    Direction,
    Option,
    Question,
    SurveyDefinition,
    Text,
)
from .definitions.words import special_label
from .privacy.disclosure import Condition, QuestionCounts

# What a response stores (and a count records) for a free-text answer that was given: the words
# themselves are kept apart, encrypted, and never counted.
WRITTEN = "written"


def answer_cells(answers: Mapping[str, Any]) -> tuple[list[tuple[str, str]], list[str]]:
    """(question, option) pairs to count, and the questions answered (each response once)."""
    cells: list[tuple[str, str]] = []
    for question_id, value in answers.items():
        chosen = value if isinstance(value, list) else [value]
        cells.extend((question_id, str(option)) for option in dict.fromkeys(map(str, chosen)))
    return cells, list(answers)


def option_ids(question: Question, seen: Iterable[str]) -> tuple[str, ...]:
    """Every option a question can record, in order: a choice question's own options (all age
    bands), a number question's values as seen, then "don't know" / "rather not say"."""
    specials = question.special_options()
    if question.is_choice:
        return tuple(dict.fromkeys(question.all_option_ids()))
    if question.is_text:
        return (WRITTEN, *specials)
    values = sorted(
        {option for option in seen if option not in specials},
        key=lambda value: (len(value), value),
    )
    return (*values, *specials)


def option_label(question: Question, option: str, band: str = "", language: str = "en") -> str:
    """An option's words as a child in age band `band` saw them, in `language`.

    Without a band, the question's own options first: only right for a question whose bands
    share its words (a banded scale is labelled per band).
    """
    if band:
        for choice in question.options_for_band(band):
            if choice.id == option:
                return choice.label.get(language)
    for choice in question.options:
        if choice.id == option:
            return choice.label.en
    for wording in question.bands.values():
        for choice in wording.options or ():
            if choice.id == option:
                return choice.label.en
    if option in question.special_options():
        return special_label(option)
    if question.is_text and option == WRITTEN:
        return "Wrote an answer"
    return option


def question_counts(
    question: Question,
    counts: Mapping[str, int],
    base: int,
    keys: Mapping[str, int] | None = None,
    base_key: int | None = None,
) -> QuestionCounts:
    """One question's exact counts in one group, as the disclosure rules take them, with the
    cells' key sums (None: counted without keys)."""
    multiple = question.kind == MULTIPLE_CHOICE
    return QuestionCounts(
        question=question.id,
        options=option_ids(question, counts),
        counts=dict(counts),
        base=base,
        multiple=multiple,
        exclusive=frozenset(question.special_options()) if multiple else frozenset(),
        keys=None if keys is None else dict(keys),
        base_key=None if keys is None else (base_key or 0),
    )


def skip_logic(definition: SurveyDefinition) -> dict[str, Condition]:
    """Each question asked only after a given answer to an earlier one, with that condition."""
    return {
        question.id: Condition(question.show_if.question, question.show_if.any_of)
        for question in definition.questions
        if question.show_if is not None
    }


# The words of the collapse a survey declares: the only figures published across age bands
# whose scales differ.
DIRECTION_WORDS = {
    Direction.NEGATIVE: "Negative answers",
    Direction.NEUTRAL: "Neither (the middle answer)",
    Direction.POSITIVE: "Positive answers",
}


def collapsed_question(question: Question) -> Question:
    """The question as its declared directions: negative, neutral, positive, then "don't know"
    and "rather not say" apart, the same for every age band."""
    return Question(
        id=question.id,
        # Still a scale (charts diverge from its middle), of three points every band shares.
        kind=question.kind if question.kind in (SCALE, FACE_SCALE) else SINGLE_CHOICE,
        text=question.text,
        options=tuple(
            Option(str(direction), Text.english(words), direction)
            for direction, words in DIRECTION_WORDS.items()
        ),
        dont_know=question.dont_know,
        prefer_not_to_say=question.prefer_not_to_say,
        show_if=question.show_if,
    )


def collapsed_counts(question: Question, band: str, counts: Mapping[str, int]) -> dict[str, int]:
    """One band's counts of a question as directions (specials kept as they are).

    An option without a direction (never in a survey that loads: `check` requires all or none)
    is left out rather than guessed.
    """
    collapsed: dict[str, int] = {}
    specials = question.special_options()
    for option, value in counts.items():
        direction = question.direction(option, band)
        key = str(direction) if direction is not None else (option if option in specials else "")
        if key:
            collapsed[key] = collapsed.get(key, 0) + int(value)
    return collapsed


def is_collapsed(question: Question) -> bool:
    """Whether figures across age bands are published only as directions for this question."""
    return question.is_choice and question.scales_differ_by_band
