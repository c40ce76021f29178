"""Survey answers as theme items: each anonymised written answer of a child or practitioner is a
`voices.TextItem` (Source.SURVEY, ref "answer:<free text id>"), never its raw text."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from ..definitions import parse_definition
from ..models import Distribution, FreeText, Survey, SurveyResponse
from ..voices import ItemQuery, Source, TextItem

REF_PREFIX = "answer:"
BATCH = 2000


def _readable() -> Select[int]:
    return (
        select(FreeText.id)
        .join(SurveyResponse, SurveyResponse.id == FreeText.response_id)
        .where(
            FreeText.redacted.is_not(None),
            FreeText.redacted != "",
            FreeText.held_back.is_(False),
            SurveyResponse.anonymised.is_(True),
            SurveyResponse.superseded.is_(False),
        )
    )


def readable_count(session: Session) -> int:
    """How many written answers `read_items` would read with no filter."""
    return int(session.scalar(select(func.count()).select_from(_readable().subquery())) or 0)


def read_items(session: Session, query: ItemQuery) -> Iterator[TextItem]:
    """Every anonymised written answer that matches the query (an answer whose analysis failed,
    or one a later answer to the same wave replaced, stays out, as it does from every count)."""
    statement = (
        select(
            FreeText.id,
            FreeText.question_id,
            FreeText.redacted,
            SurveyResponse.submitted_on,
            Distribution.council_id,
            Survey.id,
            Survey.checksum,
        )
        .join(SurveyResponse, SurveyResponse.id == FreeText.response_id)
        .join(Distribution, Distribution.id == SurveyResponse.distribution_id)
        .join(Survey, Survey.id == Distribution.survey_id)
        .where(
            FreeText.redacted.is_not(None),
            FreeText.redacted != "",
            FreeText.held_back.is_(False),
            SurveyResponse.anonymised.is_(True),
            SurveyResponse.superseded.is_(False),
        )
        .order_by(FreeText.id)
    )
    if query.council_ids is not None:
        statement = statement.where(Distribution.council_id.in_(sorted(query.council_ids)))
    if query.start is not None:
        statement = statement.where(SurveyResponse.submitted_on >= query.start)
    if query.end is not None:
        statement = statement.where(SurveyResponse.submitted_on < query.end)
    for row in session.execute(statement.execution_options(yield_per=BATCH)):
        free_text_id, question_id, redacted, sent_on, council_id, survey_id, checksum = row
        yield TextItem(
            source=Source.SURVEY,
            ref=f"{REF_PREFIX}{free_text_id}",
            council_id=council_id,
            month=_month(sent_on),
            prompt=_wording(session, survey_id, checksum).get(question_id, question_id),
            text=redacted or "",
        )


def _month(day: dt.date) -> dt.date:
    return day.replace(day=1)


# Question wording by (survey id, checksum): a checksum names one version of a survey's YAML,
# so what is kept is never stale.
_WORDING: dict[tuple[str, str], dict[str, str]] = {}


def _wording(session: Session, survey_id: str, checksum: str) -> dict[str, str]:
    """Each question's English wording in the survey version recorded with this checksum."""
    key = (survey_id, checksum)
    if key not in _WORDING:
        source = session.scalar(select(Survey.source).where(Survey.id == survey_id)) or ""
        definition = parse_definition(source, survey_id)
        _WORDING[key] = {question.id: question.text.en for question in definition.questions}
    return _WORDING[key]
