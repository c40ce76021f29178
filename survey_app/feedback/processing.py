"""What the worker does to an imported complaint or compliment: anonymise its words and destroy
the raw text, failing closed; and which items still wait for it (for the sweeper).

Each function takes a session, is safe to run twice, and leaves committing to the caller.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..anonymising import redact_words
from ..crypto import TextVault
from ..models import AuditEvent, FeedbackItem, today

log = logging.getLogger(__name__)

# Complaints name places far more than children's answers do (a home, a school's town, a
# contact centre): with the month and the service, a town could point at a family.
REDACT_LOCATIONS = True


def anonymise_item(
    session: Session, vault: TextVault, item_id: int, settings: Mapping[str, Any]
) -> bool:
    """Store the item's redacted words and destroy its raw text; False if nothing was left to
    do. On any failure the item is held back, still encrypted, its attempt counted, and the
    sweeper offers it again later."""
    item = session.scalar(
        select(FeedbackItem)
        .where(FeedbackItem.id == item_id, FeedbackItem.ciphertext.is_not(None))
        .with_for_update()
    )
    if item is None:
        return False
    subject = f"feedback_item:{item.id}"
    assert item.ciphertext is not None
    try:
        redacted = redact_words(
            vault.open(item.ciphertext), settings, redact_locations=REDACT_LOCATIONS
        )
    except Exception as error:  # fail closed, whatever went wrong
        # Only the kind of error: its message could quote the words.
        log.warning("anonymisation failed for %s (%s); held back", subject, type(error).__name__)
        item.processing_attempts += 1
        if not item.held_back:
            item.held_back = True
            session.add(
                AuditEvent(
                    event="anonymisation_failed", subject=subject, detail=type(error).__name__
                )
            )
        return True
    item.redacted = redacted
    item.ciphertext = None
    item.raw_destroyed_on = today()
    item.held_back = False
    session.add(AuditEvent(event="raw_text_destroyed", subject=subject, occurred_on=today()))
    return True


def unprocessed_item_ids(session: Session, max_attempts: int) -> list[int]:
    """Items whose words still wait to be anonymised and have not failed too often."""
    return list(
        session.scalars(
            select(FeedbackItem.id)
            .where(
                FeedbackItem.ciphertext.is_not(None),
                FeedbackItem.processing_attempts < max_attempts,
            )
            .order_by(FeedbackItem.id)
        )
    )
