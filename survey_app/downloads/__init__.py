"""Downloads for facilitators: counts per group and question, and anonymised responses, as CSV.

Every download goes through `privacy.disclosure`: the groups it is about are checked against
what was already published and recorded as publications in the caller's transaction, and every
count is protected before it becomes a row. The caller commits, then streams the rows.

Unfiltered counts come from the precomputed AnswerCount/QuestionBase tables (constant time in
the number of responses); filtered counts (dates, a distribution), and groups whose newest
responses are held back, are counted from the responses' own answers.
"""

from typing import TYPE_CHECKING, Any

from .aggregates import AGGREGATE_COLUMNS, PublishedTable, aggregate_rows, publish_aggregates
from .csv_text import csv_lines
from .groups import GroupFilter
from .problems import DownloadProblem, FilterError, Refused, UnknownGroup
from .responses import PublishedResponses, publish_responses, response_columns, response_rows

if TYPE_CHECKING:
    from .prepost import (
        PREPOST_COLUMNS,
        UNPAIRED_COLUMNS,
        PublishedPrepost,
        method_notes,
        publish_prepost,
    )

# The before/after download needs SciPy (about 60 MB): loaded when first used, so the workers,
# which never use it, do not carry it.
_PREPOST = {
    "PREPOST_COLUMNS",
    "UNPAIRED_COLUMNS",
    "PublishedPrepost",
    "method_notes",
    "publish_prepost",
}


def __getattr__(name: str) -> Any:
    if name in _PREPOST:
        from . import prepost

        return getattr(prepost, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "AGGREGATE_COLUMNS",
    "PREPOST_COLUMNS",
    "UNPAIRED_COLUMNS",
    "PublishedPrepost",
    "method_notes",
    "publish_prepost",
    "DownloadProblem",
    "FilterError",
    "GroupFilter",
    "PublishedResponses",
    "PublishedTable",
    "Refused",
    "UnknownGroup",
    "aggregate_rows",
    "csv_lines",
    "publish_aggregates",
    "publish_responses",
    "response_columns",
    "response_rows",
]
