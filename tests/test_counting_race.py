"""On PostgreSQL the worker stores a response's redactions and counts it in one statement: a
response counted meanwhile by another message, counted first by another path, delivered twice,
processed by two workers at once, or with an answer held back, still ends up anonymised, its
raw text destroyed, counted exactly once in every published count, its concern kept."""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select, text, update
from sqlalchemy.orm import Session

from survey_app import aggregating, anonymising, backlog
from survey_app.clock import clock_of
from survey_app.downloads.groups import counted_versions
from survey_app.models import (
    AnswerCount,
    AuditEvent,
    Concern,
    ConcernText,
    Distribution,
    DistributionTotal,
    FreeText,
    PeriodCount,
    QuestionBase,
    SurveyResponse,
)
from tests.conftest import POSTGRESQL_ONLY, TEST_SURVEYS
from tests.programmes import SHIPPED
from tests.submissions import submit
from workers.actors import aggregate_response, process_response

pytestmark = POSTGRESQL_ONLY

RISKY = "my step dad hits me with the belt when mum is at work and i dont want to go home tonight"
# How long a thread may take to reach a lock it must wait on before the test fails.
LOCK_WAIT_SECONDS = 60


@pytest.fixture
def app_settings(tmp_path: Path) -> dict[str, Any]:
    """The test child survey, and the shipped practitioners' feedback (two written answers)."""
    surveys = tmp_path / "surveys"
    surveys.mkdir()
    shutil.copy(TEST_SURVEYS / "test-child.yaml", surveys)
    shutil.copy(SHIPPED / "programme-feedback.yaml", surveys)
    return {"SURVEY_DIR": str(surveys)}


@pytest.fixture
def app(app_each_db: Flask) -> Flask:
    return app_each_db


@pytest.fixture
def child_response(app: Flask, make_distribution: Callable[..., Distribution]) -> int:
    """A child's saved response with a written answer that raises a concern, its message held
    back (each test processes it as it says)."""
    return submit(
        app,
        make_distribution(),
        went="yes",
        feel="okay",
        times="1",
        better=RISKY,
        enqueue=lambda _id: None,
    )


@pytest.fixture
def harmless_response(app: Flask, make_distribution: Callable[..., Distribution]) -> int:
    """A child's saved response with a written answer that raises no concern, its message held
    back."""
    return submit(
        app,
        make_distribution(),
        went="yes",
        feel="okay",
        better="more time to talk to Jo Bloggs",
        enqueue=lambda _id: None,
    )


@pytest.fixture
def unwritten_response(app: Flask, make_distribution: Callable[..., Distribution]) -> int:
    """A child's saved response without a written answer, its message held back."""
    return submit(
        app,
        make_distribution(),
        went="no",
        why_not=["scared"],
        feel="sad",
        enqueue=lambda _id: None,
    )


