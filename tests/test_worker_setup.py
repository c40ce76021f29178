"""The workers' set-up: the broker is the one named by the settings of whoever makes the app or
starts the worker, and nothing is sent before it is set up."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import dramatiq
import pytest
import redis
from dramatiq.brokers.redis import RedisBroker
from flask import Flask

from survey_app import operations
from survey_app.models import SurveyResponse
from tests.conftest import DRAIN_TIMEOUT_MS, make_council
from tests.submissions import submit
from workers.actors import QUEUE


@pytest.fixture
def stub_broker_afterwards() -> Iterator[None]:
    """Put the stub broker back for the tests that follow (each app sets its own up anyway)."""
    yield
    from workers.setup import use_broker

    use_broker("stub://")


def test_an_app_made_with_a_redis_url_sends_answers_through_that_redis_to_a_worker(
    make_app: Callable[..., Flask], redis_server: Any, stub_broker_afterwards: None
) -> None:
    url = redis_server.url_for_db(7)
    redis.Redis.from_url(url).flushdb()
    app = make_app(BROKER_URL=url)
    with app.extensions["database"].session() as session:
        make_council(session, "Suffolk")
        where = operations.create_distribution(session, "test-child", "Suffolk", "Reviews")
        session.commit()

    response_id = submit(app, where, went="yes")

    broker = dramatiq.get_broker()
    assert isinstance(broker, RedisBroker)
    worker = dramatiq.Worker(broker, worker_threads=1, worker_timeout=100)
    worker.start()
    try:
        # Bounded like every drain: a worker that never takes the message fails, not hangs.
        broker.join(QUEUE, timeout=DRAIN_TIMEOUT_MS)
        worker.join()
    finally:
        worker.stop()
    assert aggregated(app, response_id)


def aggregated(app: Flask, response_id: int) -> bool:
    with app.extensions["database"].session() as session:
        return bool(session.get_one(SurveyResponse, response_id).aggregated)


def test_a_message_sent_before_any_broker_is_set_up_is_refused_not_lost() -> None:
    from workers.broker import NotSetUp

    unbound = dramatiq.actor(
        lambda response_id: None, broker=NotSetUp(), actor_name="never_sent", queue_name="q"
    )

    with pytest.raises(RuntimeError, match="no broker is set up to send 'never_sent' to"):
        unbound.send(1)
