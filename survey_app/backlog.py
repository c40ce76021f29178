"""What the workers still owe: the responses saved but not finished with, how often each has
failed and when one that keeps failing is tried again, the step each needs next, how far behind
processing is, and which workers are alive.

Takes a session and never commits (the worker and the sweeper do)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from enum import StrEnum
from typing import Any

from sqlalchemy import Select, func, select, update
from sqlalchemy.orm import Session

from .models import UNPROCESSED, SurveyResponse, WorkerHeartbeat


def unprocessed_response_ids(session: Session, limit: int = 10_000) -> list[int]:
    """Responses saved but not yet both anonymised and counted."""
    return list(
        session.scalars(
            select(SurveyResponse.id).where(UNPROCESSED).order_by(SurveyResponse.id).limit(limit)
        )
    )


def count_failed_attempt(session: Session, response_id: int) -> int:
    """Record that processing the response failed once more; returns its failures so far."""
    session.execute(
        update(SurveyResponse)
        .where(SurveyResponse.id == response_id)
        .values(processing_attempts=SurveyResponse.processing_attempts + 1)
    )
    return int(
        session.scalar(
            select(SurveyResponse.processing_attempts).where(SurveyResponse.id == response_id)
        )
        or 0
    )


def unprocessed_attempts(session: Session) -> dict[int, int]:
    """Failed attempts so far of each unprocessed response that failed at least once."""
    rows = session.execute(
        select(SurveyResponse.id, SurveyResponse.processing_attempts).where(
            UNPROCESSED,
            SurveyResponse.processing_attempts > 0,
        )
    )
    return {response_id: attempts for response_id, attempts in rows}


def held_back_responses(max_attempts: int) -> Select[Any]:
    """How many unprocessed responses failed max_attempts times or more: these are held back
    (unpublished) and tried again only now and then."""
    return select(func.count(SurveyResponse.id)).where(
        UNPROCESSED,
        SurveyResponse.processing_attempts >= max_attempts,
    )


def retry_delay(attempts: int, max_attempts: int, interval: float) -> float:
    """Seconds to wait before trying a response again: each sweep until it is held back, then
    doubling with each further failure (up to a day), so one bad response cannot load the
    workers or fill the logs."""
    if attempts < max_attempts:
        return 0.0
    return min(interval * 2 ** (attempts - max_attempts + 1), 86_400.0)


class NextStep(StrEnum):
    """What an unprocessed response still needs."""

    PROCESS = "process"  # both: anonymised, then counted
    ANONYMISE = "anonymise"
    AGGREGATE = "aggregate"


def next_steps(session: Session, response_ids: Iterable[int]) -> dict[int, NextStep]:
    """The step each of the responses needs next (a response already done is left out)."""
    rows = session.execute(
        select(SurveyResponse.id, SurveyResponse.anonymised, SurveyResponse.aggregated).where(
            SurveyResponse.id.in_(sorted(response_ids))
        )
    )
    steps = {}
    for response_id, anonymised, aggregated in rows:
        if not anonymised and not aggregated:
            steps[response_id] = NextStep.PROCESS
        elif not anonymised:
            steps[response_id] = NextStep.ANONYMISE
        elif not aggregated:
            steps[response_id] = NextStep.AGGREGATE
    return steps


def record_heartbeat(session: Session, worker: str, now: dt.datetime) -> None:
    """Record that the worker named worker is alive."""
    row = session.get(WorkerHeartbeat, worker)
    if row is None:
        session.add(WorkerHeartbeat(name=worker, seen_at=now))
    else:
        row.seen_at = now


def record_oldest_unprocessed(session: Session, worker: str, oldest: dt.datetime | None) -> None:
    """Record since when the oldest response the worker saw unprocessed has waited (for
    /healthz)."""
    session.execute(
        update(WorkerHeartbeat)
        .where(WorkerHeartbeat.name == worker)
        .values(oldest_unprocessed_seen_at=oldest)
    )
