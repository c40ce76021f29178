"""The figures staff pages and the health check show about the service: responses per survey and
distribution (rounded for staff like published counts), what is held back, and how processing
keeps up. Each query takes a session and, where it matters, the councils a user may see."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import Select, func, select, text
from sqlalchemy.orm import Session

from .backlog import held_back_responses
from .models import (
    UNPROCESSED,
    Council,
    Distribution,
    DistributionTotal,
    FreeText,
    SurveyResponse,
    WorkerHeartbeat,
)
from .privacy.disclosure import DisclosureRules


def counter_in_words(count: int, rules: DisclosureRules) -> str:
    """A response count as staff see it: rounded like a published count, and never exact below
    the minimum base ("fewer than 10"), so watching it change cannot tell one child's answers
    apart from the next."""
    if count < rules.minimum_base:
        return f"fewer than {rules.minimum_base}"
    return str(rules.rounded(count))


Query = TypeVar("Query", bound="Select[*tuple[Any, ...]]")


def _within(query: Query, scope: list[int] | None) -> Query:
    return query if scope is None else query.where(Distribution.council_id.in_(scope))


def responses_by_survey(session: Session, scope: list[int] | None) -> dict[str, int]:
    """Responses counted so far per survey id, in the councils of scope (None: all)."""
    query = (
        select(Distribution.survey_id, func.coalesce(func.sum(DistributionTotal.responses), 0))
        .outerjoin(DistributionTotal, DistributionTotal.distribution_id == Distribution.id)
        .group_by(Distribution.survey_id)
    )
    return {survey_id: int(total) for survey_id, total in session.execute(_within(query, scope))}


def survey_distributions(
    session: Session, survey_id: str, scope: list[int] | None
) -> list[tuple[Distribution, int]]:
    """The survey's distributions in scope, by council and label, each with its responses."""
    # Totals are kept per age band and wave: a distribution's responses are their sum.
    total = (
        select(func.coalesce(func.sum(DistributionTotal.responses), 0))
        .where(DistributionTotal.distribution_id == Distribution.id)
        .scalar_subquery()
    )
    query = (
        select(Distribution, total)
        .join(Council, Distribution.council_id == Council.id)
        .where(Distribution.survey_id == survey_id)
        .order_by(Council.name, Distribution.label)
    )
    return [
        (distribution, int(total)) for distribution, total in session.execute(_within(query, scope))
    ]


def distribution_responses(session: Session, distribution: Distribution) -> int:
    """Responses counted so far for one distribution."""
    total = session.scalar(
        select(func.sum(DistributionTotal.responses)).where(
            DistributionTotal.distribution_id == distribution.id
        )
    )
    return int(total or 0)


@dataclass(frozen=True)
class HeldBack:
    """What of a survey is left out of every download for now: free-text answers whose
    anonymisation failed, and responses that failed processing too often."""

    answers: int
    responses: int


def survey_held_back(
    session: Session, survey_id: str, scope: list[int] | None, max_attempts: int
) -> HeldBack:
    """What of the survey's responses in scope is held back (see `HeldBack`)."""
    answers = (
        select(func.count(FreeText.id))
        .join(SurveyResponse, FreeText.response_id == SurveyResponse.id)
        .join(Distribution, SurveyResponse.distribution_id == Distribution.id)
        .where(Distribution.survey_id == survey_id, FreeText.held_back.is_(True))
    )
    responses = (
        held_back_responses(max_attempts)
        .join(Distribution, SurveyResponse.distribution_id == Distribution.id)
        .where(Distribution.survey_id == survey_id)
    )
    return HeldBack(
        int(session.scalar(_within(answers, scope)) or 0),
        int(session.scalar(_within(responses, scope)) or 0),
    )


@dataclass(frozen=True)
class Processing:
    """How the workers keep up, for the health check."""

    unprocessed_responses: int
    held_back_answers: int
    held_back_responses: int
    newest_heartbeat: dt.datetime | None
    # When the oldest unprocessed response was first seen by a live worker (None: none waits).
    oldest_unprocessed_seen_at: dt.datetime | None


def processing(session: Session, max_attempts: int, live_since: dt.datetime) -> Processing:
    """The backlog, what is held back, and the heartbeats of workers seen since live_since.
    Raises the database's error if it cannot be read (the health check reports it)."""
    session.execute(text("select 1"))
    backlog = session.scalar(select(func.count(SurveyResponse.id)).where(UNPROCESSED))
    answers = session.scalar(select(func.count(FreeText.id)).where(FreeText.held_back.is_(True)))
    return Processing(
        unprocessed_responses=int(backlog or 0),
        held_back_answers=int(answers or 0),
        held_back_responses=int(session.scalar(held_back_responses(max_attempts)) or 0),
        newest_heartbeat=session.scalar(select(func.max(WorkerHeartbeat.seen_at))),
        oldest_unprocessed_seen_at=session.scalar(
            select(func.min(WorkerHeartbeat.oldest_unprocessed_seen_at)).where(
                WorkerHeartbeat.seen_at >= live_since
            )
        ),
    )
