"""Free-text items from every voice (survey answers, focus groups, complaints and compliments,
case-file audits) in one shape, so the theme codebook can code them all alike."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from sqlalchemy.orm import Session


class Source(StrEnum):
    """Where a free-text item came from."""

    SURVEY = "survey"
    FOCUS_GROUP = "focus_group"
    FEEDBACK = "feedback"
    AUDIT = "audit"


@dataclass(frozen=True, slots=True)
class TextItem:
    """One anonymised free-text unit that can carry themes (never raw text, never a name)."""

    source: Source
    ref: str  # stable and unique within its source, e.g. "answer:123" or "fg-item:7"
    council_id: int
    month: date  # the first day of the month it was said or received in
    prompt: str  # the question, prompt or service it answers, in words
    text: str  # the anonymised (redacted) text only


@dataclass(frozen=True, slots=True)
class ItemQuery:
    """Which items to read: councils (None = all) and a half-open month range [start, end)."""

    council_ids: frozenset[int] | None = None
    start: date | None = None
    end: date | None = None


ItemReader = Callable[[Session, ItemQuery], Iterable[TextItem]]

# One reader per source. Each source's own domain module provides its reader; they are listed
# here (imported lazily, so that modules reading items can import this one without a cycle).
_READERS: dict[Source, str] = {
    Source.SURVEY: "survey_app.themes.survey_items:read_items",
    Source.FOCUS_GROUP: "survey_app.focus_groups:read_items",
    Source.FEEDBACK: "survey_app.feedback:read_items",
    Source.AUDIT: "survey_app.audits:read_items",
}


def _reader(path: str) -> ItemReader:
    module_name, _, name = path.partition(":")
    module = __import__(module_name, fromlist=[name])
    reader: ItemReader = getattr(module, name)
    return reader


def read_items(session: Session, query: ItemQuery) -> Iterator[TextItem]:
    """Every anonymised item from every source that matches the query, source by source."""
    for path in _READERS.values():
        yield from _reader(path)(session, query)
