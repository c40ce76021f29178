"""The quote bank: a facilitator approves an anonymised item as a quote for reports; reports
show approved quotes only, each with its source and month (never its council's smaller parts,
never who said it)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import ApprovedQuote, Council, ThemeCode, ThemeCoding, ThemeItem, User
from ..voices import Source


@dataclass(frozen=True)
class Quote:
    """An approved quote as a report shows it."""

    text: str
    source: Source
    month: dt.date
    council: str
    theme_ids: tuple[str, ...]
    # The quote bank's id for it (its item's), which an action links to.
    item_id: int = 0


def is_approved(session: Session, item_id: int) -> bool:
    """Whether the item is in the quote bank."""
    return session.get(ApprovedQuote, item_id) is not None


def approve(session: Session, item: ThemeItem, approver: User, today: dt.date) -> ApprovedQuote:
    """Put the item's anonymised text in the quote bank (again: nothing changes)."""
    quote = session.get(ApprovedQuote, item.id)
    if quote is None:
        quote = ApprovedQuote(item_id=item.id, approved_by_id=approver.id, approved_on=today)
        session.add(quote)
        session.flush()
    return quote


def withdraw(session: Session, item: ThemeItem) -> None:
    """Take the item out of the quote bank."""
    quote = session.get(ApprovedQuote, item.id)
    if quote is not None:
        session.delete(quote)
        session.flush()


def approved_quotes(
    session: Session, council_ids: Sequence[int] | None, start: dt.date, end: dt.date
) -> list[Quote]:
    """The approved quotes of these councils (None: all) said from start to end (months),
    newest first, with the themes their counted coding gave them."""
    statement = (
        select(ThemeItem, Council.name)
        .join(ApprovedQuote, ApprovedQuote.item_id == ThemeItem.id)
        .join(Council, Council.id == ThemeItem.council_id)
        .where(ThemeItem.month >= start, ThemeItem.month <= end)
        .order_by(ThemeItem.month.desc(), ThemeItem.id)
    )
    if council_ids is not None:
        statement = statement.where(ThemeItem.council_id.in_(list(council_ids)))
    found = []
    for item, council in session.execute(statement):
        theme_ids = tuple(
            session.scalars(
                select(ThemeCode.theme_id)
                .join(ThemeCoding, ThemeCoding.id == ThemeCode.coding_id)
                .where(ThemeCoding.item_id == item.id, ThemeCoding.counted)
                .order_by(ThemeCode.theme_id)
            )
        )
        found.append(Quote(item.text, Source(item.source), item.month, council, theme_ids, item.id))
    return found
