"""Typed text that could stall the pipeline or break a file: cleaned at the door, and whatever
still fails in the worker is held back, reported and retried slowly, never quoted in a log."""

from __future__ import annotations

import datetime as dt
import io
import logging
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy import select, update

from survey_app import aggregating, anonymising, backlog, exports, operations
from survey_app.inputs import normalise_text
from survey_app.models import (
    AnswerCount,
    Distribution,
    FreeText,
    SurveyResponse,
    WorkerHeartbeat,
    utcnow,
)
from survey_app.privacy.redaction import Redaction
from survey_app.spreadsheets import Sheet, write_xlsx
from tests.conftest import (
    POSTGRESQL_ONLY,
    Child,
    HttpsClient,
    csrf_token,
    empty_broker,
    make_council,
    running_worker,
    sign_in,
)
from tests.submissions import submit

SECRET = "Call my nan Jessica on 07700 900412"


@pytest.fixture
def app_settings() -> dict[str, Any]:
    return {"PROCESSING_MAX_ATTEMPTS": 2}


@pytest.fixture
def postgres_app(app_each_db: Flask) -> Flask:
    """The app on PostgreSQL, for the tests marked POSTGRESQL_ONLY."""
    return app_each_db


@pytest.fixture
def pg_worker(postgres_app: Flask) -> Iterator[Callable[[], None]]:
    """The in-process worker, serving the PostgreSQL app (made first)."""
    yield from running_worker()


def client_of(app: Flask) -> FlaskClient:
    app.test_client_class = HttpsClient
    return app.test_client()


def make_distribution(app: Flask) -> Distribution:
    with app.extensions["database"].session() as session:
        make_council(session, "Suffolk")
        made = operations.create_distribution(session, "test-child", "Suffolk", "Reviews")
        session.commit()
        return made


def signed_in(app: Flask) -> FlaskClient:
    with app.extensions["database"].session() as session:
        operations.create_user(session, "lead@example.org", "correct horse battery staple", "admin")
        session.commit()
    client = client_of(app)
    assert sign_in(client, "lead@example.org").status_code == 302
    return client


def log_text(caplog: pytest.LogCaptureFixture) -> str:
    """Everything logged, tracebacks included, as an operator would read it."""
    formatter = logging.Formatter()
    return "\n".join(formatter.format(record) for record in caplog.records)


# The one rule ---------------------------------------------------------------------------------


def test_control_characters_go_line_breaks_and_tabs_stay_and_accents_are_composed() -> None:
    assert normalise_text("hello\x00world\x01\x1b[2J\x7f\x85") == "helloworld[2J"
    assert normalise_text("line one\r\nline two\tend") == "line one\r\nline two\tend"
    assert normalise_text("Sio\u0302n") == "Siôn"  # o + combining circumflex, as some phones send
    assert normalise_text("\ud800lone surrogate") == "lone surrogate"


def test_a_council_name_and_label_are_cleaned_the_same_way_on_the_cli_and_the_page(
    make_app: Callable[..., Flask],
) -> None:
    app = make_app()
    with app.extensions["database"].session() as session:
        assert operations.create_council(session, " Suffo\x00lk ").name == "Suffolk"
        made = operations.create_distribution(
            session, "test-child", "suffo\x00lk", "CP\x07 confere\u0301nces"
        )
        session.commit()
        assert (made.council.name, made.label) == ("Suffolk", "CP conferénces")


# A NUL byte through the whole journey on PostgreSQL ---------------------------------------------


@POSTGRESQL_ONLY
def test_an_answer_with_a_nul_byte_is_stored_anonymised_and_counted_on_postgresql(
    postgres_app: Flask, pg_worker: Callable[[], None]
) -> None:
    child = Child(client_of(postgres_app), make_distribution(postgres_app).code)
    child.start()
    child.answer(_age_band="12-17")
    child.answer(went="yes")
    child.answer(feel="happy")
    child.answer(times="2")
    child.answer(better="hello\x00world my name is Jessica Smith and I live at 12 Oak Road")
    assert "Thank you" in child.send().text

    pg_worker()

    with postgres_app.extensions["database"].session() as session:
        saved = session.scalars(select(SurveyResponse)).one()
        assert saved.anonymised and saved.aggregated
        [text] = session.scalars(select(FreeText)).all()
        assert text.ciphertext is None and text.redacted is not None
        assert text.redacted.startswith("helloworld my name is")
        assert "\x00" not in text.redacted and "Jessica" not in text.redacted
        counted = session.scalar(
            select(AnswerCount.count).where(
                AnswerCount.question_id == "better", AnswerCount.option == "written"
            )
        )
        assert counted == 1


