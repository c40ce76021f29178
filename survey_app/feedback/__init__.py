"""Complaints and compliments from councils' logs: imported (`importing`, from `files`),
anonymised by the worker (`processing`), and read as free-text items for theme coding."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import FeedbackItem
from ..voices import ItemQuery, Source, TextItem
from .files import MAX_FILE_BYTES, FileProblem, Table, read_table
from .importing import (
    FIELD_WORDS,
    FIELDS,
    REQUIRED,
    ImportProblem,
    ImportResult,
    NeedsMapping,
    RowProblem,
    council_for_import,
    guess_mapping,
    import_feedback,
    import_log,
    needs_mapping,
)
from .processing import anonymise_item, unprocessed_item_ids

__all__ = [
    "FIELDS",
    "MAX_FILE_BYTES",
    "FIELD_WORDS",
    "REQUIRED",
    "FileProblem",
    "ImportProblem",
    "ImportResult",
    "NeedsMapping",
    "RowProblem",
    "Table",
    "anonymise_item",
    "council_for_import",
    "guess_mapping",
    "import_feedback",
    "import_log",
    "needs_mapping",
    "read_items",
    "read_table",
    "unprocessed_item_ids",
]

KIND_WORDS = {"complaint": "Complaint", "compliment": "Compliment", "comment": "Comment"}


def read_items(session: Session, query: ItemQuery) -> Iterator[TextItem]:
    """Every anonymised complaint, compliment and comment the query asks for (never one still
    waiting for the worker), as items for theme coding: prompt = the service, or the type."""
    statement = select(FeedbackItem).where(FeedbackItem.redacted.is_not(None))
    if query.council_ids is not None:
        statement = statement.where(FeedbackItem.council_id.in_(sorted(query.council_ids)))
    if query.start is not None:
        statement = statement.where(FeedbackItem.received_month >= f"{query.start:%Y-%m}")
    if query.end is not None:
        statement = statement.where(FeedbackItem.received_month <= f"{query.end:%Y-%m}")
    for item in session.scalars(statement.order_by(FeedbackItem.id)):
        assert item.redacted is not None
        month = month_of(item.received_month)
        # Exactly the half-open range (the query above is by month, coarser than a date).
        if (query.start and month < query.start) or (query.end and month >= query.end):
            continue
        yield TextItem(
            source=Source.FEEDBACK,
            ref=f"feedback:{item.id}",
            council_id=item.council_id,
            month=month,
            prompt=item.service or KIND_WORDS.get(item.kind, item.kind),
            text=item.redacted,
        )


def month_of(key: str) -> dt.date:
    """The first day of the month a "YYYY-MM" key names."""
    return dt.date(int(key[:4]), int(key[5:7]), 1)
