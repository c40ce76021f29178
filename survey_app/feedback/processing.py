"""What the worker does to an imported complaint or compliment: anonymise its words and destroy
the raw text, failing closed; and which items still wait for it (for the sweeper).

Each function takes a session, is safe to run twice, and leaves committing to the caller.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from ..anonymising import KeptWords
from ..crypto import TextVault
from ..models import FeedbackItem

log = logging.getLogger(__name__)

# Complaints name places far more than children's answers do (a home, a school's town, a
# contact centre): with the month and the service, a town could point at a family.
REDACT_LOCATIONS = True


# Where an item keeps its words, and how the worker anonymises them (as every other voice);
# its service with them, in the same step: staff type it, and a name can be in it.
ITEMS = KeptWords(
    FeedbackItem,
    "feedback_item",
    log,
    redact_locations=REDACT_LOCATIONS,
    also=(("service_ciphertext", "service"),),
)


def anonymise_item(
    session: Session, vault: TextVault, item_id: int, settings: Mapping[str, Any]
) -> bool:
    """Store the item's redacted words and destroy its raw text; False if nothing was left to
    do. On any failure the item is held back, still encrypted, its attempt counted, and the
    sweeper offers it again later."""
    return ITEMS.anonymise_waiting(session, vault, item_id, settings)


def unprocessed_item_ids(session: Session, max_attempts: int) -> list[int]:
    """Items whose words still wait to be anonymised and have not failed too often."""
    return list(ITEMS.waiting(session, max_attempts=max_attempts))
