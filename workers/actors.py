"""Thin actors: each takes a response id, calls the domain function, and commits."""

from __future__ import annotations

import dramatiq

from survey_app import processing

from . import runtime
from .broker import broker  # noqa: F401  (the broker must be set before actors are declared)

QUEUE = "responses"


@dramatiq.actor(queue_name=QUEUE, max_retries=8, min_backoff=500, max_backoff=60_000)
def anonymise_response(response_id: int) -> None:
    """Redact a response's free text and destroy the raw text."""
    with runtime.database().session() as session:
        processing.anonymise_response(session, runtime.vault(), response_id, runtime.settings())
        session.commit()


@dramatiq.actor(queue_name=QUEUE, max_retries=8, min_backoff=500, max_backoff=60_000)
def aggregate_response(response_id: int) -> None:
    """Add a response to the counts, exactly once."""
    with runtime.database().session() as session:
        processing.aggregate_response(session, response_id)
        session.commit()


def enqueue_processing(response_id: int) -> None:
    """Send one message that processes a saved response: anonymise it, then count it.

    A pipeline keeps the web request to one broker call; the worker sends the second step when
    the first succeeds, and the sweeper catches a response whose second step never came.
    """
    dramatiq.pipeline(
        [
            anonymise_response.message(response_id),
            aggregate_response.message_with_options(args=(response_id,), pipe_ignore=True),
        ]
    ).run()
