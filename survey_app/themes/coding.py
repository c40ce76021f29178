"""Theme coding: items from every source registered once, suggestions stored (never counted),
a coder's confirmed decisions, undo, the next item to code, and agreement between two coders.

Takes a session and never commits: the view or actor that calls commits.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from itertools import combinations
from typing import Any

from sklearn.metrics import cohen_kappa_score
from sqlalchemy import String, cast, delete, exists, func, literal, select
from sqlalchemy.orm import Session, aliased

from ..models import (
    CaseAudit,
    FeedbackItem,
    FocusGroupItem,
    ThemeCode,
    ThemeCoding,
    ThemeItem,
    ThemeSuggestion,
    User,
)
from ..voices import ItemQuery, Source, TextItem, read_items
from . import survey_items
from .codebook import Codebook
from .suggest import Suggester

SUGGEST_BATCH = 500


class CodingError(ValueError):
    """A coding decision that cannot be recorded; the message is for the coder."""


# Registering and suggesting ------------------------------------------------------------------


def register_items(session: Session, items: Iterable[TextItem]) -> int:
    """Add the items not registered yet (by source and ref); returns how many were added.
    An item's month is kept as the first day of its month, whatever its reader gave."""
    known = {
        (source, ref) for source, ref in session.execute(select(ThemeItem.source, ThemeItem.ref))
    }
    added = 0
    for item in items:
        key = (item.source.value, item.ref)
        if key in known:
            continue
        known.add(key)
        session.add(
            ThemeItem(
                source=item.source.value,
                ref=item.ref,
                council_id=item.council_id,
                month=item.month.replace(day=1),
                prompt=item.prompt,
                text=item.text,
            )
        )
        added += 1
    session.flush()
    return added


def suggest_for_new_items(
    session: Session, suggester: Suggester, limit: int = 10 * SUGGEST_BATCH
) -> int:
    """Register every source's new items, then store suggestions for up to `limit` items that
    have none yet, a batch at a time; returns how many items were given suggestions. Safe to
    run again and again: an item is suggested for once."""
    register_items(session, read_items(session, ItemQuery()))
    done = 0
    while done < limit:
        batch = session.scalars(
            select(ThemeItem)
            .where(ThemeItem.suggested.is_(False))
            .order_by(ThemeItem.id)
            .limit(min(SUGGEST_BATCH, limit - done))
        ).all()
        if not batch:
            break
        store_suggestions(session, suggester, batch)
        done += len(batch)
    return done


def store_suggestions(session: Session, suggester: Suggester, items: Sequence[ThemeItem]) -> None:
    """Work out and keep the suggestions for these items (replacing any kept before)."""
    session.execute(
        delete(ThemeSuggestion).where(ThemeSuggestion.item_id.in_([item.id for item in items]))
    )
    for item, suggestions in zip(
        items, suggester.suggest([item.text for item in items]), strict=True
    ):
        for suggestion in suggestions:
            session.add(
                ThemeSuggestion(
                    item_id=item.id, theme_id=suggestion.theme_id, score=suggestion.score
                )
            )
        item.suggested = True
    session.flush()


def suggestions_of(session: Session, item_id: int) -> list[str]:
    """The themes suggested for an item, likeliest first."""
    return list(
        session.scalars(
            select(ThemeSuggestion.theme_id)
            .where(ThemeSuggestion.item_id == item_id)
            .order_by(ThemeSuggestion.score.desc(), ThemeSuggestion.theme_id)
        )
    )


# Coding --------------------------------------------------------------------------------------


class Queue(StrEnum):
    """Which items a coder is given: items nobody has coded, or items another coder coded
    (a second coding, for agreement)."""

    NEW = "new"
    SECOND = "second"


def _in_scope(statement, council_ids: Sequence[int] | None):  # type: ignore[no-untyped-def]
    if council_ids is None:
        return statement
    return statement.where(ThemeItem.council_id.in_(list(council_ids)))


def visible_item(
    session: Session, item_id: int, council_ids: Sequence[int] | None
) -> ThemeItem | None:
    """The item, if it exists and its council is one the coder may see."""
    item = session.get(ThemeItem, item_id)
    if item is None or (council_ids is not None and item.council_id not in council_ids):
        return None
    return item


