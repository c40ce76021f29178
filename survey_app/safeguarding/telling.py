"""What a child (or practitioner) tells us while answering: screen the free text they give, raise
a concern for the council's safeguarding lead or add to the one their visit already raised, and
read the contact request they may leave. Knows nothing of the web; takes a session, never commits.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..crypto import TextVault
from ..definitions.model import CHILD, PRACTITIONER, SPECIAL_OPTIONS, Question, SurveyDefinition
from ..models import Concern, ConcernLevel, ConcernOrigin, ConcernStatus
from . import concerns
from .concerns import ContactDetails, FlaggedText, Raised
from .screen import Level, screen

UNSAFE_REASON = 'the child pressed "I don\'t feel safe"'
CONTACT_REASON = "the child asked someone to contact them"

# What a child may type to be contacted: enough for a name and a phone number or an address,
# short enough that nobody pastes a story here instead of into the survey.
HOW_TO_REACH_MAX = 200
GOOD_TIME_MAX = 100
SAFE_TO_CALL = ("yes", "no", "not_sure")

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]")


@dataclass(frozen=True)
class Visit:
    """Where the child is answering: the distribution, its council and its survey."""

    council_id: int
    distribution_id: int
    survey_id: str


def source_of(definition: SurveyDefinition) -> str:
    """Who writes a survey's free text, as the screen wants to know it."""
    return CHILD if definition.is_for_children else PRACTITIONER


def flag_answers(
    questions: Iterable[Question],
    given: Mapping[str, Any],
    before: Mapping[str, Any],
    source: str,
) -> list[FlaggedText]:
    """Screen each free-text answer just given (one the draft did not already hold, since that
    was screened when first given); the ones the screen wants a person to read."""
    flagged = []
    for question in questions:
        text = given.get(question.id)
        if not question.is_text or not isinstance(text, str) or text in SPECIAL_OPTIONS:
            continue
        if before.get(question.id) == text:
            continue
        screening = screen(text, source)
        if screening.level == Level.NONE:
            continue
        level = ConcernLevel.ALERT if screening.level == Level.ALERT else ConcernLevel.REVIEW
        flagged.append(FlaggedText(question.id, text, level, tuple(screening.reasons)))
    return flagged


def still_open(session: Session, concern_ids: Iterable[int]) -> list[int]:
    """Those of concern_ids not yet closed: a closed concern's words are destroyed and its lead
    is done with it, so nothing new (words, a response) may join it."""
    ids = sorted(set(concern_ids))
    if not ids:
        return []
    return list(
        session.scalars(
            select(Concern.id)
            .where(Concern.id.in_(ids), Concern.status != ConcernStatus.CLOSED.value)
            .order_by(Concern.id)
        )
    )


def open_concern(session: Session, visit: Visit, remembered: Sequence[int]) -> Concern | None:
    """The newest concern this visit raised that is still open (a closed one is done with: the
    lead has read it and its words are destroyed, so anything new needs a new concern)."""
    ids = sorted({concern_id for concern_id in remembered if concern_id > 0})
    if not ids:
        return None
    return session.scalar(
        select(Concern)
        .where(
            Concern.id.in_(ids),
            Concern.distribution_id == visit.distribution_id,
            Concern.status != ConcernStatus.CLOSED.value,
        )
        .order_by(Concern.id.desc())
        .limit(1)
    )


def record_answers(
    session: Session,
    vault: TextVault,
    visit: Visit,
    remembered: Sequence[int],
    flagged: Sequence[FlaggedText],
    now: dt.datetime,
) -> Raised:
    """Keep flagged answers on this visit's open concern, or raise one (alerting the leads)."""
    concern = open_concern(session, visit, remembered)
    if concern is not None:
        concerns.add_to_concern(session, vault, concern, flagged)
        session.flush()
        return Raised(concern.id, ())
    strongest = (
        ConcernLevel.ALERT
        if any(text.level == ConcernLevel.ALERT for text in flagged)
        else ConcernLevel.REVIEW
    )
    return concerns.raise_concern(
        session,
        vault,
        council_id=visit.council_id,
        origin=ConcernOrigin.ANSWER,
        level=strongest,
        reasons=[reason for text in flagged for reason in text.reasons],
        now=now,
        distribution_id=visit.distribution_id,
        survey_id=visit.survey_id,
        texts=flagged,
    )


def record_unsafe(
    session: Session,
    vault: TextVault,
    visit: Visit,
    remembered: Sequence[int],
    now: dt.datetime,
    reason: str = UNSAFE_REASON,
) -> Raised:
    """The child said they do not feel safe (or asked to be contacted), with or without words:
    an alert for the lead. Pressing again in the same visit adds to the same concern and
    emails nobody twice."""
    concern = open_concern(session, visit, remembered)
    if concern is not None:
        concern.level = ConcernLevel.ALERT.value
        concern.reasons = list(dict.fromkeys([*concern.reasons, reason]))
        session.flush()
        return Raised(concern.id, ())
    return concerns.raise_concern(
        session,
        vault,
        council_id=visit.council_id,
        origin=ConcernOrigin.UNSAFE_LINK,
        level=ConcernLevel.ALERT,
        reasons=[reason],
        now=now,
        distribution_id=visit.distribution_id,
        survey_id=visit.survey_id,
    )


def clean_contact_text(raw: str) -> str:
    """One line of what a child typed: Unicode composed, control and invisible characters out,
    runs of spaces made one."""
    text = unicodedata.normalize("NFC", raw)
    text = _CONTROL.sub(" ", text)
    return " ".join(text.split())


@dataclass(frozen=True)
class ContactProblem:
    """What is wrong with one field of a contact request: the field and the word key (with the
    values its words need)."""

    field: str
    key: str
    values: Mapping[str, Any]


def read_contact_form(
    form: Mapping[str, str],
) -> tuple[ContactDetails, list[ContactProblem]]:
    """A contact request as posted, cleaned, with what is wrong with it."""
    details = ContactDetails(
        how_to_reach=clean_contact_text(form.get("how_to_reach", "")),
        good_time=clean_contact_text(form.get("good_time", "")),
        safe_to_call=form.get("safe_to_call", "").strip(),
    )
    problems = []
    if not details.how_to_reach:
        problems.append(ContactProblem("how_to_reach", "contact_needed", {}))
    elif len(details.how_to_reach) > HOW_TO_REACH_MAX:
        problems.append(ContactProblem("how_to_reach", "too_long", {"maximum": HOW_TO_REACH_MAX}))
    if len(details.good_time) > GOOD_TIME_MAX:
        problems.append(ContactProblem("good_time", "too_long", {"maximum": GOOD_TIME_MAX}))
    if details.safe_to_call and details.safe_to_call not in SAFE_TO_CALL:
        problems.append(ContactProblem("safe_to_call", "choose_valid", {}))
    return details, problems


def record_contact_request(
    session: Session,
    vault: TextVault,
    visit: Visit,
    remembered: Sequence[int],
    details: ContactDetails,
    now: dt.datetime,
    retention_days: int,
) -> Raised:
    """Keep a child's contact request with this visit's open concern; a child who asks to be
    contacted without one raises it (so the request is never kept where no lead will look)."""
    concern = open_concern(session, visit, remembered)
    raised = Raised(concern.id, ()) if concern is not None else None
    if concern is None:
        raised = record_unsafe(session, vault, visit, remembered, now, CONTACT_REASON)
        concern = session.get(Concern, raised.concern_id)
    assert concern is not None and raised is not None
    concerns.save_contact_request(session, vault, concern, details, now.date(), retention_days)
    return raised