# Files and failure messages ----------------------------------------------------------------------


def test_a_control_character_in_an_answer_does_not_break_a_spreadsheet() -> None:
    target = io.BytesIO()
    write_xlsx(
        [
            Sheet(
                "Coun\x01ts",
                ["answer"],
                [["bell\x07 and escape\x1b[0m"], ["=1+1\x02"]],
                ["n\x0bote"],
            )
        ],
        target,
    )
    book = load_workbook(io.BytesIO(target.getvalue()))
    assert book.sheetnames == ["Counts"]
    rows = list(book["Counts"].iter_rows(values_only=True))
    assert rows[1:3] == [("bell and escape[0m",), ("'=1+1",)]
    assert rows[-1] == ("note",)


def test_a_failed_export_never_quotes_an_answer_on_its_page_in_the_api_or_in_the_log(
    make_app: Callable[..., Flask],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    worker: Callable[[], None],
) -> None:
    from workers import actors
    from workers.actors import EXPORT_QUEUE
    from workers.setup import use_broker

    broker = use_broker("stub://")

    app = make_app(RESEARCH_EXTRACT=True)  # exports are the research extract as a file
    where = make_distribution(app)
    for _ in range(10):
        submit(app, where, went="yes", better=SECRET)
    worker()
    client = signed_in(app)
    token = csrf_token(client.get("/facilitator/surveys/test-child").text)

    def quotes_the_answer(*args: object, **kwargs: object) -> None:
        raise ValueError(f"{SECRET} cannot be used in worksheets.")

    monkeypatch.setattr(exports.building, "write_export", quotes_the_answer)
    monkeypatch.setattr(
        actors.build_export,
        "options",
        {**actors.build_export.options, "min_backoff": 10, "max_backoff": 50},
    )
    caplog.set_level(logging.DEBUG)
    asked = client.post(
        "/facilitator/surveys/test-child/exports", data={"csrf_token": token, "format": "xlsx"}
    )
    export_id = int(asked.headers["Location"].rsplit("/", 1)[1])
    broker.join(EXPORT_QUEUE)  # tried, retried by the broker, then failed for good
    worker()

    status_page = client.get(f"/facilitator/exports/{export_id}").text
    assert "The export failed" in status_page
    with app.extensions["database"].session() as session:
        made = operations.create_api_token(session, "lead@example.org")
        session.commit()
    status = client.get(f"/api/v1/exports/{export_id}", headers={"Authorization": f"Bearer {made}"})
    assert status.json["status"] == "failed" and "ValueError" in status.json["error"]
    logged = log_text(caplog)
    assert "ValueError" in logged and "Retrying" in logged  # the broker's own lines too
    for shown in (status_page, status.text, logged):
        assert "Jessica" not in shown and "07700" not in shown


# Whatever still fails in the worker ---------------------------------------------------------------


