"""What the worker does to a focus-group item's words, as to a survey's free text: screen them
for risk, then redact them and destroy the raw text. Takes a session, is safe to run twice and
never commits; settings are passed in.

A group item cannot show a child a safety message (nobody is at a phone), so a flagged item
raises a safeguarding concern for the council's lead, as a flagged survey answer does: one
concern per session, with every flagged item's words kept encrypted on it for the lead."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..anonymising import KeptWords
from ..crypto import TextVault
from ..definitions.guides import Group
from ..models import (
    Concern,
    ConcernLevel,
    ConcernOrigin,
    FocusGroupItem,
    FocusGroupSession,
)
from ..safeguarding import concerns
from ..safeguarding.screen import Level as ScreenLevel
from ..safeguarding.screen import screen

log = logging.getLogger(__name__)

# How the risk screen reads each group's words: a children's group's notes are children's
# words (typed up by an adult); practitioners' talk is read as professional discussion.
SCREEN_SOURCE = {Group.CHILDREN.value: "child", Group.PRACTITIONERS.value: "focus_group"}


# Where an item keeps its words, and how the worker anonymises them, as every other voice. An
# item waits on its own flag: a vote has no words, yet waits to be processed.
ITEMS = KeptWords(
    FocusGroupItem,
    "fg-item",
    log,
    redact_locations=False,
    done="processed",
    # "processing", not "anonymisation": the risk screen reads the words in the same step.
    failure_log="processing failed for %s (%s); held back",
)


def subject(item_id: int) -> str:
    """How an item is named in audit events, logs and the theme coding ("fg-item:7")."""
    return ITEMS.subject(item_id)


def process_item(
    session: Session,
    vault: TextVault,
    item_id: int,
    settings: Mapping[str, Any],
    now: dt.datetime,
    alerts: list[int] | None = None,
) -> bool:
    """Screen an item's words, then store the redaction and destroy the raw text; False if
    there was nothing left to do. The ids of alert emails a concern wrote go to alerts.

    Fails closed: if reading, screening or anonymising raises, the words stay encrypted and
    unpublished, the attempt is counted, and the sweeper offers the item again later.
    """
    item = ITEMS.locked(session, item_id)
    if item is None:
        return False
    if item.ciphertext is None:
        item.processed = True
        return True
    found = session.get(FocusGroupSession, item.session_id)
    assert found is not None

    def flag_if_at_risk(words: str) -> Callable[[], None] | None:
        screened = screen(words, SCREEN_SOURCE.get(found.participant_group, "child"))
        if screened.level == ScreenLevel.NONE:
            return None

        def flag() -> None:
            written = _flag(
                session, vault, found, item, words, screened.level, screened.reasons, now
            )
            if alerts is not None:
                alerts.extend(written)

        return flag

    ITEMS.anonymise(session, vault, item, settings, risk_screen=flag_if_at_risk)
    return True


def _flag(
    session: Session,
    vault: TextVault,
    found: FocusGroupSession,
    item: FocusGroupItem,
    words: str,
    level: ScreenLevel,
    reasons: tuple[str, ...],
    now: dt.datetime,
) -> tuple[int, ...]:
    """Raise the session's concern, or add this item to it (one per session, so a group's
    items make one case for the lead and one email each)."""
    # Locked, so two items processed at once cannot raise two concerns.
    locked = session.scalar(
        select(FocusGroupSession)
        .where(FocusGroupSession.id == found.id)
        .with_for_update(of=FocusGroupSession)
    )
    assert locked is not None
    # What the lead reads beside the words (the concern page knows no guide): which item, which
    # session's date and which prompt, within the column's 100 characters.
    where = (
        f"{subject(item.id)}: focus group held {locked.held_on.isoformat()}, {item.prompt_words}"
    )
    flagged = concerns.FlaggedText(where[:100], words, ConcernLevel(level.value), reasons)
    if locked.concern_id is not None:
        concern = session.get(Concern, locked.concern_id)
        if concern is not None:
            concerns.add_to_concern(session, vault, concern, [flagged])
            return ()
    raised = concerns.raise_concern(
        session,
        vault,
        council_id=locked.council_id,
        origin=ConcernOrigin.ANSWER,
        level=flagged.level,
        reasons=list(reasons),
        now=now,
        texts=[flagged],
    )
    locked.concern_id = raised.concern_id
    return raised.notification_ids


def unprocessed_items(session: Session, limit: int = 10_000) -> dict[int, int]:
    """Items whose words still wait for the worker (a lost message, a broker that was down, or
    failures), with how often each has failed so far."""
    return ITEMS.waiting(session, limit=limit)
