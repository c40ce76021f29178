"""Downloads for facilitators: counts per group and question, written answers as unlinked
items, and (where a deployment allows it, for admins) the linked research extract.

Every download is one unit of work of `privacy.disclosure.publishing`: the groups it is about
are checked against what was already published, every count is protected before it becomes a
row, and what was shown is recorded in the caller's transaction once everything has passed. The
caller commits, then streams the rows. `aggregate_tables` and `prepost_results` do the same
inside a unit of work that another output (a report page) holds open.

Counts come from precomputed tables (constant time in the number of responses): a closed
publication period's from its PeriodCount rows, kept by the worker for responses counted in
time; groups whose newest responses are held back, and any council whose rows do not add up to
its group, are counted from the responses' own answers.
"""

import importlib
from typing import TYPE_CHECKING, Any

from .aggregates import (
    AGGREGATE_COLUMNS,
    PublishedTable,
    aggregate_rows,
    aggregate_tables,
    publish_aggregates,
)
from .csv_text import csv_lines
from .groups import GroupFilter
from .items import ITEM_COLUMNS, PublishedItems, item_notes, item_rows, publish_items
from .problems import DownloadProblem, FilterError, NotOffered, NotPermitted, Refused, UnknownGroup
from .responses import (
    RESEARCH_EXTRACT_EVENT,
    RESEARCH_EXTRACT_REFUSED_EVENT,
    PublishedResponses,
    admit_research_extract,
    publish_responses,
    record_research_extract,
    response_columns,
    response_rows,
)

if TYPE_CHECKING:
    from .prepost import PublishedPrepost, prepost_results, publish_prepost
    from .prepost_rows import (
        COLUMN_WORDS,
        PREPOST_COLUMNS,
        UNPAIRED_COLUMNS,
        column_key,
        in_words,
        item_words,
        method_in_words,
        method_notes,
        short_label,
    )

# The before/after download needs SciPy (about 60 MB): loaded when first used, so the workers,
# which never use it, do not carry it. Name -> the module that holds it.
_PREPOST = {
    "PREPOST_COLUMNS": "prepost_rows",
    "UNPAIRED_COLUMNS": "prepost_rows",
    "method_notes": "prepost_rows",
    "method_in_words": "prepost_rows",
    "COLUMN_WORDS": "prepost_rows",
    "column_key": "prepost_rows",
    "in_words": "prepost_rows",
    "item_words": "prepost_rows",
    "short_label": "prepost_rows",
    "PublishedPrepost": "prepost",
    "prepost_results": "prepost",
    "publish_prepost": "prepost",
}


def __getattr__(name: str) -> Any:
    if name in _PREPOST:
        module = importlib.import_module(f".{_PREPOST[name]}", __name__)
        return getattr(module, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "AGGREGATE_COLUMNS",
    "ITEM_COLUMNS",
    "RESEARCH_EXTRACT_EVENT",
    "RESEARCH_EXTRACT_REFUSED_EVENT",
    "record_research_extract",
    "NotOffered",
    "NotPermitted",
    "PublishedItems",
    "admit_research_extract",
    "item_notes",
    "item_rows",
    "publish_items",
    "PREPOST_COLUMNS",
    "UNPAIRED_COLUMNS",
    "PublishedPrepost",
    "method_notes",
    "method_in_words",
    "COLUMN_WORDS",
    "column_key",
    "in_words",
    "item_words",
    "short_label",
    "publish_prepost",
    "prepost_results",
    "DownloadProblem",
    "FilterError",
    "GroupFilter",
    "PublishedResponses",
    "PublishedTable",
    "Refused",
    "UnknownGroup",
    "aggregate_rows",
    "aggregate_tables",
    "csv_lines",
    "publish_aggregates",
    "publish_responses",
    "response_columns",
    "response_rows",
]
