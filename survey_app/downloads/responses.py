"""responses.csv: one row per anonymised response, for councils at or above the minimum base."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..definitions.model import SurveyDefinition
from ..journey import WRITTEN
from ..models import Council, Distribution, FreeText, Response
from ..privacy.disclosure import DisclosureRules
from ..privacy.disclosure.ledger import lock_publishing, published_groups, record_publication
from .groups import GroupFilter, councils_for, requested_groups, responses_query, settle_groups


def response_columns(definition: SurveyDefinition) -> list[str]:
    return [
        "response",
        "survey",
        "council",
        "distribution",
        "month",
        "language",
        "age_band",
        *[question.id for question in definition.questions],
    ]


@dataclass(frozen=True)
class PublishedResponses:
    """The anonymised responses a user may have: which ones, and how to find them."""

    definition: SurveyDefinition
    council_ids: list[int]
    members: frozenset[int]
    chosen: GroupFilter
    distribution_id: int | None


def publish_responses(
    session: Session,
    definition: SurveyDefinition,
    council_ids: Iterable[int] | None,
    chosen: GroupFilter,
    requested_by_id: int | None,
) -> PublishedResponses:
    """Check and record the anonymised responses a user asked for; the caller commits, then
    streams `response_rows`.

    Only councils with at least the minimum base of responses in the download are included (a
    council's rows are its children's answers and words). Raises like `publish_aggregates`.
    """
    rules = DisclosureRules.of(definition)
    lock_publishing(session, definition.id)
    visible = None if council_ids is None else list(council_ids)
    councils, distribution_id = councils_for(session, definition, visible, chosen)
    groups = requested_groups(
        session, definition, councils, chosen, distribution_id, anonymised=True
    )
    scope = f"{chosen.describe()} (anonymised responses)"
    groups = settle_groups(groups, published_groups(session, definition.id), rules, scope)
    members: set[int] = set()
    for group in groups:
        if len(group.members) >= rules.minimum_base:
            members |= group.members
            record_publication(
                session, definition.id, group.members, f"{group.name}, {scope}", requested_by_id
            )
    return PublishedResponses(
        definition,
        [group.council_id for group in groups],
        frozenset(members),
        chosen,
        distribution_id,
    )


def response_rows(session: Session, published: PublishedResponses) -> Iterator[list[object]]:
    """One row per published anonymised response; free text only in redacted form, never raw."""
    definition = published.definition
    if not published.members:
        return
    query = (
        responses_query(
            definition,
            published.council_ids,
            published.chosen,
            published.distribution_id,
            Response,
            Council.name,
            Distribution.label,
            anonymised=True,
        )
        .join(Council, Distribution.council_id == Council.id)
        # No order by id: the order responses arrived in is itself a clue to who sent them, and
        # ties would otherwise come back in id order, so shuffle within a day.
        .order_by(Council.name, Distribution.label, Response.submitted_on, func.random())
        .execution_options(yield_per=500)
    )
    texts_query = (
        select(FreeText.response_id, FreeText.question_id, FreeText.redacted)
        .join(Response, FreeText.response_id == Response.id)
        .join(Distribution, Response.distribution_id == Distribution.id)
        .where(Distribution.survey_id == definition.id, FreeText.redacted.is_not(None))
    )
    texts: dict[tuple[int, str], str] = {
        (response_id, question_id): redacted
        for response_id, question_id, redacted in session.execute(texts_query)
        if response_id in published.members
    }
    number = 0
    for response, council, label in session.execute(query):
        if response.id not in published.members:
            continue  # in a council below the minimum, held back, or newer than the record
        number += 1
        row: list[object] = [
            number,
            definition.id,
            council,
            label,
            response.submitted_on.strftime("%Y-%m"),
            response.language,
            response.age_band,
        ]
        for question in definition.questions:
            value = response.answers.get(question.id, "")
            if value == WRITTEN:
                value = texts.get((response.id, question.id), "")
            elif isinstance(value, list):
                value = ";".join(map(str, value))
            row.append(value)
        yield row
