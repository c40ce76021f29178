"""What the workers still owe, as the sweeper reads and records it: the step each unprocessed
response needs next, how far behind processing is, and which workers are alive.

Takes a session and never commits (the sweeper does)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from enum import StrEnum

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from .models import Response, WorkerHeartbeat


class NextStep(StrEnum):
    """What an unprocessed response still needs."""

    PROCESS = "process"  # both: anonymised, then counted
    ANONYMISE = "anonymise"
    AGGREGATE = "aggregate"


def next_steps(session: Session, response_ids: Iterable[int]) -> dict[int, NextStep]:
    """The step each of the responses needs next (a response already done is left out)."""
    rows = session.execute(
        select(Response.id, Response.anonymised, Response.aggregated).where(
            Response.id.in_(sorted(response_ids))
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