def next_item(
    session: Session,
    coder_id: int,
    council_ids: Sequence[int] | None,
    queue: Queue = Queue.NEW,
    after_id: int = 0,
) -> ThemeItem | None:
    """The next item for this coder (ids after `after_id`, then from the start): one they have
    not coded, and that nobody has (NEW) or somebody else has (SECOND)."""
    mine = exists().where(ThemeCoding.item_id == ThemeItem.id, ThemeCoding.coder_id == coder_id)
    anyones = exists().where(ThemeCoding.item_id == ThemeItem.id)
    statement = select(ThemeItem).where(~mine)
    statement = statement.where(~anyones if queue == Queue.NEW else anyones)
    statement = _in_scope(statement, council_ids).order_by(ThemeItem.id).limit(1)
    return session.scalars(statement.where(ThemeItem.id > after_id)).first() or (
        session.scalars(statement).first() if after_id else None
    )


def waiting_count(
    session: Session, coder_id: int, council_ids: Sequence[int] | None, queue: Queue = Queue.NEW
) -> int:
    """How many items are waiting for this coder in the queue."""
    mine = exists().where(ThemeCoding.item_id == ThemeItem.id, ThemeCoding.coder_id == coder_id)
    anyones = exists().where(ThemeCoding.item_id == ThemeItem.id)
    statement = select(func.count(ThemeItem.id)).where(~mine)
    statement = statement.where(~anyones if queue == Queue.NEW else anyones)
    return int(session.scalar(_in_scope(statement, council_ids)) or 0)


def coding_of(session: Session, item_id: int, coder_id: int) -> ThemeCoding | None:
    """This coder's decision about the item, if they made one."""
    return session.scalar(
        select(ThemeCoding).where(ThemeCoding.item_id == item_id, ThemeCoding.coder_id == coder_id)
    )


def confirm(
    session: Session,
    codebook: Codebook,
    item: ThemeItem,
    coder: User,
    theme_ids: Iterable[str],
    now: dt.datetime,
) -> ThemeCoding:
    """Record a coder's decision: the item carries these themes (perhaps none). A person's
    decision, so it is what counts; the first coder's coding of an item is the one counted.
    A retired theme may stay on an item already coded with it, but not be given anew."""
    chosen = sorted(set(theme_ids))
    coding = coding_of(session, item.id, coder.id)
    kept = {code.theme_id for code in coding.codes} if coding else set()
    for theme_id in chosen:
        theme = codebook.get(theme_id)
        if theme is None:
            raise CodingError(f"There is no theme '{theme_id}' in the codebook.")
        if theme.retired and theme_id not in kept:
            raise CodingError(f"The theme '{theme.label}' is retired: choose another.")
    if coding is None:
        counted = session.scalar(
            select(ThemeCoding.id).where(ThemeCoding.item_id == item.id, ThemeCoding.counted)
        )
        coding = ThemeCoding(item_id=item.id, coder_id=coder.id, counted=counted is None)
        session.add(coding)
    coding.coded_at = now
    coding.codes = [ThemeCode(theme_id=theme_id) for theme_id in chosen]
    session.flush()
    return coding


def undo_last(session: Session, coder: User, council_ids: Sequence[int] | None) -> int | None:
    """Take back the coder's latest decision (in councils they may see); returns its item's id
    to show again, or None if there is nothing to undo. If it was the counted coding, another
    coder's coding of the item (the earliest) counts instead."""
    statement = (
        select(ThemeCoding)
        .join(ThemeItem, ThemeItem.id == ThemeCoding.item_id)
        .where(ThemeCoding.coder_id == coder.id)
        .order_by(ThemeCoding.coded_at.desc(), ThemeCoding.id.desc())
        .limit(1)
    )
    coding = session.scalars(_in_scope(statement, council_ids)).first()
    if coding is None:
        return None
    item_id, was_counted = coding.item_id, coding.counted
    session.delete(coding)
    session.flush()
    if was_counted:
        other = session.scalars(
            select(ThemeCoding).where(ThemeCoding.item_id == item_id).order_by(ThemeCoding.id)
        ).first()
        if other is not None:
            other.counted = True
            session.flush()
    return item_id


# Agreement -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ThemeAgreement:
    """Two coders' agreement on one theme over the items both coded: Cohen's kappa, or None
    when neither coder gave the theme or both gave it to every item (no variation to agree on),
    and how many of those items each gave it to."""

    theme_id: str
    kappa: float | None
    first_gave: int
    second_gave: int


@dataclass(frozen=True)
class Agreement:
    """Two coders, the items both coded, and their agreement theme by theme."""

    first: str
    second: str
    items: int
    themes: tuple[ThemeAgreement, ...]


def kappa(first: Sequence[int], second: Sequence[int]) -> float | None:
    """Cohen's kappa of two coders' yes/no decisions (sklearn), or None without variation."""
    if len(set(first) | set(second)) < 2:
        return None
    value = float(cohen_kappa_score(first, second, labels=[0, 1]))
    return None if math.isnan(value) else value


