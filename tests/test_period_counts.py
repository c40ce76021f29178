"""A closed period's counts kept by the worker (`PeriodCount`) publish exactly what counting the
period's answers one by one publishes: the same CSV, byte for byte, on both databases."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import replace
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import delete

from survey_app.cli import PROJECT_ROOT
from survey_app.clock import clock_of
from survey_app.db import make_engine
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
            replace(group, settlement=Settlement(group.requested))
            for group in requested_groups(session, definition, councils, chosen, None)
        ]
        counts, bases, keys, served = closed_period_counts(
            session, definition, groups, chosen, None
        )
        expected = counts_from_answers(session, definition, groups, chosen, None, by_part=True)

    assert served == {group.council_id for group in groups}
    assert (counts, bases, keys) == tuple(dict(found) for found in expected)


# (id, distribution, period, age band, answers, superseded, late, cell key), stored before 0019.
STORED = [
    (1, 1, "2026-Q3", "8-11", {"feel": "happy", "went": "yes"}, False, False, 10),
    (2, 1, "2026-Q3", "8-11", {"feel": "happy"}, False, False, 20),
    (3, 1, "2026-Q3", "12-17", {"why_not": ["school", "scared", "school"]}, False, False, 30),
    (4, 1, "2026-Q3", "8-11", {"feel": "sad"}, True, False, 40),  # replaced: no cells
    (5, 1, "2026-Q3", "8-11", {"feel": "sad"}, False, True, 50),  # late: not in the period
    (6, 2, "2026-Q4", "", {"feel": "okay"}, False, False, 60),
]


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Any) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'periods.db'}"
    return str(
        request.getfixturevalue("postgres_server").create_database(
            f"periods_{uuid.uuid4().hex[:8]}"
        )
    )


def test_the_migration_fills_each_periods_counts_from_the_responses_counted_in_time(
    database_url: str,
) -> None:
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.attributes["database_url"] = database_url
    config.attributes["configure_logging"] = False
    command.upgrade(config, "0018")
    engine = make_engine(database_url)
    with engine.begin() as connection:
        run = connection.execute
        run(
            sa.text(
                "insert into surveys (id, version, audience, title, checksum, source) values "
                "('child', 1, 'child', 'C', 'x', 'id: child')"
            )
        )
        run(sa.text("insert into councils (id, name) values (1, 'Suffolk'), (2, 'Norfolk')"))
        run(
            sa.text(
                "insert into distributions (id, code, survey_id, council_id, label, wave, "
                "created_on) values (1, 'a', 'child', 1, 'A', '', :on), "
                "(2, 'b', 'child', 2, 'B', '', :on)"
            ),
            {"on": dt.date(2026, 1, 1)},
        )
        for number, distribution, period, band, answers, superseded, late, key in STORED:
            run(
                sa.text(
                    "insert into responses (id, distribution_id, survey_version, submitted_on, "
                    "period, language, age_band, answers, anonymised, aggregated, wave, "
                    "superseded, late, cell_key, processing_attempts) values (:id, "
                    ":distribution, 1, :day, :period, 'en', :band, :answers, true, true, '', "
                    ":superseded, :late, :key, 0)"
                ),
                {
                    "id": number,
                    "distribution": distribution,
                    "day": dt.date(2026, 8, 1),
                    "period": period,
                    "band": band,
                    "answers": json.dumps(answers),
                    "superseded": superseded,
                    "late": late,
                    "key": key,
                },
            )
    command.upgrade(config, "0019")
    with engine.connect() as connection:
        found = {
            (d, c, period, band, kind, q, o): (n, k)
            for d, c, period, band, kind, q, o, n, k in connection.execute(
                sa.text(
                    "select distribution_id, council_id, period, age_band, kind, question_id, "
                    "option, count, key_sum from period_counts"
                )
            )
        }
    engine.dispose()

    q3, q4 = (1, 1, "2026-Q3"), (2, 2, "2026-Q4")
    assert found == {
        (*q3, "8-11", "responses", "", ""): (3, 70),  # 1, 2 and the replaced 4
        (*q3, "12-17", "responses", "", ""): (1, 30),
        (*q3, "8-11", "cell", "feel", "happy"): (2, 30),
        (*q3, "8-11", "cell", "went", "yes"): (1, 10),
        (*q3, "8-11", "base", "feel", ""): (2, 30),
        (*q3, "8-11", "base", "went", ""): (1, 10),
        (*q3, "12-17", "cell", "why_not", "school"): (1, 30),  # chosen twice, counted once
        (*q3, "12-17", "cell", "why_not", "scared"): (1, 30),
        (*q3, "12-17", "base", "why_not", ""): (1, 30),
        (*q4, "", "responses", "", ""): (1, 60),
        (*q4, "", "cell", "feel", "okay"): (1, 60),
        (*q4, "", "base", "feel", ""): (1, 60),
    }


def test_written_answers_give_every_councils_counts_as_its_answers_do_however_often_sent(
    app: Flask, make_distribution: Any, worker: Any
) -> None:
    """Responses with written answers are redacted and counted in one go (on PostgreSQL, one
    statement): in time, late, and with their messages delivered twice, the counts are still
    exactly the answers' and every written answer is redacted once."""
    from sqlalchemy import func, select

    from survey_app.models import AuditEvent, FreeText, SurveyResponse
    from workers.actors import process_response

    for council in ("Suffolk", "Norfolk"):
        distribution = make_distribution(council_name=council, label=f"CP conferences, {council}")
        for number in range(12):
            went = ("yes", "no")[number % 4 == 0]
            submit(app, distribution, went=went, feel=FACES[number % 5], better="call Jo")
    norfolk = make_distribution(council_name="Norfolk", label="CP conferences, Norfolk")
    late = [
        submit(app, norfolk, went="no", feel="okay", better="ring 07700 900412", enqueue=print)
        for _ in range(3)
    ]
    worker()
    close_periods(app)
    for response_id in late * 2:  # counted after the period closed, and delivered twice
        process_response.fn(response_id)
    with app.extensions["database"].session() as session:
        ids = list(session.scalars(select(SurveyResponse.id)))
    for response_id in ids:  # every message delivered again: nothing changes
        process_response.fn(response_id)

    definition = app.extensions["surveys"]["test-child"]
    chosen = GroupFilter(asked_at=clock_of(app).now())
    with app.extensions["database"].session() as session:
        councils, _ = councils_for(session, definition, None, chosen)
        groups = [
            replace(group, settlement=Settlement(group.requested))
            for group in requested_groups(session, definition, councils, chosen, None)
        ]
        counts, bases, keys, _ = closed_period_counts(session, definition, groups, chosen, None)
        expected = counts_from_answers(session, definition, groups, chosen, None, by_part=True)
        responses = session.execute(
            select(SurveyResponse.anonymised, SurveyResponse.aggregated, SurveyResponse.late)
        ).all()
        texts = session.execute(select(FreeText.redacted, FreeText.ciphertext)).all()
        destroyed = session.scalar(
            select(func.count()).where(AuditEvent.event == "raw_text_destroyed")
        )

    assert (counts, bases, keys) == tuple(dict(found) for found in expected)
    assert sum(counts.values()) > 0
    assert all(anonymised and aggregated for anonymised, aggregated, _ in responses)
    assert sum(late for _, _, late in responses) == 3
    assert len(texts) == 27 and destroyed == 27
    assert {redacted for redacted, _ in texts} == {"call [NAME]", "ring [PHONE]"}
    assert all(ciphertext is None for _, ciphertext in texts)
