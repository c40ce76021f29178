"""A closed period's counts kept by the worker (`PeriodCount`) publish exactly what counting the
period's answers one by one publishes: the same CSV, byte for byte, on both databases."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import delete

from survey_app.clock import clock_of
from survey_app.downloads.counting import closed_period_counts, counts_from_answers
from survey_app.downloads.groups import GroupFilter, councils_for, requested_groups
from survey_app.models import PeriodCount
from survey_app.privacy.disclosure import Settlement
from tests.conftest import close_periods
from tests.submissions import submit
from workers.actors import aggregate_response

COUNTS = "/facilitator/surveys/test-child/aggregates.csv"
FACES = ["happy", "sad", "okay", "very_happy", "very_sad"]


@pytest.fixture
def app(app_each_db: Flask) -> Flask:
    return app_each_db


def answer_in_two_councils(app: Flask, make_distribution: Any) -> list[int]:
    """Children of both age bands in two councils, in one period; returns five responses whose
    processing is held back until after the period closed."""
    for council in ("Suffolk", "Norfolk"):
        distribution = make_distribution(council_name=council, label=f"CP conferences, {council}")
        for number in range(36):
            band = "8-11" if number % 3 == 0 else "12-17"
            feel = FACES[number % 5] if band == "12-17" else ("happy", "sad")[number % 2]
            went = ("yes", "no")[number % 4 == 0]
            submit(app, distribution, age_band=band, went=went, feel=feel)
    norfolk = make_distribution(council_name="Norfolk", label="CP conferences, Norfolk")
    return [
        submit(app, norfolk, went="no", feel="okay", enqueue=lambda _id: None) for _ in range(5)
    ]


def test_a_closed_periods_counts_from_the_periods_rows_are_the_csv_counted_from_its_answers(
    app: Flask, facilitator: FlaskClient, make_distribution: Any, worker: Any
) -> None:
    late = answer_in_two_councils(app, make_distribution)
    worker()
    close_periods(app)
    for response_id in late:  # counted only after the period closed: in no published table
        aggregate_response(response_id)
    read = facilitator.get(COUNTS)
    from_rows = read.get_data()  # streamed: read whole before the next request
    assert read.status_code == 200 and from_rows.count(b"\n") > 20

    with app.extensions["database"].session() as session:
        session.execute(delete(PeriodCount))  # nothing to read: counted from the answers
        session.commit()
    counted = facilitator.get(COUNTS)
    from_answers = counted.get_data()

    assert counted.status_code == 200
    assert from_rows == from_answers


def test_the_periods_rows_give_every_councils_counts_exactly_as_its_answers_do(
    app: Flask, make_distribution: Any, worker: Any
) -> None:
    late = answer_in_two_councils(app, make_distribution)
    worker()
    close_periods(app)
    for response_id in late:
        aggregate_response(response_id)
    definition = app.extensions["surveys"]["test-child"]
    chosen = GroupFilter(asked_at=clock_of(app).now())
    with app.extensions["database"].session() as session:
        councils, _ = councils_for(session, definition, None, chosen)
        groups = [
            group.__class__(
                group.council_id, group.name, group.requested, Settlement(group.requested)
            )
            for group in requested_groups(session, definition, councils, chosen, None)
        ]
        counts, bases, keys, served = closed_period_counts(
            session, definition, groups, chosen, None
        )
        expected = counts_from_answers(session, definition, groups, chosen, None, by_part=True)

    assert served == {group.council_id for group in groups}
    assert (counts, bases, keys) == tuple(dict(found) for found in expected)