def agreement(
    session: Session, codebook: Codebook, council_ids: Sequence[int] | None
) -> list[Agreement]:
    """For each pair of coders who coded some of the same items (in councils the viewer may
    see), Cohen's kappa per theme over those items."""
    other = aliased(ThemeCoding)
    shared = _in_scope(
        select(ThemeCoding.coder_id, ThemeCoding.item_id)
        .join(ThemeItem, ThemeItem.id == ThemeCoding.item_id)
        .where(
            exists().where(
                other.item_id == ThemeCoding.item_id, other.coder_id != ThemeCoding.coder_id
            )
        ),
        council_ids,
    )
    items_of: dict[int, set[int]] = {}
    for coder_id, item_id in session.execute(shared):
        items_of.setdefault(coder_id, set()).add(item_id)
    if not items_of:
        return []
    codes: dict[tuple[int, int], set[str]] = {}
    for coder_id, item_id, theme_id in session.execute(
        select(ThemeCoding.coder_id, ThemeCoding.item_id, ThemeCode.theme_id)
        .outerjoin(ThemeCode, ThemeCode.coding_id == ThemeCoding.id)
        .where(ThemeCoding.coder_id.in_(list(items_of)))
    ):
        given = codes.setdefault((coder_id, item_id), set())
        if theme_id is not None:
            given.add(theme_id)
    emails = {
        user_id: email
        for user_id, email in session.execute(
            select(User.id, User.email).where(User.id.in_(list(items_of)))
        )
    }
    found = []
    for first, second in combinations(sorted(items_of), 2):
        both = sorted(items_of[first] & items_of[second])
        if not both:
            continue
        themes = []
        for theme in codebook.themes:
            a = [int(theme.id in codes.get((first, item), set())) for item in both]
            b = [int(theme.id in codes.get((second, item), set())) for item in both]
            if theme.retired and not any(a) and not any(b):
                continue
            themes.append(ThemeAgreement(theme.id, kappa(a, b), sum(a), sum(b)))
        found.append(Agreement(emails[first], emails[second], len(both), tuple(themes)))
    return found


def work_waiting(session: Session) -> bool:
    """Whether suggesting has anything to do: a registered item without suggestions, more
    survey answers to read than are registered, or an anonymised focus-group item, complaint or
    audit note not registered yet (indexed lookups: cheap enough for every sweep, so a bulk
    import is suggested for in a few runs, not one run per item)."""
    if session.scalar(select(exists().where(ThemeItem.suggested.is_(False)))):
        return True
    if any(session.scalar(select(waiting)) for waiting in _unregistered_voices()):
        return True
    registered = session.scalar(
        select(func.count(ThemeItem.id)).where(ThemeItem.source == Source.SURVEY.value)
    )
    return bool(survey_items.readable_count(session) > (registered or 0))


def _unregistered_voices() -> list[Any]:
    """For each source other than surveys, whether one of its anonymised items has no theme
    item yet (refs as each source's reader names them)."""

    def registered(source: Source, ref: Any, *, prefix: bool = False) -> Any:
        match = ThemeItem.ref.like(ref + ":%") if prefix else ThemeItem.ref == ref
        return exists().where(ThemeItem.source == source.value, match)

    focus = literal("fg-item:", String) + cast(FocusGroupItem.id, String)
    feedback = literal("feedback:", String) + cast(FeedbackItem.id, String)
    audit = literal("audit:", String) + cast(CaseAudit.id, String)
    return [
        exists().where(
            FocusGroupItem.redacted.is_not(None), ~registered(Source.FOCUS_GROUP, focus)
        ),
        exists().where(FeedbackItem.redacted.is_not(None), ~registered(Source.FEEDBACK, feedback)),
        exists().where(
            CaseAudit.notes_redacted.is_not(None),
            CaseAudit.notes_redacted != "{}",
            ~registered(Source.AUDIT, audit, prefix=True),
        ),
    ]


# Suggesters by codebook checksum: fitting one takes a fraction of a second, so a worker keeps
# the one for the codebook it was given (a new checksum fits a new one).
_SUGGESTERS: dict[str, Suggester] = {}


def suggester_for(codebook: Codebook) -> Suggester:
    """The suggester for this version of the codebook, fitted once per process."""
    suggester = _SUGGESTERS.get(codebook.checksum)
    if suggester is None:
        _SUGGESTERS.clear()
        suggester = _SUGGESTERS[codebook.checksum] = Suggester(codebook)
    return suggester
