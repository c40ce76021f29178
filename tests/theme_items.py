"""Theme items for tests: a reader of focus-group notes registered beside the survey reader (as
the focus-group module's will be), and a way to register and code items as people would."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence

from sqlalchemy.orm import Session

from survey_app import themes
from survey_app.definitions.model import PeriodKind
from survey_app.models import ThemeItem, User
from survey_app.periods import Period
from survey_app.voices import ItemQuery, Source, TextItem

# A month whose period (the test codebook publishes months, closing at once) has closed.
CLOSED = Period.of(PeriodKind.MONTH, dt.date.today()).preceding().preceding()

# The focus-group notes the test reader gives: (council id, month, prompt, text).
FOCUS_GROUP_NOTES: list[tuple[int, dt.date, str, str]] = []


def read_focus_group_items(session: Session, query: ItemQuery) -> Iterator[TextItem]:
    """The focus-group notes in FOCUS_GROUP_NOTES that match the query."""
    for number, (council_id, month, prompt, text) in enumerate(FOCUS_GROUP_NOTES, start=1):
        if query.council_ids is not None and council_id not in query.council_ids:
            continue
        if (query.start and month < query.start) or (query.end and month >= query.end):
            continue
        yield TextItem(Source.FOCUS_GROUP, f"fg-item:{number}", council_id, month, prompt, text)


def items(
    council_id: int,
    texts: Iterable[str],
    *,
    source: Source = Source.FEEDBACK,
    month: dt.date = CLOSED.start,
    prompt: str = "Children's services",
    start: int = 0,
) -> list[TextItem]:
    """Items of one council, source and month with these texts."""
    return [
        TextItem(
            source,
            f"test:{source.value}:{council_id}:{start + number}",
            council_id,
            month,
            prompt,
            text,
        )
        for number, text in enumerate(texts)
    ]


def register(session: Session, found: Sequence[TextItem]) -> list[ThemeItem]:
    """Register the items and return their rows, in the same order."""
    themes.register_items(session, found)
    rows = {(row.source, row.ref): row for row in session.query(ThemeItem)}
    return [rows[(item.source.value, item.ref)] for item in found]


def code(
    session: Session,
    codebook: themes.Codebook,
    coder: User,
    rows: Sequence[ThemeItem],
    given: Sequence[Sequence[str]],
    now: dt.datetime = dt.datetime(2026, 12, 5, 12),
) -> None:
    """Confirm each row's themes as coder."""
    for row, theme_ids in zip(rows, given, strict=True):
        themes.confirm(session, codebook, row, coder, theme_ids, now)
