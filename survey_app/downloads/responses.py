"""The linked research extract (responses.csv and full exports): one row per anonymised
response, for councils at or above the minimum base; only where a deployment turned it on
(SURVEY_RESEARCH_EXTRACT), only for admins, and every request audited (`admit_research_extract`).

Linked rows are the one output that gives away a person's whole set of answers once their row
can be told apart (issue 10, the flood-and-isolate attack): staff get counts and unlinked
written answers (`items`) instead, for child and practitioner surveys alike.

Each choice question has two columns: the option ids chosen, and beside them
(`<question>_words`) the words seen, in the age band's and language's wording, as far as the
row's published age band and language tell (never more than those columns show).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row, Select, func, select
from sqlalchemy.orm import Session

from ..answers import WRITTEN, option_label
from ..definitions.model import Question, SurveyDefinition
from ..models import (
    AuditEvent,
    Council,
    Distribution,
    FreeText,
    Publication,
    Role,
    SurveyResponse,
    User,
    utcnow,
)
from ..privacy.disclosure import Audit, DisclosureRules, generalise, notes, publishing
from .groups import GroupFilter, requested_download, responses_query
from .problems import NotOffered, NotPermitted

# The audit events of a research extract given (who, when, which survey, which responses), and
# of one asked for by someone who may not have it.
RESEARCH_EXTRACT_EVENT = "research_extract"
RESEARCH_EXTRACT_REFUSED_EVENT = "research_extract_refused"

ALL_HIDDEN = (notes.HIDDEN,) * 4
# Responses read (and free texts fetched) at a time: well under SQLite's limit on bound values.
BATCH_SIZE = 1000


def admit_research_extract(
    session: Session,
    definition: SurveyDefinition,
    requester: User,
    chosen: GroupFilter,
    *,
    enabled: bool,
    form: str,
) -> None:
    """Let an admin have the linked research extract where the deployment turned it on, and
    record who asked, when, for which survey and which responses (in the caller's transaction,
    with what is published). Raises NotOffered where it is off, NotPermitted for anyone else.

    The same rule for practitioner surveys as for children's: adults were promised anonymity
    too, and a manager who knows a small team can isolate a row as easily; before/after pairs
    are matched inside the service (prepost.csv), so nobody needs linked rows to pair waves.
    """
    if not enabled:
        raise NotOffered(
            "This service does not give linked responses: download the counts, and the "
            "written answers as separate items (items.csv), instead."
        )
    if requester.role != Role.ADMIN:
        raise NotPermitted("Only an admin may download the linked research extract.")
    record_research_extract(session, definition, requester, chosen, form=form)


def record_research_extract(
    session: Session,
    definition: SurveyDefinition,
    requester: User,
    chosen: GroupFilter,
    *,
    form: str,
    refused: bool = False,
) -> None:
    """Record a research extract given (or, refused=True, asked for by someone who may not
    have it): who, when, which survey and which responses. The caller commits."""
    session.add(
        AuditEvent(
            event=RESEARCH_EXTRACT_REFUSED_EVENT if refused else RESEARCH_EXTRACT_EVENT,
            subject=definition.id,
            detail=(
                f"{form}: {chosen.council or 'every council'}, "
                f"{chosen.describe_period(definition.publication)}"
            )[:2000],
            actor_id=requester.id,
            # A staff action, timed like actions on concerns: when linked data left matters.
            occurred_at=utcnow(),
        )
    )


WORDS_SUFFIX = "_words"


def response_columns(definition: SurveyDefinition) -> list[str]:
    """The columns of responses.csv: describing columns, then each question (and, for a choice
    question, the words the child saw)."""
    columns = ["response", "survey", "council", "distribution", "month", "language", "age_band"]
    for question in definition.questions:
        columns.append(question.id)
        if question.is_choice:
            columns.append(question.id + WORDS_SUFFIX)
    return columns


def answer_words(
    definition: SurveyDefinition, question: Question, value: object, age_band: str, language: str
) -> str:
    """The words of a choice answer as the child saw them, judged only from the row's
    published age band and language: a hidden band hides words that differ by band, a hidden
    language gives English."""
    if value in ("", None):
        return ""
    if age_band == notes.HIDDEN and question.scales_differ_by_band:
        return notes.HIDDEN
    band = "" if age_band == notes.HIDDEN else age_band
    shown_in = "en" if language in (notes.HIDDEN, "") else language
    chosen = value if isinstance(value, list) else [value]
    words = []
    for option in map(str, chosen):
        service_words = definition.interface.get(option)  # "I don't know" in the child's words
        if option in question.special_options() and service_words is not None:
            words.append(service_words.get(shown_in))
        else:
            words.append(option_label(question, option, band, shown_in))
    return ";".join(words)


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
    questions = definition.questions
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
            for question in questions:
                given = value = row.answers.get(question.id, "")
                if value == WRITTEN:
                    value = texts.get((row.id, question.id), "")
                elif isinstance(value, list):
                    value = ";".join(map(str, value))
                line.append(value)
                if question.is_choice:
                    line.append(answer_words(definition, question, given, age_band, language))
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
