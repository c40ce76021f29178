"""Downloads for facilitators: counts per council, and anonymised responses, as CSV."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterable, Iterator

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .definitions.model import SPECIAL_OPTIONS, SurveyDefinition
from .definitions.words import special_label
from .journey import WRITTEN
from .models import AnswerCount, Council, Distribution, FreeText, QuestionBase, Response
from .privacy.disclosure import DisclosureRules

AGGREGATE_COLUMNS = [
    "survey",
    "council",
    "question",
    "option",
    "count",
    "base",
    "question_text",
    "option_label",
]


def _council_filter(council_ids: Iterable[int] | None):  # type: ignore[no-untyped-def]
    return True if council_ids is None else Council.id.in_(list(council_ids))


def aggregate_rows(
    session: Session,
    definition: SurveyDefinition,
    rules: DisclosureRules,
    council_ids: Iterable[int] | None = None,
) -> Iterator[list[object]]:
    """One row per council, question and option, from the precomputed counts."""
    ids = None if council_ids is None else list(council_ids)
    councils = session.execute(
        select(Council.id, Council.name)
        .join(Distribution, Distribution.council_id == Council.id)
        .where(Distribution.survey_id == definition.id, _council_filter(ids))
        .distinct()
        .order_by(Council.name)
    ).all()
    counts: dict[tuple[int, str, str], int] = defaultdict(int)
    for council_id, question_id, option, total in session.execute(
        select(
            AnswerCount.council_id,
            AnswerCount.question_id,
            AnswerCount.option,
            func.sum(AnswerCount.count),
        )
        .where(AnswerCount.survey_id == definition.id)
        .group_by(AnswerCount.council_id, AnswerCount.question_id, AnswerCount.option)
    ):
        counts[(council_id, question_id, option)] = int(total)
    bases: dict[tuple[int, str], int] = defaultdict(int)
    for council_id, question_id, total in session.execute(
        select(QuestionBase.council_id, QuestionBase.question_id, func.sum(QuestionBase.base))
        .where(QuestionBase.survey_id == definition.id)
        .group_by(QuestionBase.council_id, QuestionBase.question_id)
    ):
        bases[(council_id, question_id)] = int(total)

    for council_id, council_name in councils:
        for question in definition.questions:
            base = bases[(council_id, question.id)]
            for option_id, label in _options(definition, question, counts, council_id):
                yield [
                    definition.id,
                    council_name,
                    question.id,
                    option_id,
                    rules.count(counts[(council_id, question.id, option_id)]),
                    rules.count(base),
                    question.text.en,
                    label,
                ]


def _options(definition, question, counts, council_id):  # type: ignore[no-untyped-def]
    """Every option a question can record, in order, with its English words."""
    labels = {option.id: option.label.en for option in question.options}
    for wording in question.bands.values():
        for option in wording.options or ():
            labels.setdefault(option.id, option.label.en)
    if question.is_text:
        labels[WRITTEN] = "Wrote an answer"
    elif not question.is_choice:
        seen = sorted(
            (
                option
                for (c, q, option) in counts
                if c == council_id and q == question.id and option not in SPECIAL_OPTIONS
            ),
            key=lambda value: (len(value), value),
        )
        labels.update({value: value for value in seen})
    for special in question.special_options():
        labels[special] = special_label(special)
    return labels.items()


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


def response_rows(
    session: Session, definition: SurveyDefinition, council_ids: Iterable[int] | None = None
) -> Iterator[list[object]]:
    """One row per anonymised response; free text only in redacted form, never raw."""
    ids = None if council_ids is None else list(council_ids)
    query = (
        select(Response, Council.name, Distribution.label)
        .join(Distribution, Response.distribution_id == Distribution.id)
        .join(Council, Distribution.council_id == Council.id)
        .where(
            Distribution.survey_id == definition.id,
            Response.anonymised.is_(True),
            _council_filter(ids),
        )
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
    }
    for number, (response, council, label) in enumerate(session.execute(query), start=1):
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


def csv_lines(header: list[str], rows: Iterable[list[object]]) -> Iterator[str]:
    """CSV text a line at a time, so a large download streams in constant memory."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    yield buffer.getvalue()
    for row in rows:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([_safe_cell(value) for value in row])
        yield buffer.getvalue()


def _safe_cell(value: object) -> object:
    """Stop spreadsheet formula injection from what a respondent typed."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