@POSTGRESQL_ONLY
def test_a_response_that_keeps_failing_is_held_back_reported_and_never_logged(
    postgres_app: Flask,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The redaction cannot be stored (a NUL byte on PostgreSQL: the database error quotes the
    statement's parameters), twice: the response is held back and nothing logged quotes it."""
    from workers import actors

    response_id = submit(
        postgres_app,
        make_distribution(postgres_app),
        went="yes",
        better=SECRET,
        enqueue=lambda response_id: None,
    )
    monkeypatch.setattr(
        anonymising, "anonymise", lambda text, settings: Redaction(text + "\x00", ())
    )
    caplog.set_level(logging.DEBUG)

    with pytest.raises(actors.ProcessingFailed):
        actors.anonymise_response(response_id)  # the first failure: the broker tries again soon
    actors.anonymise_response(response_id)  # the second: held back, no more retries

    with postgres_app.extensions["database"].session() as session:
        held = session.get_one(SurveyResponse, response_id)
        assert (held.anonymised, held.processing_attempts) == (False, 2)
        assert session.scalars(select(FreeText)).one().redacted is None
    logged = log_text(caplog)
    assert f"response {response_id}" in logged and "DataError" in logged
    assert "Jessica" not in logged and "07700" not in logged and "[PHONE]" not in logged

    client = client_of(postgres_app)
    health = client.get("/healthz").json
    assert health["processing"]["held_back_responses"] == 1
    assert health["status"] == "degraded"
    survey_page = signed_in(postgres_app).get("/facilitator/surveys/test-child").text
    assert "Some responses are held back" in survey_page
    assert "1 response could not be processed" in survey_page


def test_an_exception_quoting_the_answer_is_logged_by_its_kind_only(
    make_app: Callable[..., Flask],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    worker: Callable[[], None],
) -> None:
    app = make_app(PROCESSING_MAX_ATTEMPTS=2)
    submit(app, make_distribution(app), went="yes", better=SECRET)

    def fails(session: object, response_id: int, **_: object) -> bool:
        raise RuntimeError(f"could not count {SECRET}")

    monkeypatch.setattr(aggregating, "aggregate_response", fails)
    caplog.set_level(logging.DEBUG)
    worker()  # retried once by the broker, then held back

    logged = log_text(caplog)
    assert "RuntimeError" in logged and "held back" in logged
    assert "Jessica" not in logged and "07700" not in logged
    with app.extensions["database"].session() as session:
        assert session.scalars(select(SurveyResponse.processing_attempts)).one() == 2


def test_a_held_back_response_is_sent_again_on_a_slowing_schedule_not_every_sweep(
    make_app: Callable[..., Flask],
) -> None:
    from workers.actors import QUEUE
    from workers.setup import use_broker
    from workers.sweeper import RetrySchedule, sweep

    broker = use_broker("stub://")

    app = make_app(PROCESSING_MAX_ATTEMPTS=2)
    empty_broker()
    where = make_distribution(app)
    stuck = submit(app, where, went="yes", enqueue=lambda response_id: None)
    held = submit(app, where, went="no", enqueue=lambda response_id: None)
    with app.extensions["database"].session() as session:
        session.execute(
            update(SurveyResponse).where(SurveyResponse.id == held).values(processing_attempts=2)
        )
        session.commit()

    sweep()
    sweep()
    assert broker.queues[QUEUE].qsize() == 2  # the stuck one, twice: one message a sweep
    messages = [broker.queues[QUEUE].get_nowait() for _ in range(2)]
    assert {m.decode().count(f"[{stuck}]") for m in messages} == {1}
    empty_broker()

    schedule = RetrySchedule()
    assert not schedule.may_send(held, 2, 60, now=0)
    assert not schedule.may_send(held, 2, 60, now=59)
    assert schedule.may_send(held, 2, 60, now=61)
    assert not schedule.may_send(held, 3, 120, now=62)  # failed again: wait twice as long
    assert schedule.may_send(held, 3, 120, now=183)
    assert backlog.retry_delay(1, 2, 30) == 0
    assert backlog.retry_delay(2, 2, 30) < backlog.retry_delay(3, 2, 30)
    assert backlog.retry_delay(40, 2, 30) == 86_400


# The backlog's age ------------------------------------------------------------------------------


def test_health_is_degraded_when_the_oldest_unprocessed_response_waited_too_long(
    make_app: Callable[..., Flask],
) -> None:
    from workers import sweeper

    app = make_app(BACKLOG_DEGRADED_SECONDS=300)
    client = client_of(app)
    submit(app, make_distribution(app), went="yes", enqueue=lambda response_id: None)
    sweeper.beat(sweeper.worker_name())
    sweeper.sweep(waiting_since=sweeper.WaitingSince())

    fresh = client.get("/healthz").json
    assert fresh["processing"]["oldest_unprocessed_seconds"] is not None
    assert fresh["processing"]["oldest_unprocessed_seconds"] < 300
    assert fresh["status"] == "ok"

    with app.extensions["database"].session() as session:
        session.execute(
            update(WorkerHeartbeat).values(
                oldest_unprocessed_seen_at=utcnow() - dt.timedelta(minutes=10)
            )
        )
        session.commit()
    stale = client.get("/healthz").json
    assert stale["processing"]["oldest_unprocessed_seconds"] >= 600
    assert stale["status"] == "degraded"
    empty_broker()
