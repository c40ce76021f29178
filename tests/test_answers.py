"""What counts as an answer, the same for the workers that count and the downloads that read:
pure functions, tested without a database."""

from __future__ import annotations

from pathlib import Path

from survey_app.answers import (
    WRITTEN,
    answer_cells,
    option_ids,
    option_label,
    question_counts,
    skip_logic,
)
from survey_app.definitions.loader import load_file
from survey_app.definitions.model import DONT_KNOW, PREFER_NOT_TO_SAY

CHILD = load_file(Path(__file__).parent / "data" / "surveys" / "test-child.yaml")


def test_an_option_ticked_twice_counts_once_and_each_answered_question_once() -> None:
    cells, questions = answer_cells({"went": "no", "why_not": ["scared", "school", "scared"]})

    assert cells == [("went", "no"), ("why_not", "scared"), ("why_not", "school")]
    assert questions == ["went", "why_not"]


def test_a_number_is_counted_as_the_words_it_is_stored_as() -> None:
    cells, _ = answer_cells({"times": 3})

    assert cells == [("times", "3")]


def test_a_written_answer_is_listed_and_labelled_as_written_never_by_its_words() -> None:
    better = CHILD.question("better")

    assert option_ids(better, {"something a child wrote"}) == (WRITTEN, PREFER_NOT_TO_SAY)
    assert option_label(better, WRITTEN) == "Wrote an answer"


def test_numbers_are_listed_smallest_first_then_dont_know() -> None:
    times = CHILD.question("times")

    assert option_ids(times, {"10", DONT_KNOW, "2", "1"}) == ("1", "2", "10", DONT_KNOW)


def test_a_choice_lists_every_age_bands_options_in_the_surveys_order() -> None:
    feel = CHILD.question("feel")

    assert option_ids(feel, set()) == ("very_sad", "sad", "okay", "happy", "very_happy", DONT_KNOW)
    assert option_label(feel, "very_happy") == "Really good"
    assert option_label(feel, DONT_KNOW) == "I don't know"


def test_a_question_asked_only_after_an_answer_carries_that_condition() -> None:
    conditions = skip_logic(CHILD)

    assert set(conditions) == {"why_not"}
    assert (conditions["why_not"].question, tuple(conditions["why_not"].any_of)) == (
        "went",
        ("no",),
    )


def test_special_answers_to_a_multiple_choice_question_exclude_the_others() -> None:
    counted = question_counts(CHILD.question("why_not"), {"scared": 4, PREFER_NOT_TO_SAY: 1}, 5)

    assert counted.multiple and counted.base == 5
    assert counted.exclusive == frozenset({PREFER_NOT_TO_SAY})
    assert counted.options[-1] == PREFER_NOT_TO_SAY
