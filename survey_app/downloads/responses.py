"""responses.csv: one row per anonymised response, for councils at or above the minimum base."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row, Select, func, select
from sqlalchemy.orm import Session

from ..answers import WRITTEN
from ..definitions.model import SurveyDefinition
from ..models import Council, Distribution, FreeText, Publication, SurveyResponse
from ..privacy.disclosure import Audit, DisclosureRules, generalise, notes, publishing
from .groups import GroupFilter, requested_download, responses_query

ALL_HIDDEN = (notes.HIDDEN,) * 4
# Responses read (and free texts fetched) at a time: well under SQLite's limit on bound values.
BATCH_SIZE = 1000


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
    publications: tuple[Publication, ...] = ()


def publish_responses(
    session: Session,
    definition: SurveyDefinition,
    council_ids: Iterable[int] | None,
    chosen: GroupFilter,
    requested_by_id: int | None,
    *,
    audit: Audit | None = None,
) -> PublishedResponses:
    """Check and record the anonymised responses a user asked for; the caller commits, then
    streams `response_rows`.

    Only councils with at least the minimum base of responses in the download are included (a
    council's rows are its children's answers and words). Raises like `publish_aggregates`.
    """
    rules = DisclosureRules.of(definition)
    visible = None if council_ids is None else list(council_ids)
    scope = f"{chosen.describe_period(definition.publication)} (anonymised responses)"
    with publishing(session, definition.id, rules, requested_by_id, audit=audit) as unit:
        groups, distribution_id = requested_download(
            unit, definition, visible, chosen, scope, anonymised=True
        )
        shown = [group for group in groups if len(group.members) >= rules.minimum_base]
        for group in shown:
            unit.show_rows(group.members, f"{group.name}, {scope}")
    members: set[int] = set()
    for group in shown:
        members |= group.members
    return PublishedResponses(
        definition,
        [group.council_id for group in groups],
        frozenset(members),
        chosen,
        distribution_id,
        tuple(unit.recorded),
    )


def response_rows(session: Session, published: PublishedResponses) -> Iterator[list[object]]:
    """One row per published anonymised response; free text only in redacted form, never raw."""
    if not published.members:
        return
    yield from anonymised_rows(
        session,
        published.definition,
        published.council_ids,
        published.chosen,
        published.distribution_id,
        published.members.__contains__,
    )


def anonymised_rows(
    session: Session,
    definition: SurveyDefinition,
    council_ids: list[int],
    chosen: GroupFilter,
    distribution_id: int | None,
    is_published: Callable[[int], bool],
    batch_size: int = BATCH_SIZE,
) -> Iterator[list[object]]:
    """The rows of `response_columns` for the responses that match the filter and that
    is_published(response id) says were published; the one code path of responses.csv and of
    full exports.

    Memory stays flat however many responses there are: responses are read batch_size at a time
    through a server-side cursor, and only that batch's redacted free text is fetched.

    The columns that describe a respondent (distribution, month, language, age band) are
    published only in combinations shared by at least `suppress_below` rows of their council
    (`privacy.disclosure.microdata`); the rest show `c`. A first pass counts the combinations.
    Rows come in random order within a council: ordering by a hidden value would give it away.
    """
    rules = DisclosureRules.of(definition)
    describing = _describing_mapping(
        session, definition, council_ids, chosen, distribution_id, is_published, batch_size, rules
    )
    query = (
        _rows_query(definition, council_ids, chosen, distribution_id, SurveyResponse.answers)
        # No order by id, date or distribution: the order responses arrived in is itself a clue
        # to who sent them, and sorting by a value hidden below would reveal it.
        .order_by(Council.name, func.random())
        .execution_options(yield_per=batch_size)
    )
    questions = [question.id for question in definition.questions]
    months: dict[dt.date, str] = {}  # a few hundred days between them: format each once
    number = 0
    for batch in session.execute(query).partitions():
        rows = [row for row in batch if is_published(row.id)]
        texts = _redacted_texts(
            session, [row.id for row in rows if WRITTEN in row.answers.values()]
        )
        for row in rows:
            number += 1
            key = _describing_key(row, months)
            # A row the first pass did not see (it cannot normally happen) shows nothing.
            label, month, language, age_band = describing[row.name].get(key, ALL_HIDDEN)
            line: list[object] = [number, definition.id, row.name, label, month, language, age_band]
            for question_id in questions:
                value = row.answers.get(question_id, "")
                if value == WRITTEN:
                    value = texts.get((row.id, question_id), "")
                elif isinstance(value, list):
                    value = ";".join(map(str, value))
                line.append(value)
            yield line


def _describing_mapping(
    session: Session,
    definition: SurveyDefinition,
    council_ids: list[int],
    chosen: GroupFilter,
    distribution_id: int | None,
    is_published: Callable[[int], bool],
    batch_size: int,
    rules: DisclosureRules,
) -> dict[str, dict[tuple[str, ...], tuple[str, ...]]]:
    """Per council, how each combination of describing values is published."""
    query = _rows_query(definition, council_ids, chosen, distribution_id).execution_options(
        yield_per=batch_size
    )
    counts: dict[str, Counter[tuple[str, ...]]] = defaultdict(Counter)
    months: dict[dt.date, str] = {}
    for batch in session.execute(query).partitions():
        for row in batch:
            if is_published(row.id):
                counts[row.name][_describing_key(row, months)] += 1
    mappings: dict[str, dict[tuple[str, ...], tuple[str, ...]]] = defaultdict(dict)
    for council, found in counts.items():
        mappings[council] = generalise(found, rules.suppress_below)
    return mappings


def _rows_query(
    definition: SurveyDefinition,
    council_ids: list[int],
    chosen: GroupFilter,
    distribution_id: int | None,
    *extra: Any,
) -> Select[Any]:
    """The published-responses query with the describing columns (and any extra ones)."""
    return responses_query(
        definition,
        council_ids,
        chosen,
        distribution_id,
        SurveyResponse.id,
        SurveyResponse.submitted_on,
        SurveyResponse.language,
        SurveyResponse.age_band,
        Council.name,
        Distribution.label,
        *extra,
        anonymised=True,
    ).join(Council, Distribution.council_id == Council.id)


def _describing_key(row: Row[Any], months: dict[dt.date, str]) -> tuple[str, ...]:
    """A row's (distribution, month, language, age band), formatting each date once."""
    month = months.get(row.submitted_on)
    if month is None:
        month = months[row.submitted_on] = row.submitted_on.strftime("%Y-%m")
    return (row.label, month, row.language or "", row.age_band or "")


def _redacted_texts(session: Session, response_ids: list[int]) -> dict[tuple[int, str], str]:
    """The redacted free text of these responses, by (response, question); never the raw text
    (an answer whose analysis failed has no redaction and stays out)."""
    if not response_ids:
        return {}
    return {
        (response_id, question_id): redacted
        for response_id, question_id, redacted in session.execute(
            select(FreeText.response_id, FreeText.question_id, FreeText.redacted).where(
                FreeText.response_id.in_(response_ids), FreeText.redacted.is_not(None)
            )
        )
    }