@pytest.fixture
def counted_combined(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Whether each of the worker's anonymising steps counted the response in its own statement
    (the real step runs; this only records what it reported)."""
    reported: list[bool] = []
    real = anonymising.anonymise_response

    def recorded(*args: Any, **kwargs: Any) -> bool:
        done = real(*args, **kwargs)
        counting = args[5] if len(args) > 5 else kwargs.get("counting")
        if counting is not None:
            reported.append(counting.counted)
        return done

    monkeypatch.setattr(anonymising, "anonymise_response", recorded)
    return reported


# What a user would notice -----------------------------------------------------------------------


def assert_counted_once(app: Flask, response_id: int) -> None:
    """The response is in every published count exactly once (the only response in the
    database): each answer's count, each question's base, the responses' total, its period's
    counts, and its council's bitmap of counted responses."""
    with app.extensions["database"].session() as session:
        response = session.get(SurveyResponse, response_id)
        assert response is not None
        assert response.aggregated and not response.superseded and not response.late
        distribution = session.get(Distribution, response.distribution_id)
        assert distribution is not None
        cells = {
            (question, str(option))
            for question, chosen in response.answers.items()
            for option in (chosen if isinstance(chosen, list) else [chosen])
        }
        questions = set(response.answers)
        assert cells and questions

        answer_counts = {
            (question, option): count
            for question, option, count in session.execute(
                select(AnswerCount.question_id, AnswerCount.option, AnswerCount.count)
            )
        }
        bases = dict(session.execute(select(QuestionBase.question_id, QuestionBase.base)).all())
        totals = list(session.scalars(select(DistributionTotal.responses)))
        period_counts = {
            (str(kind), question, option): count
            for kind, question, option, count in session.execute(
                select(
                    PeriodCount.kind, PeriodCount.question_id, PeriodCount.option, PeriodCount.count
                )
            )
        }
        members = counted_versions(session, distribution.survey_id, [distribution.council_id])

    assert answer_counts == dict.fromkeys(cells, 1)
    assert bases == dict.fromkeys(questions, 1)
    assert totals == [1]
    assert period_counts == {
        ("responses", "", ""): 1,
        **{("cell", question, option): 1 for question, option in cells},
        **{("base", question, ""): 1 for question in questions},
    }
    assert members[distribution.council_id][1] == frozenset({response_id})


def assert_anonymised(app: Flask, response_id: int, failed_attempts: int = 0) -> None:
    """Every written answer redacted once, its raw text destroyed (and audited once), the
    response anonymised and waiting for nothing, no other failure counted against it."""
    with app.extensions["database"].session() as session:
        response = session.get(SurveyResponse, response_id)
        assert response is not None
        assert response.anonymised
        assert response.processing_attempts == failed_attempts
        assert backlog.unprocessed_response_ids(session) == []
        texts = session.execute(
            select(FreeText.id, FreeText.ciphertext, FreeText.redacted, FreeText.held_back).where(
                FreeText.response_id == response_id
            )
        ).all()
        destroyed = session.execute(
            select(AuditEvent.subject, func.count())
            .where(AuditEvent.event == "raw_text_destroyed")
            .group_by(AuditEvent.subject)
        ).all()
    assert all(ciphertext is None for _, ciphertext, _, _ in texts)
    assert all(redacted is not None and not held for _, _, redacted, held in texts)
    assert dict(destroyed) == {f"free_text:{free_text_id}": 1 for free_text_id, *_ in texts}


def assert_concern_kept(app: Flask, response_id: int) -> None:
    """One concern for the response, and the child's words in it for the safeguarding lead."""
    vault = app.extensions["vault"]
    with app.extensions["database"].session() as session:
        concerns = list(
            session.scalars(select(Concern.id).where(Concern.response_id == response_id))
        )
        assert len(concerns) == 1
        words = [
            vault.open(sealed)
            for sealed in session.scalars(
                select(ConcernText.ciphertext).where(ConcernText.concern_id == concerns[0])
            )
        ]
    assert words == [RISKY]


def count_on_its_own(app: Flask, session: Session, response_id: int) -> bool:
    """Count a response as the counting actor does (`aggregating.count_response`), in session."""
    publication = {
        survey_id: definition.publication
        for survey_id, definition in app.extensions["surveys"].items()
    }
    return aggregating.count_response(session, response_id, publication, clock_of(app).now())


# Threads and locks ------------------------------------------------------------------------------


class Running:
    """Work on a thread of its own (with its own database session); `join` re-raises its error."""

    def __init__(self, work: Callable[[], object]) -> None:
        self.error: BaseException | None = None

        def run() -> None:
            try:
                work()
            except BaseException as error:  # handed to the test's thread
                self.error = error

        self.thread = threading.Thread(target=run, daemon=True)
        self.thread.start()

    def join(self) -> None:
        self.thread.join(timeout=LOCK_WAIT_SECONDS)
        assert not self.thread.is_alive(), "the thread never finished"
        if self.error is not None:
            raise self.error


def wait_until_waiting(app: Flask, waiting: int, *running: Running) -> None:
    """Wait until this many of the database's sessions are waiting for a row lock (so the
    threads are where the test put them); fail if a thread ended or never got there."""
    deadline = time.monotonic() + LOCK_WAIT_SECONDS
    with app.extensions["database"].engine.connect() as connection:
        while True:
            found = connection.execute(
                text(
                    "select count(*) from pg_stat_activity "
                    "where datname = current_database() and wait_event_type = 'Lock'"
                )
            ).scalar_one()
            connection.rollback()  # a new snapshot of the activity each time
            if found >= waiting:
                return
            for thread in running:
                assert thread.thread.is_alive(), f"a thread ended before waiting: {thread.error!r}"
            assert time.monotonic() < deadline, f"{found} of {waiting} sessions waited on a lock"
            time.sleep(0.01)


class RowHolder:
    """A transaction of the test's own that locks a response's row until released, as another
    worker busy with the response would."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def hold(self, response_id: int) -> None:
        self.session.execute(
            select(SurveyResponse.id).where(SurveyResponse.id == response_id).with_for_update()
        )

    def release(self) -> None:
        self.session.rollback()


@pytest.fixture
def holder(app: Flask) -> Iterator[RowHolder]:
    with app.extensions["database"].session() as session:
        try:
            yield RowHolder(session)
        finally:
            session.rollback()


# One worker, in turn --------------------------------------------------------------------------


def test_a_response_with_written_answers_is_redacted_and_counted_once_in_one_statement(
    app: Flask, child_response: int, counted_combined: list[bool]
) -> None:
    process_response.fn(child_response)

    assert counted_combined == [True]  # the one statement counted it
    assert_anonymised(app, child_response)
    assert_counted_once(app, child_response)
    assert_concern_kept(app, child_response)


def test_a_response_counted_on_its_own_first_is_still_anonymised_and_not_counted_again(
    app: Flask, child_response: int, counted_combined: list[bool]
) -> None:
    aggregate_response.fn(child_response)  # the counting message ran first
    process_response.fn(child_response)

    assert counted_combined == [False]
    assert_anonymised(app, child_response)
    assert_counted_once(app, child_response)
    assert_concern_kept(app, child_response)


@pytest.mark.parametrize("counted_first", [False, True])
def test_a_response_without_written_answers_is_anonymised_and_counted_once(
    app: Flask, unwritten_response: int, counted_first: bool
) -> None:
    if counted_first:
        aggregate_response.fn(unwritten_response)
    process_response.fn(unwritten_response)
    process_response.fn(unwritten_response)  # delivered again

    assert_anonymised(app, unwritten_response)
    assert_counted_once(app, unwritten_response)


def test_a_message_delivered_again_changes_nothing(
    app: Flask, child_response: int, counted_combined: list[bool]
) -> None:
    process_response.fn(child_response)
    process_response.fn(child_response)

    assert counted_combined == [True, False]
    assert_anonymised(app, child_response)
    assert_counted_once(app, child_response)
    assert_concern_kept(app, child_response)


def test_an_answer_held_back_keeps_the_response_waiting_until_it_is_redacted_counted_once(
    app: Flask, make_distribution: Callable[..., Distribution]
) -> None:
    """One of two written answers cannot be read (it is held back, still encrypted): the other
    is redacted, the response counted, but not marked anonymised; once the answer can be read,
    the retry redacts it and marks the response anonymised, counting nothing again."""
    response_id = submit(
        app,
        make_distribution(survey_id="programme-feedback", label="Programme feedback"),
        professional_development="good",
        most_useful="the sessions with Jo Bloggs",
        could_be_better="call me on 07700 900412",
        enqueue=lambda _id: None,
    )
    database = app.extensions["database"]
    with database.session() as session:
        sealed = session.scalar(
            select(FreeText.ciphertext).where(FreeText.question_id == "could_be_better")
        )
        session.execute(
            update(FreeText)
            .where(FreeText.question_id == "could_be_better")
            .values(ciphertext=b"not a sealed text")
        )
        session.commit()

    process_response.fn(response_id)

    with database.session() as session:
        response = session.get(SurveyResponse, response_id)
        assert response is not None
        assert (response.anonymised, response.aggregated) == (False, True)
        assert backlog.unprocessed_response_ids(session) == [response_id]
        texts = {
            question: (ciphertext is None, redacted, held)
            for question, ciphertext, redacted, held in session.execute(
                select(
                    FreeText.question_id,
                    FreeText.ciphertext,
                    FreeText.redacted,
                    FreeText.held_back,
                )
            )
        }
    assert texts == {
        "most_useful": (True, "the sessions with [NAME]", False),
        "could_be_better": (False, None, True),  # never published, still encrypted
    }
    assert_counted_once(app, response_id)

    with database.session() as session:  # the answer can be read again
        session.execute(
            update(FreeText)
            .where(FreeText.question_id == "could_be_better")
            .values(ciphertext=sealed)
        )
        session.commit()
    process_response.fn(response_id)

    with database.session() as session:
        redacted = set(session.scalars(select(FreeText.redacted)))
    assert redacted == {"the sessions with [NAME]", "call me on [PHONE]"}
    assert_anonymised(app, response_id, failed_attempts=1)  # the attempt that held it back
    assert_counted_once(app, response_id)


# At the same time -----------------------------------------------------------------------------


def test_a_response_counted_by_another_message_meanwhile_is_still_anonymised_counted_once(
    app: Flask, child_response: int, counted_combined: list[bool]
) -> None:
    """The counting message claims the response while the worker is anonymising it: the
    worker's statement then counts nothing, and the worker still marks it anonymised."""
    with app.extensions["database"].session() as other:
        assert count_on_its_own(app, other, child_response)  # not committed yet: row locked
        worker = Running(lambda: process_response.fn(child_response))
        wait_until_waiting(app, 1, worker)  # read it uncounted, now waits to count it
        other.commit()
    worker.join()

    assert counted_combined == [False]  # its statement found it counted: the fallback ran
    assert_anonymised(app, child_response)
    assert_counted_once(app, child_response)
    assert_concern_kept(app, child_response)


def test_a_response_counted_on_its_own_while_the_worker_counts_it_is_counted_once(
    app: Flask, child_response: int
) -> None:
    """The other order: the worker's statement has counted the response, not yet committed,
    when the counting message comes for it; that message then counts nothing."""
    database = app.extensions["database"]
    publication = {
        survey_id: definition.publication
        for survey_id, definition in app.extensions["surveys"].items()
    }
    counting = aggregating.Counting(publication, clock_of(app).now())
    with database.session() as session:
        assert anonymising.anonymise_response(
            session, app.extensions["vault"], child_response, app.config, [], counting
        )
        assert counting.counted
        counter = Running(lambda: aggregate_response.fn(child_response))
        wait_until_waiting(app, 1, counter)
        session.commit()
    counter.join()

    assert_anonymised(app, child_response)
    assert_counted_once(app, child_response)
    assert_concern_kept(app, child_response)


@pytest.mark.parametrize("made", ["child_response", "harmless_response", "unwritten_response"])
def test_two_workers_processing_one_response_at_once_anonymise_and_count_it_once(
    app: Flask, request: pytest.FixtureRequest, made: str, holder: RowHolder
) -> None:
    """The first worker has begun (locked the response's answers, if it has any) and waits on
    the response's row, which another transaction holds, when the second starts: the second
    waits for the first, then finds nothing left to do."""
    response_id: int = request.getfixturevalue(made)
    holder.hold(response_id)
    first = Running(lambda: process_response.fn(response_id))
    wait_until_waiting(app, 1, first)
    second = Running(lambda: process_response.fn(response_id))
    wait_until_waiting(app, 2, first, second)
    holder.release()
    first.join()
    second.join()

    assert_anonymised(app, response_id)
    assert_counted_once(app, response_id)
    if made == "child_response":
        assert_concern_kept(app, response_id)
    if made == "harmless_response":
        with app.extensions["database"].session() as session:
            assert session.scalar(select(FreeText.redacted)) == "more time to talk to [NAME]"
            assert session.scalar(select(func.count(Concern.id))) == 0
