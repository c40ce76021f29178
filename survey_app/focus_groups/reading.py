"""Reading what focus groups said: anonymised items for the theme codebook (`voices`), and the
dot-vote and show-of-hands totals per guide prompt for a council and quarter."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..definitions.model import PeriodKind
from ..models import FocusGroupItem, FocusGroupItemKind, FocusGroupSession
from ..periods import Period
from ..voices import ItemQuery, Source, TextItem
from .processing import subject


def read_items(session: Session, query: ItemQuery) -> Iterator[TextItem]:
    """Every anonymised focus-group item the query picks (never raw words, never a photo),
    dated by the month its session was held in."""
    statement = (
        select(
            FocusGroupItem.id,
            FocusGroupItem.prompt_words,
            FocusGroupItem.redacted,
            FocusGroupSession.council_id,
            FocusGroupSession.held_on,
        )
        .join(FocusGroupSession, FocusGroupSession.id == FocusGroupItem.session_id)
        .where(FocusGroupItem.redacted.is_not(None))
        .order_by(FocusGroupItem.id)
    )
    if query.council_ids is not None:
        statement = statement.where(FocusGroupSession.council_id.in_(sorted(query.council_ids)))
    if query.start is not None:
        statement = statement.where(FocusGroupSession.held_on >= query.start.replace(day=1))
    if query.end is not None:
        statement = statement.where(FocusGroupSession.held_on < query.end.replace(day=1))
    for item_id, prompt, redacted, council_id, held_on in session.execute(statement):
        yield TextItem(
            source=Source.FOCUS_GROUP,
            ref=subject(item_id),
            council_id=council_id,
            month=held_on.replace(day=1),
            prompt=prompt,
            text=redacted or "",
        )


@dataclass(frozen=True)
class PromptTotals:
    """The counts recorded for one prompt of one guide: per option (dots, or hands per face),
    and how many sessions they came from."""

    guide_id: str
    prompt_id: str
    kind: FocusGroupItemKind
    counts: dict[str, int]
    sessions: int


def vote_totals(session: Session, council_id: int, quarter: str | dt.date) -> list[PromptTotals]:
    """Dot-vote and show-of-hands totals per guide prompt, for one council's sessions held in a
    quarter ("2026-Q4", or any day in it). Exact counts, for a report to publish only through
    `privacy.disclosure.publishing`."""
    period = (
        Period.of(PeriodKind.QUARTER, quarter)
        if isinstance(quarter, dt.date)
        else Period.parse(quarter)
    )
    rows = session.execute(
        select(
            FocusGroupSession.id,
            FocusGroupSession.guide_id,
            FocusGroupItem.prompt_id,
            FocusGroupItem.kind,
            FocusGroupItem.counts,
        )
        .join(FocusGroupSession, FocusGroupSession.id == FocusGroupItem.session_id)
        .where(
            FocusGroupSession.council_id == council_id,
            FocusGroupSession.held_on >= period.start,
            FocusGroupSession.held_on <= period.end,
            FocusGroupItem.kind.in_(
                [FocusGroupItemKind.VOTES.value, FocusGroupItemKind.SHOW_OF_HANDS.value]
            ),
        )
        .order_by(FocusGroupItem.id)
    )
    counts: dict[tuple[str, str, str], dict[str, int]] = {}
    sessions: dict[tuple[str, str, str], set[int]] = defaultdict(set)
    for session_id, guide_id, prompt_id, kind, given in rows:
        key = (guide_id, prompt_id or "", kind)
        totals = counts.setdefault(key, {})
        for option, number in (given or {}).items():
            totals[option] = totals.get(option, 0) + int(number)
        sessions[key].add(session_id)
    return [
        PromptTotals(guide, prompt, FocusGroupItemKind(kind), totals, len(sessions[key]))
        for key, totals in sorted(counts.items())
        for guide, prompt, kind in [key]
    ]
