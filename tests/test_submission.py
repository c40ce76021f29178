"""Send: a draft becomes exactly one response, on SQLite and on PostgreSQL alike."""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from survey_app import operations
from survey_app.clock import clock_of
from survey_app.models import Draft, FreeText, SurveyResponse
from survey_app.respondent import drafts, journey, submission
from survey_app.respondent.journey import AGE_KEY
from tests.conftest import make_council

COMPLETE = {AGE_KEY: "12-17", "went": "yes", "feel": "okay", "times": 2, "better": "call 0800 1111"}


@pytest.fixture
def send_app(app_each_db: Flask) -> Flask:
    return app_each_db


def make_draft(app: Flask, answers: dict[str, Any]) -> tuple[int, str]:
    vault = app.extensions["vault"]
    definition = app.extensions["surveys"]["test-child"]
    with app.extensions["database"].session() as session:
        make_council(session, "Suffolk")
        distribution = operations.create_distribution(session, "test-child", "Suffolk", "CP")
        draft, token = drafts.start_draft(
            session, vault, distribution.id, "pl", False, dt.timedelta(hours=1)
        )
        drafts.write_draft(
            vault, draft, drafts.DraftState(answers, journey.steps(definition, answers))
        )
        session.commit()
        return distribution.id, token


def send(app: Flask, distribution_id: int, token: str, sent: list[int]) -> submission.Outcome:
    with app.extensions["database"].session() as session:
        # Look the distribution up first, as the view does, so the session is already in use.
        session.execute(select(func.count(Draft.id)))
        return submission.send_draft(
            session,
            app.extensions["surveys"]["test-child"],
            distribution_id,
            token,
            app.extensions["vault"],
            sent.append,
            sent_at=clock_of(app).now(),
        )


def saved(app: Flask) -> list[SurveyResponse]:
    with app.extensions["database"].session() as session:
        return list(session.scalars(select(SurveyResponse)))


def test_a_complete_draft_becomes_one_response_and_is_enqueued(send_app: Flask) -> None:
    distribution_id, token = make_draft(send_app, dict(COMPLETE))
    sent: list[int] = []
    outcome = send(send_app, distribution_id, token, sent)
    assert outcome.status == submission.SENT and outcome.language == "pl"
    [response] = saved(send_app)
    assert sent == [response.id] == [outcome.response_id]
    assert response.answers["better"] == "written" and response.age_band == "12-17"
    with send_app.extensions["database"].session() as session:
        free_text = session.scalars(select(FreeText)).one()
        assert send_app.extensions["vault"].open(free_text.ciphertext) == "call 0800 1111"
        assert session.scalar(select(func.count(Draft.id))) == 0
    again = send(send_app, distribution_id, token, sent)
    assert again.status == submission.ALREADY_SENT and len(saved(send_app)) == 1


def test_a_draft_sent_as_the_submit_page_sends_it_is_saved_with_its_text_encrypted(
    send_app: Flask,
) -> None:
    # The page passes the function that makes its session, and the engine: on PostgreSQL a
    # draft that raised no concern is sent without one.
    distribution_id, token = make_draft(send_app, dict(COMPLETE))
    database = send_app.extensions["database"]
    made: list[Session] = []

    def page_session() -> Session:
        made.append(database.sessions())
        return made[-1]

    sent: list[int] = []
    outcome = submission.send_draft(
        page_session,
        send_app.extensions["surveys"]["test-child"],
        distribution_id,
        token,
        send_app.extensions["vault"],
        sent.append,
        sent_at=clock_of(send_app).now(),
        engine=database.engine,
    )
    for session in made:
        session.close()
    assert outcome.status == submission.SENT and sent == [outcome.response_id]
    assert len(made) == (0 if database.engine.dialect.name == "postgresql" else 1)
    [response] = saved(send_app)
    assert response.id == outcome.response_id and response.answers["better"] == "written"
    with database.session() as session:
        free_text = session.scalars(select(FreeText)).one()
        assert send_app.extensions["vault"].open(free_text.ciphertext) == "call 0800 1111"
        assert session.scalar(select(func.count(Draft.id))) == 0


def test_an_incomplete_draft_is_kept_and_points_at_the_missing_question(send_app: Flask) -> None:
    distribution_id, token = make_draft(send_app, {AGE_KEY: "8-11"})
    outcome = send(send_app, distribution_id, token, [])
    assert outcome.status == submission.INCOMPLETE and outcome.missing_step == "went"
    assert saved(send_app) == []
    with send_app.extensions["database"].session() as session:
        assert session.scalar(select(func.count(Draft.id))) == 1


def test_an_expired_draft_is_reported_as_expired_not_as_sent(send_app: Flask) -> None:
    distribution_id, token = make_draft(send_app, dict(COMPLETE))
    with send_app.extensions["database"].session() as session:
        session.execute(update(Draft).values(expires_at=dt.datetime(2000, 1, 1)))
        session.commit()
    assert send(send_app, distribution_id, token, []).status == submission.EXPIRED
    assert saved(send_app) == []


def test_sending_the_same_draft_from_many_threads_at_once_saves_it_once(send_app: Flask) -> None:
    distribution_id, token = make_draft(send_app, dict(COMPLETE))
    sent: list[int] = []
    with ThreadPoolExecutor(max_workers=6) as pool:
        outcomes = list(pool.map(lambda _: send(send_app, distribution_id, token, sent), range(6)))
    assert sorted(outcome.status for outcome in outcomes).count(submission.SENT) == 1
    assert len(saved(send_app)) == 1 and len(sent) == 1
