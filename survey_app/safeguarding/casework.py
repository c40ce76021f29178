"""What a safeguarding lead does with a concern (read, acknowledge, record what they did, close)
and what the service does when nobody does (escalate), each recorded in the audit log with who
and when. Functions take a session and never commit."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from ..access import council_scope
from ..answers import option_label
from ..crypto import TextVault
from ..definitions.model import SurveyDefinition
from ..models import (
    AuditEvent,
    Concern,
    ConcernStatus,
    ContactRequest,
    FreeText,
    NotificationKind,
    Role,
    SurveyResponse,
    User,
)
from .concerns import admins, notify, recipients

# Who may read concerns at all: a council's safeguarding leads (their council's) and admins.
HANDLERS = (Role.ADMIN.value, Role.SAFEGUARDING_LEAD.value)
# The longest account of what a lead did that is kept.
MAX_ACTION_LENGTH = 2000


class CaseworkProblem(ValueError):
    """An action on a concern that cannot be done as asked (the message says why)."""


def handles_concerns(user: User) -> bool:
    """Whether user may see the safeguarding pages."""
    return user.role in HANDLERS


def visible_concerns(session: Session, user: User) -> list[Concern]:
    """The concerns user may read, newest first (their council's, or every one for admins)."""
    if not handles_concerns(user):
        return []
    query = select(Concern).order_by(Concern.raised_at.desc(), Concern.id.desc())
    scope = council_scope(user)
    if scope is not None:
        query = query.where(Concern.council_id.in_(scope))
    return list(session.scalars(query))


def concern_for(session: Session, user: User, concern_id: int) -> Concern | None:
    """The concern, if user may read it; None otherwise (so another council's concern looks
    exactly like one that does not exist)."""
    if not handles_concerns(user):
        return None
    concern = session.get(Concern, concern_id)
    if concern is None:
        return None
    scope = council_scope(user)
    if scope is not None and concern.council_id not in scope:
        return None
    return concern


def record(
    session: Session,
    user: User | None,
    event: str,
    subject: str,
    now: dt.datetime,
    detail: str = "",
) -> None:
    """One line of the safeguarding audit trail: who did what to which concern, and when."""
    session.add(
        AuditEvent(
            event=event,
            subject=subject,
            detail=detail,
            actor_id=user.id if user is not None else None,
            occurred_on=now.date(),
            occurred_at=now,
        )
    )


def subject(concern: Concern) -> str:
    return f"concern:{concern.id}"


def acknowledge(session: Session, concern: Concern, user: User, now: dt.datetime) -> bool:
    """Say that a lead has read the concern and is acting on it (stops the reminders); False if
    it was already acknowledged or closed."""
    if concern.status != ConcernStatus.NEW.value:
        return False
    concern.status = ConcernStatus.ACKNOWLEDGED.value
    concern.acknowledged_at = now
    concern.acknowledged_by_id = user.id
    record(session, user, "concern_acknowledged", subject(concern), now)
    return True


def close(
    session: Session, concern: Concern, user: User, action_taken: str, now: dt.datetime
) -> None:
    """Record what the lead did and close the concern; its kept raw words are destroyed (the
    anonymised answer stays in the counts). Raises CaseworkProblem without an account."""
    action = action_taken.strip()
    if not action:
        raise CaseworkProblem("Say what you did before closing the concern.")
    if len(action) > MAX_ACTION_LENGTH:
        raise CaseworkProblem(
            f"What you did must be at most {MAX_ACTION_LENGTH} characters; shorten it."
        )
    if concern.status == ConcernStatus.CLOSED.value:
        raise CaseworkProblem("This concern is already closed.")
    if concern.status == ConcernStatus.NEW.value:
        acknowledge(session, concern, user, now)
    concern.status = ConcernStatus.CLOSED.value
    concern.closed_at = now
    concern.closed_by_id = user.id
    concern.action_taken = action
    record(session, user, "concern_closed", subject(concern), now)
    destroyed = len(concern.texts)
    concern.texts.clear()  # delete-orphan: the rows go with the flush
    concern.raw_destroyed_on = now.date()
    session.flush()
    record(
        session,
        user,
        "concern_raw_text_destroyed",
        subject(concern),
        now,
        detail=f"{destroyed} answer(s)",
    )


@dataclass(frozen=True)
class KeptWords:
    """One flagged answer as the lead reads it."""

    question_id: str
    question: str
    text: str
    reasons: tuple[str, ...]


def kept_words(
    vault: TextVault, concern: Concern, definition: SurveyDefinition | None
) -> list[KeptWords]:
    """The raw words of the concern's flagged answers (until it is closed)."""
    return [
        KeptWords(
            kept.question_id,
            _question_words(definition, kept.question_id),
            vault.open(kept.ciphertext),
            tuple(kept.reasons),
        )
        for kept in concern.texts
    ]


@dataclass(frozen=True)
class OtherAnswer:
    """One of the response's answers, in words."""

    question: str
    answer: str


def other_answers(
    session: Session, concern: Concern, definition: SurveyDefinition | None
) -> list[OtherAnswer]:
    """The rest of the response the concern came from, in words: options by their labels, free
    text as anonymised (or a note that it is not yet anonymised). Answers whose original words
    the concern keeps are shown with those words instead."""
    if concern.response_id is None:
        return []
    response = session.get(SurveyResponse, concern.response_id)
    if response is None:
        return []
    written = {
        free_text.question_id: free_text
        for free_text in session.scalars(
            select(FreeText).where(FreeText.response_id == response.id)
        )
    }
    shown: list[OtherAnswer] = []
    questions = definition.questions if definition is not None else ()
    known = {question.id for question in questions}
    kept = {text.question_id for text in concern.texts}
    for question in questions:
        if question.id in kept:
            continue
        if question.id not in response.answers and question.id not in written:
            continue
        value = response.answers.get(question.id)
        if question.is_text:
            free_text = written.get(question.id)
            if free_text is not None and free_text.redacted is not None:
                words = free_text.redacted
            elif free_text is not None:
                words = "(written; not yet anonymised)"
            else:
                words = option_label(question, str(value))
        elif isinstance(value, list):
            words = ", ".join(
                option_label(question, str(choice), response.age_band) for choice in value
            )
        else:
            # The words the child saw: their age band's own scale, not the question's default.
            words = option_label(question, str(value), response.age_band)
        shown.append(OtherAnswer(question.text.en, words))
    for question_id, value in response.answers.items():
        if question_id not in known and not question_id.startswith("_"):
            shown.append(OtherAnswer(question_id, str(value)))
    return shown


def _question_words(definition: SurveyDefinition | None, question_id: str) -> str:
    if definition is None:
        return question_id
    try:
        return definition.question(question_id).text.en
    except KeyError:
        return question_id


def escalate_overdue(
    session: Session, now: dt.datetime, acknowledge_within: dt.timedelta
) -> list[int]:
    """Send again, to the council's leads and to every admin, each concern nobody acknowledged
    within acknowledge_within of it being raised (or of its last reminder); returns the new
    emails to send once the caller commits."""
    due = now - acknowledge_within
    overdue = session.scalars(
        select(Concern)
        .where(
            Concern.status == ConcernStatus.NEW.value,
            or_(
                Concern.escalated_at.is_(None) & (Concern.raised_at <= due),
                Concern.escalated_at <= due,
            ),
        )
        .order_by(Concern.id)
        # Only the concerns' rows (PostgreSQL cannot lock the outer-joined council); a concern
        # another worker's sweeper is reminding about is skipped, not waited for.
        .with_for_update(of=Concern, skip_locked=True)
    ).all()
    made: list[int] = []
    for concern in overdue:
        people = {person.email: person for person in recipients(session, concern.council_id)}
        for person in admins(session):
            people.setdefault(person.email, person)
        round_number = concern.escalations + 1
        made.extend(
            notify(session, concern, people.values(), NotificationKind.ESCALATION, round_number)
        )
        concern.escalations = round_number
        concern.escalated_at = now
        record(
            session,
            None,
            "concern_escalated",
            subject(concern),
            now,
            detail=f"reminder {round_number} to {len(people)} people",
        )
    return made


def purge_contact_requests(session: Session, today: dt.date) -> int:
    """Destroy children's contact requests whose retention period has ended."""
    expired: Sequence[tuple[int, int]] = session.execute(
        select(ContactRequest.id, ContactRequest.concern_id).where(
            ContactRequest.destroy_on <= today
        )
    ).all()  # type: ignore[assignment]
    if not expired:
        return 0
    session.execute(
        delete(ContactRequest).where(ContactRequest.id.in_([row[0] for row in expired]))
    )
    for _request_id, concern_id in expired:
        session.add(
            AuditEvent(
                event="contact_request_destroyed",
                subject=f"concern:{concern_id}",
                occurred_on=today,
            )
        )
    return len(expired)
