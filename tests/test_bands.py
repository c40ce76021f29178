"""A banded scale is its own scale in each age band: counted and published per band in that
band's words, and across bands only as the directions the survey declares ("% positive").

The test survey's `feel` question shows 8-11s three faces ("Not good", "OK", "Good") and 12-17s
five ("Really bad" ... "Really good"); `sad` is "Not good" to one and "Bad" to the other.
"""

from __future__ import annotations

from collections import Counter

import pytest
from flask import Flask

from survey_app.definitions import load_directory
from survey_app.privacy.disclosure import DisclosureRules
from tests.cellkeys import expected_base, expected_counts
from tests.conftest import TEST_SURVEYS, close_periods, rows_of
from tests.submissions import submit

SURVEY = "/facilitator/surveys/test-child"

# What each child chose, by band: counts of 10 or more, so nearly every figure is shown (each is
# its exact count perturbed by its cell key, then rounded).
YOUNGER = ["happy"] * 15 + ["sad"] * 10
OLDER = ["very_happy"] * 10 + ["happy"] * 10 + ["sad"] * 10 + ["very_sad"] * 10


@pytest.fixture
def app(app_each_db: Flask) -> Flask:
    return app_each_db


@pytest.fixture
def download(app, facilitator, make_distribution, worker):
    suffolk = make_distribution()
    for band, chosen in (("8-11", YOUNGER), ("12-17", OLDER)):
        for face in chosen:
            submit(app, suffolk, age_band=band, went="yes", feel=face)
    worker()
    close_periods(app)
    answer = facilitator.get(f"{SURVEY}/aggregates.csv?council=Suffolk")
    return rows_of(answer)


def feel_rows(rows: list[dict[str, str]], band: str) -> dict[str, tuple[str, str, str]]:
    return {
        row["option"]: (row["count"], row["option_label"], row["direction"])
        for row in rows
        if row["council"] == "Suffolk" and row["question"] == "feel" and row["age_band"] == band
    }


def test_each_band_is_counted_on_its_own_scale_in_its_own_words(app, download):
    database = app.extensions["database"]
    younger = expected_counts(
        database, "Suffolk", "feel", ("sad", "okay", "happy", "dont_know"), age_band="8-11"
    )
    older = expected_counts(
        database,
        "Suffolk",
        "feel",
        ("very_sad", "sad", "okay", "happy", "very_happy", "dont_know"),
        age_band="12-17",
    )

    assert feel_rows(download, "8-11") == {
        "sad": (younger["sad"], "Not good", "negative"),
        "okay": (younger["okay"], "OK", "neutral"),
        "happy": (younger["happy"], "Good", "positive"),
        "dont_know": (younger["dont_know"], "I don't know", ""),
    }
    assert feel_rows(download, "12-17") == {
        "very_sad": (older["very_sad"], "Really bad", "negative"),
        "sad": (older["sad"], "Bad", "negative"),
        "okay": (older["okay"], "OK", "neutral"),
        "happy": (older["happy"], "Good", "positive"),
        "very_happy": (older["very_happy"], "Really good", "positive"),
        "dont_know": (older["dont_know"], "I don't know", ""),
    }


def test_across_bands_a_banded_scale_is_published_only_as_its_directions(app, download):
    feel = load_directory(TEST_SURVEYS)["test-child"].question("feel")

    def direction(option: str, band: str) -> str | None:
        found = feel.direction(option, band)
        return str(found) if found is not None else option

    # Each direction's count is its members' (every band's children together), perturbed by
    # their cell keys.
    database = app.extensions["database"]
    expected = expected_counts(
        database, "Suffolk", "feel", ("negative", "positive"), as_option=direction
    )

    across = feel_rows(download, "all")

    assert set(across) == {"negative", "neutral", "positive", "dont_know"}
    assert across["positive"] == (expected["positive"], "Positive answers", "positive")
    assert across["negative"] == (expected["negative"], "Negative answers", "negative")
    (row,) = [
        r
        for r in download
        if r["age_band"] == "all" and r["question"] == "feel" and r["option"] == "positive"
    ]
    assert row["base"] == expected_base(database, "Suffolk", "feel")
    # % positive from the published (rounded) count and base, as every percentage is.
    assert row["percent"] == DisclosureRules().percent(int(row["count"]), int(row["base"]))
    assert "by-direction" in row["note"]


def test_a_question_whose_bands_share_their_words_is_added_up_by_option(app, download):
    went = {
        row["option"]: row["count"]
        for row in download
        if row["question"] == "went" and row["age_band"] == "all"
    }

    database = app.extensions["database"]
    assert went["yes"] == expected_counts(database, "Suffolk", "went", ("yes",))["yes"]


def test_responses_carry_the_option_id_and_the_words_of_the_band_and_language_seen(
    app, research_admin, make_distribution, worker
):
    # Linked rows are the research extract: a deployment's setting, for admins (issue 10).
    suffolk = make_distribution()
    for _ in range(10):
        submit(app, suffolk, age_band="8-11", went="yes", feel="sad")
        submit(app, suffolk, age_band="12-17", went="yes", feel="sad")
        submit(app, suffolk, age_band="8-11", language="pl", went="yes", feel="dont_know")
    worker()
    close_periods(app)

    rows = rows_of(research_admin.get(f"{SURVEY}/research-extract.csv"))

    seen = Counter((r["age_band"], r["language"], r["feel"], r["feel_words"]) for r in rows)
    assert seen == {
        ("8-11", "en", "sad", "Not good"): 10,
        ("12-17", "en", "sad", "Bad"): 10,
        ("8-11", "pl", "dont_know", "Nie wiem"): 10,
    }


def test_a_band_a_few_responses_away_from_its_council_is_left_out_and_says_why(
    app, facilitator, make_distribution, worker
):
    suffolk = make_distribution()
    for _ in range(20):
        submit(app, suffolk, age_band="12-17", went="yes", feel="happy")
    for _ in range(3):  # the council minus the older children would be these three
        submit(app, suffolk, age_band="8-11", went="yes", feel="sad")
    worker()
    close_periods(app)

    answer = facilitator.get(f"{SURVEY}/aggregates.csv?council=Suffolk")

    rows = rows_of(answer)
    older = [r for r in rows if r["age_band"] == "12-17"]
    assert older and {(r["count"], r["note"]) for r in older} == {("x", "too-close")}
    assert {r["note"] for r in rows if r["age_band"] == "8-11"} == {"small-base"}
    went = [r for r in rows if r["age_band"] == "all" and r["question"] == "went"]
    database = app.extensions["database"]
    # 23, perturbed by their cell keys and rounded.
    expected = expected_counts(database, "Suffolk", "went", ("yes",))["yes"]
    assert {r["option"]: r["count"] for r in went}["yes"] == expected
