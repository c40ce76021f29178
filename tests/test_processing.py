"""Workers: free text anonymised then destroyed, counts added exactly once, nothing ever lost."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from survey_app import aggregating, anonymising, backlog
from survey_app.background import background_work
from survey_app.db import Database
from survey_app.models import (
    AnswerCount,
    Distribution,
    DistributionTotal,
    FreeText,
    QuestionBase,
    SurveyResponse,
)
from tests.conftest import Child, empty_broker, running_worker


def answer_survey(client: FlaskClient, code: str, better: str = "", went: str = "yes") -> None:
    child = Child(client, code)
    child.start()
    child.answer(_age_band="12-17")
    child.answer(went=went)
    if went == "no":
        child.answer(why_not=["scared"])
    child.answer(feel="okay")
    child.answer(times="1")
    child.answer(better=better)
    child.send()
    client.delete_cookie("draft", path=f"/s/{code}")


def counts(database: Database) -> dict[tuple[str, str], int]:
    with database.session() as session:
        rows = session.execute(
            select(
                AnswerCount.question_id, AnswerCount.option, func.sum(AnswerCount.count)
            ).group_by(AnswerCount.question_id, AnswerCount.option)
        ).all()
    return {(question, option): int(total) for question, option, total in rows}


def total(database: Database) -> int:
    with database.session() as session:
        return int(session.scalar(select(func.sum(DistributionTotal.responses))) or 0)


def test_the_worker_redacts_free_text_and_destroys_the_raw_text(
    client: FlaskClient,
    distribution: Distribution,
    database: Database,
    worker: Callable[[], None],
) -> None:
    answer_survey(client, distribution.code, better="text me on 07700 900412 or jo@example.com")
    worker()
    with database.session() as session:
        free_text = session.scalars(select(FreeText)).one()
        assert free_text.redacted == "text me on [PHONE] or [EMAIL]"
        assert free_text.ciphertext is None
        assert free_text.raw_destroyed_on is not None
        response = session.scalars(select(SurveyResponse)).one()
        assert response.anonymised and response.aggregated


def test_the_worker_counts_each_answer_per_council_question_and_option(
    client: FlaskClient,
    distribution: Distribution,
    database: Database,
    worker: Callable[[], None],
) -> None:
    answer_survey(client, distribution.code, went="yes")
    answer_survey(client, distribution.code, went="no")
    answer_survey(client, distribution.code, went="no", better="more time")
    worker()
    found = counts(database)
    assert found[("went", "yes")] == 1
    assert found[("went", "no")] == 2
    assert found[("why_not", "scared")] == 2
    assert found[("better", "written")] == 1
    assert found[("times", "1")] == 3
    assert total(database) == 3
    with database.session() as session:
        bases = dict(
            session.execute(
                select(QuestionBase.question_id, func.sum(QuestionBase.base)).group_by(
                    QuestionBase.question_id
                )
            ).all()
        )
    assert bases["went"] == 3 and bases["why_not"] == 2 and bases["better"] == 1


def test_a_message_delivered_twice_is_counted_once(
    client: FlaskClient,
    distribution: Distribution,
    database: Database,
    worker: Callable[[], None],
) -> None:
    from workers.actors import aggregate_response, anonymise_response

    answer_survey(client, distribution.code)
    worker()
    with database.session() as session:
        response_id = session.scalar(select(SurveyResponse.id))
    aggregate_response.send(response_id)
    aggregate_response.send(response_id)
    anonymise_response.send(response_id)
    worker()
    assert counts(database)[("went", "yes")] == 1
    assert total(database) == 1


def test_a_worker_dying_half_way_leaves_nothing_counted_and_the_retry_counts_once(
    app: Flask,
    client: FlaskClient,
    distribution: Distribution,
    database: Database,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    answer_survey(client, distribution.code)
    with database.session() as session:
        response_id = session.scalar(select(SurveyResponse.id))

    with database.session() as session:
        real_execute = session.execute
        calls = {"n": 0}

        def dies_after_the_first_counts(*args: Any, **kwargs: Any) -> Any:
            calls["n"] += 1
            if calls["n"] == 4:  # claim, read, answer counts... then the worker is killed
                raise RuntimeError("worker killed")
            return real_execute(*args, **kwargs)

        session.execute = dies_after_the_first_counts  # type: ignore[method-assign]
        with pytest.raises(RuntimeError):
            aggregating.aggregate_response(session, response_id)
            session.commit()
    assert counts(database) == {}
    with database.session() as session:
        assert session.get(SurveyResponse, response_id).aggregated is False

    with database.session() as session:
        assert aggregating.aggregate_response(session, response_id) is True
        session.commit()
    with database.session() as session:
        assert aggregating.aggregate_response(session, response_id) is False
        session.commit()
    assert counts(database)[("went", "yes")] == 1


def test_anonymising_twice_changes_nothing(
    client: FlaskClient, distribution: Distribution, database: Database, app: Flask
) -> None:
    answer_survey(client, distribution.code, better="ring 07700 900412")
    vault = app.extensions["vault"]
    with database.session() as session:
        response_id = session.scalar(select(SurveyResponse.id))
        assert anonymising.anonymise_response(session, vault, response_id, app.config) is True
        session.commit()
    with database.session() as session:
        assert anonymising.anonymise_response(session, vault, response_id, app.config) is False
        session.commit()
        assert session.scalars(select(FreeText)).one().redacted == "ring [PHONE]"


def test_raw_and_redacted_text_can_never_sit_side_by_side(
    client: FlaskClient, distribution: Distribution, database: Database
) -> None:
    from sqlalchemy.exc import IntegrityError

    answer_survey(client, distribution.code, better="hello")
    with database.session() as session:
        free_text = session.scalars(select(FreeText)).one()
        free_text.redacted = "hello"
        with pytest.raises(IntegrityError):
            session.commit()


def test_a_child_is_thanked_and_nothing_is_lost_when_the_broker_is_down(
    app: Flask,
    client: FlaskClient,
    distribution: Distribution,
    database: Database,
    worker: Callable[[], None],
) -> None:
    def broker_down(response_id: int) -> None:
        raise ConnectionError("broker unreachable")

    background_work(app).process_response = broker_down
    child = Child(client, distribution.code)
    child.start()
    child.answer(_age_band="8-11")
    child.answer(went="yes")
    child.answer(feel="happy")
    child.answer(times="3")
    child.answer(better="call 07700 900412")
    thanks = child.send()
    assert thanks.status_code == 200 and "Thank you" in thanks.text
    worker()
    with database.session() as session:
        assert backlog.unprocessed_response_ids(session) != []

    from workers.sweeper import sweep

    sweep()
    worker()
    with database.session() as session:
        assert backlog.unprocessed_response_ids(session) == []
        assert session.scalars(select(FreeText)).one().redacted == "call [PHONE]"
    assert counts(database)[("went", "yes")] == 1


def test_responses_sent_together_in_one_message_are_each_redacted_and_counted_once(
    app: Flask,
    client: FlaskClient,
    distribution: Distribution,
    database: Database,
    worker: Callable[[], None],
) -> None:
    from workers.actors import enqueue_processing_of

    saved: list[int] = []
    background_work(app).process_response = saved.append  # held back, as the web's hand-off does
    answer_survey(client, distribution.code, went="yes", better="ring 07700 900412")
    answer_survey(client, distribution.code, went="no")
    answer_survey(client, distribution.code, went="yes")
    assert len(saved) == 3
    enqueue_processing_of(saved)
    worker()
    enqueue_processing_of(saved)  # a batch redelivered: nothing counted twice
    worker()
    with database.session() as session:
        assert backlog.unprocessed_response_ids(session) == []
        assert session.scalars(select(FreeText)).one().redacted == "ring [PHONE]"
    assert counts(database)[("went", "yes")] == 2
    assert counts(database)[("went", "no")] == 1
    assert total(database) == 3


def test_after_an_outage_the_sweeper_sends_waiting_responses_a_few_to_a_message(
    app: Flask,
    client: FlaskClient,
    distribution: Distribution,
    database: Database,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import dramatiq

    from workers import actors, sweeper
    from workers.setup import use_broker

    broker = use_broker("stub://")
    monkeypatch.setattr(sweeper, "RESEND_BATCH", 2)
    background_work(app).process_response = lambda response_id: None  # the broker was down
    empty_broker()
    answer_survey(client, distribution.code, went="yes", better="ring 07700 900412")
    answer_survey(client, distribution.code, went="no")
    answer_survey(client, distribution.code, went="yes")

    with database.session() as session:
        waiting = sorted(backlog.unprocessed_response_ids(session))
    sweeper.sweep()
    queue = broker.queues[actors.QUEUE]
    assert queue.qsize() == 2  # three responses, two to a message
    sent = [dramatiq.Message.decode(queue.get_nowait()) for _ in range(2)]
    for message in sent:  # what the worker runs for each message
        getattr(actors, message.actor_name).fn(*message.args)
    assert sorted(str(message.args) for message in sent) == sorted(
        [str((waiting[:2],)), str((waiting[2],))]
    )
    sweeper.sweep()  # nothing waits now: nothing is sent again
    assert queue.qsize() == 0
    with database.session() as session:
        assert backlog.unprocessed_response_ids(session) == []
        assert session.scalars(select(FreeText)).one().redacted == "ring [PHONE]"
    assert counts(database)[("went", "yes")] == 2
    assert counts(database)[("went", "no")] == 1
    assert total(database) == 3
    empty_broker()


def test_the_periodic_sweep_only_resends_what_stayed_stuck_for_a_whole_interval(
    app: Flask,
    client: FlaskClient,
    distribution: Distribution,
    database: Database,
) -> None:
    from workers.actors import QUEUE
    from workers.setup import use_broker
    from workers.sweeper import sweep

    broker = use_broker("stub://")

    background_work(app).process_response = lambda response_id: None  # the message was lost
    empty_broker()
    answer_survey(client, distribution.code)
    with database.session() as session:
        stuck = session.scalar(select(SurveyResponse.id))
    assert sweep(only=set()) == {stuck}  # first sighting: remembered, not re-sent
    assert broker.queues[QUEUE].qsize() == 0
    sweep(only={stuck})
    assert broker.queues[QUEUE].qsize() == 1  # one message: anonymise, then count
    empty_broker()


def test_a_worker_stopped_with_messages_in_hand_leaves_the_next_worker_a_queue_it_can_drain() -> (
    None
):
    """A stopped worker's prefetched messages are neither done nor queued; the next test's drain
    must not wait for them (it once hung the whole suite until CI gave up)."""
    import time

    import dramatiq

    from workers.actors import QUEUE
    from workers.setup import use_broker

    broker = use_broker("stub://")

    done: list[int] = []

    def pause(number: int) -> None:
        time.sleep(0.2)
        done.append(number)

    slow = dramatiq.actor(pause, queue_name=QUEUE, actor_name="test_pause", broker=broker)
    first = running_worker()
    next(first)
    for number in range(6):
        slow.send(number)
    time.sleep(0.3)  # one message in hand, more prefetched
    first.close()
    assert len(done) < 6  # stopped with messages left over

    second = running_worker()
    drain = next(second)
    slow.send(99)
    drain()  # returns: nothing left over from the first worker to wait for
    second.close()
    assert 99 in done
