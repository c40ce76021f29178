"""Raising safeguarding concerns and the emails that tell a council's leads about them.

Concerns are kept apart from research data: their raw words are encrypted in their own table,
never counted, exported or downloaded. Functions take a session and never commit; the caller
commits, then sends the notifications it was given (see workers), so nothing is emailed about a
concern that was never saved, and nothing is lost if the broker or the mail server is down.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import cast

from sqlalchemy import Table, bindparam, insert, or_, select, update
from sqlalchemy.orm import Session

from ..crypto import TextVault
from ..models import (
    Concern,
    ConcernLevel,
    ConcernNotification,
    ConcernOrigin,
    ConcernStatus,
    ConcernText,
    ContactRequest,
    NotificationKind,
    Role,
    User,
)


@dataclass(frozen=True)
class FlaggedText:
    """A free-text answer the screen flagged: which question, the words, and why."""

    question_id: str
    text: str
    level: ConcernLevel
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Raised:
    """A concern raised or added to, and the emails to send once the transaction commits."""

    concern_id: int
    notification_ids: tuple[int, ...]


def recipients(session: Session, council_id: int) -> list[User]:
    """Who is told about a council's concerns: its active safeguarding leads, or, when it has
    none, every active admin (so no concern goes unread)."""
    leads = session.scalars(
        select(User)
        .where(
            User.role == Role.SAFEGUARDING_LEAD.value,
            User.council_id == council_id,
            User.active.is_(True),
        )
        .order_by(User.id)
    ).all()
    if leads:
        return list(leads)
    return list(admins(session))


def admins(session: Session) -> Sequence[User]:
    """Every active admin."""
    return session.scalars(
        select(User).where(User.role == Role.ADMIN.value, User.active.is_(True)).order_by(User.id)
    ).all()


def council_has_lead(session: Session, council_id: int) -> bool:
    """Whether a council has a named, active safeguarding lead."""
    return (
        session.scalar(
            select(User.id).where(
                User.role == Role.SAFEGUARDING_LEAD.value,
                User.council_id == council_id,
                User.active.is_(True),
            )
        )
        is not None
    )


def notify(
    session: Session,
    concern: Concern,
    people: Iterable[User],
    kind: NotificationKind,
    round_number: int,
) -> tuple[int, ...]:
    """Write one pending email per person about concern (once per person and round)."""
    made = []
    for person in people:
        already = session.scalar(
            select(ConcernNotification.id).where(
                ConcernNotification.concern_id == concern.id,
                ConcernNotification.email == person.email,
                ConcernNotification.round == round_number,
            )
        )
        if already is not None:
            continue
        notification = ConcernNotification(
            concern_id=concern.id,
            user_id=person.id,
            email=person.email,
            kind=kind.value,
            round=round_number,
        )
        session.add(notification)
        session.flush()
        made.append(notification.id)
    return tuple(made)


def raise_concern(
    session: Session,
    vault: TextVault,
    *,
    council_id: int,
    origin: ConcernOrigin,
    level: ConcernLevel,
    reasons: Sequence[str],
    now: dt.datetime,
    distribution_id: int | None = None,
    survey_id: str | None = None,
    response_id: int | None = None,
    texts: Sequence[FlaggedText] = (),
) -> Raised:
    """Record a new concern (with the flagged words encrypted) and an alert for each recipient."""
    concern = Concern(
        council_id=council_id,
        distribution_id=distribution_id,
        survey_id=survey_id,
        response_id=response_id,
        origin=origin.value,
        level=level.value,
        reasons=list(dict.fromkeys(reasons)),
        status=ConcernStatus.NEW.value,
        raised_at=now,
    )
    session.add(concern)
    session.flush()
    # A new concern keeps no words yet: each flagged answer's are added, not looked up first.
    for flagged in dict((flagged.question_id, flagged) for flagged in texts).values():
        session.add(
            ConcernText(
                concern_id=concern.id,
                question_id=flagged.question_id,
                ciphertext=vault.seal(flagged.text),
                reasons=list(flagged.reasons),
            )
        )
    notifications = notify(
        session, concern, recipients(session, council_id), NotificationKind.ALERT, 0
    )
    return Raised(concern.id, notifications)


def _keep_text(session: Session, vault: TextVault, concern: Concern, flagged: FlaggedText) -> None:
    """Keep (or replace) the encrypted words of one flagged answer on concern."""
    kept = session.scalar(
        select(ConcernText).where(
            ConcernText.concern_id == concern.id, ConcernText.question_id == flagged.question_id
        )
    )
    if kept is None:
        session.add(
            ConcernText(
                concern_id=concern.id,
                question_id=flagged.question_id,
                ciphertext=vault.seal(flagged.text),
                reasons=list(flagged.reasons),
            )
        )
    else:
        kept.ciphertext = vault.seal(flagged.text)
        kept.reasons = list(flagged.reasons)
    session.flush()


def _stronger(a: str, b: str) -> str:
    return ConcernLevel.ALERT.value if ConcernLevel.ALERT.value in (a, b) else a


def add_to_concern(
    session: Session, vault: TextVault, concern: Concern, texts: Sequence[FlaggedText]
) -> None:
    """Add flagged answers to an existing concern, raising its level if they are stronger."""
    for flagged in texts:
        _keep_text(session, vault, concern, flagged)
        concern.level = _stronger(concern.level, flagged.level.value)
        concern.reasons = list(dict.fromkeys([*concern.reasons, *flagged.reasons]))


def flag_response(
    session: Session,
    vault: TextVault,
    *,
    response_id: int,
    council_id: int,
    distribution_id: int,
    survey_id: str,
    texts: Sequence[FlaggedText],
    now: dt.datetime,
) -> Raised | None:
    """The worker's authoritative screen of a saved response: one concern per response, however
    often this runs. If the child's request already raised it (and the submission attached it),
    the answers are added to that concern and nobody is emailed twice."""
    if not texts:
        return None
    # The id alone, locked: most responses' concern is new, and loading an entity (with its
    # council) to find none cost the worker more than the round trip.
    existing = session.execute(_CONCERN_OF_RESPONSE, {"response_id": response_id}).scalar()
    if existing is not None:
        concern = session.get(Concern, existing)
        assert concern is not None
        add_to_concern(session, vault, concern, texts)
        return Raised(concern.id, ())
    strongest = (
        ConcernLevel.ALERT
        if any(flagged.level == ConcernLevel.ALERT for flagged in texts)
        else ConcernLevel.REVIEW
    )
    # What `raise_concern` writes, row for row and in the same order, as plain inserts: the
    # ORM's units of work for these rows cost the worker more than anonymising the answers.
    session.flush()
    concern_id = session.execute(
        _NEW_CONCERN,
        {
            "council_id": council_id,
            "distribution_id": distribution_id,
            "survey_id": survey_id,
            "response_id": response_id,
            "origin": ConcernOrigin.ANSWER.value,
            "level": strongest.value,
            "reasons": list(dict.fromkeys(r for flagged in texts for r in flagged.reasons)),
            "status": ConcernStatus.NEW.value,
            "raised_at": now,
        },
    ).scalar_one()
    for flagged in dict((flagged.question_id, flagged) for flagged in texts).values():
        session.execute(
            _NEW_CONCERN_TEXT,
            {
                "concern_id": concern_id,
                "question_id": flagged.question_id,
                "ciphertext": vault.seal(flagged.text),
                "reasons": list(flagged.reasons),
            },
        )
    made = []
    for user_id, email in _recipient_addresses(session, council_id):
        made.append(
            session.execute(
                _NEW_NOTIFICATION,
                {
                    "concern_id": concern_id,
                    "user_id": user_id,
                    "email": email,
                    "kind": NotificationKind.ALERT.value,
                    "round": 0,
                },
            ).scalar_one()
        )
    return Raised(concern_id, tuple(made))


_concerns = cast(Table, Concern.__table__)
_CONCERN_OF_RESPONSE = (
    select(_concerns.c.id)
    .where(_concerns.c.response_id == bindparam("response_id"))
    .with_for_update(of=_concerns)
)
_NEW_CONCERN = insert(_concerns).returning(_concerns.c.id)
_NEW_CONCERN_TEXT = insert(cast(Table, ConcernText.__table__))
_notifications = cast(Table, ConcernNotification.__table__)
_NEW_NOTIFICATION = insert(_notifications).returning(_notifications.c.id)
_users = User.__table__
_RECIPIENTS = (
    select(_users.c.id, _users.c.email, _users.c.role)
    .where(
        _users.c.active.is_(True),
        or_(
            (_users.c.role == Role.SAFEGUARDING_LEAD.value)
            & (_users.c.council_id == bindparam("council_id")),
            _users.c.role == Role.ADMIN.value,
        ),
    )
    .order_by(_users.c.id)
)


def _recipient_addresses(session: Session, council_id: int) -> list[tuple[int, str]]:
    """`recipients`' ids and emails, in one round trip: the council's active safeguarding
    leads, or, when it has none, every active admin."""
    rows = session.execute(_RECIPIENTS, {"council_id": council_id}).all()
    leads = [(row.id, row.email) for row in rows if row.role == Role.SAFEGUARDING_LEAD.value]
    return leads or [(row.id, row.email) for row in rows if row.role == Role.ADMIN.value]


def attach_to_response(session: Session, concern_ids: Iterable[int], response_id: int) -> None:
    """Tie the concerns a child's answers raised while they answered to the response they sent,
    so the lead sees the other answers and the worker does not raise a second concern. Only the
    first of several concerns takes the response (one concern per response)."""
    ids = sorted(set(concern_ids))
    if not ids:
        return
    taken = session.scalar(select(Concern.id).where(Concern.response_id == response_id))
    if taken is not None:
        return
    session.execute(
        update(Concern)
        .where(Concern.id == ids[0], Concern.response_id.is_(None))
        .values(response_id=response_id)
    )


@dataclass(frozen=True)
class ContactDetails:
    """What a child chose to tell us so that someone can contact them."""

    how_to_reach: str
    good_time: str
    safe_to_call: str  # "yes", "no" or "" (not said)


def save_contact_request(
    session: Session,
    vault: TextVault,
    concern: Concern,
    details: ContactDetails,
    today: dt.date,
    retention_days: int,
) -> ContactRequest:
    """Keep a child's contact request (encrypted) with their concern, until the retention ends."""
    sealed = vault.seal_json(
        {
            "how_to_reach": details.how_to_reach,
            "good_time": details.good_time,
            "safe_to_call": details.safe_to_call,
        }
    )
    request = concern.contact_request
    if request is None:
        request = ContactRequest(concern_id=concern.id, sealed=sealed)
        session.add(request)
    else:
        request.sealed = sealed
    request.created_on = today
    request.destroy_on = today + dt.timedelta(days=retention_days)
    session.flush()
    return request


def read_contact_request(vault: TextVault, request: ContactRequest) -> ContactDetails:
    """Open a contact request for the lead."""
    opened: Mapping[str, str] = vault.open_json(request.sealed) or {}
    return ContactDetails(
        how_to_reach=opened.get("how_to_reach", ""),
        good_time=opened.get("good_time", ""),
        safe_to_call=opened.get("safe_to_call", ""),
    )
