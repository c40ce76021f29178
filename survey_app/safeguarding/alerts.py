"""Where each alert email stands: which to send, what it may say, sent or failed and why.

Functions take a session and never commit; the sending actor holds the notification's row while
it talks to the mail server, so two workers given the same message send it once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..models import (
    Concern,
    ConcernLevel,
    ConcernNotification,
    Distribution,
    NotificationKind,
    NotificationStatus,
    Survey,
)
from .mail import Alert

# A pending email older than this, or one that failed, is a problem to show.
OVERDUE_AFTER = dt.timedelta(minutes=1)


def claim(session: Session, notification_id: int) -> ConcernNotification | None:
    """The notification to send, locked until the caller commits; None if it was already sent
    (a redelivered message) or no longer exists."""
    notification = session.scalar(
        select(ConcernNotification)
        .where(ConcernNotification.id == notification_id)
        .with_for_update(of=ConcernNotification)
    )
    if notification is None or notification.status == NotificationStatus.SENT:
        return None
    return notification


def alert_for(session: Session, notification: ConcernNotification) -> Alert:
    """What the email about notification's concern may say."""
    concern = session.get_one(Concern, notification.concern_id)
    title = (
        session.scalar(select(Survey.title).where(Survey.id == concern.survey_id))
        if concern.survey_id
        else None
    )
    label = (
        session.scalar(select(Distribution.label).where(Distribution.id == concern.distribution_id))
        if concern.distribution_id
        else None
    )
    return Alert(
        concern_id=concern.id,
        kind=NotificationKind(notification.kind),
        round_number=notification.round,
        level=ConcernLevel(concern.level),
        council=concern.council.name,
        survey_title=title or "",
        distribution_label=label or "",
        raised_at=concern.raised_at,
        reference=f"{notification.created_at:%Y%m%d%H%M%S%f}.{notification.id}",
    )


def mark_sent(notification: ConcernNotification, now: dt.datetime) -> None:
    """Record a successful hand-over to the mail server."""
    notification.attempts += 1
    notification.status = NotificationStatus.SENT
    notification.sent_at = now
    notification.last_error = ""


def mark_failed(notification: ConcernNotification, reason: str) -> None:
    """Record a failed try (reason: the server's reply code or the kind of error, never the
    email's content); it stays pending, to be tried again."""
    notification.attempts += 1
    notification.last_error = reason[:300]


def pending_ids(session: Session, created_before: dt.datetime) -> list[int]:
    """Emails still waiting that were written before created_before (their message was lost,
    or every retry failed): the sweeper sends them again."""
    return list(
        session.scalars(
            select(ConcernNotification.id)
            .where(
                ConcernNotification.status == NotificationStatus.PENDING,
                ConcernNotification.created_at < created_before,
            )
            .order_by(ConcernNotification.id)
        )
    )


@dataclass(frozen=True)
class Unsent:
    """Emails not yet sent: how many, and how many are a problem (failed, or waiting too long)."""

    pending: int
    failed: int
    overdue: int

    @property
    def troubled(self) -> bool:
        return bool(self.failed or self.overdue)


def unsent(session: Session, now: dt.datetime, council_ids: Sequence[int] | None = None) -> Unsent:
    """Count unsent emails (for /healthz, and for the leads' page of some councils)."""
    pending = ConcernNotification.status == NotificationStatus.PENDING
    query = select(
        func.count(ConcernNotification.id),
        func.count(ConcernNotification.id).filter(ConcernNotification.attempts > 0),
        func.count(ConcernNotification.id).filter(
            ConcernNotification.created_at < now - OVERDUE_AFTER
        ),
    ).where(pending)
    if council_ids is not None:
        query = query.join(Concern, ConcernNotification.concern_id == Concern.id).where(
            Concern.council_id.in_(list(council_ids))
        )
    total, failed, overdue = session.execute(query).one()
    return Unsent(int(total or 0), int(failed or 0), int(overdue or 0))


def unsent_by_concern(
    session: Session, concern_ids: Sequence[int]
) -> dict[int, list[ConcernNotification]]:
    """The unsent emails of each concern, for the leads' page."""
    found: dict[int, list[ConcernNotification]] = {}
    if not concern_ids:
        return found
    for notification in session.scalars(
        select(ConcernNotification)
        .where(
            ConcernNotification.concern_id.in_(list(concern_ids)),
            ConcernNotification.status == NotificationStatus.PENDING,
        )
        .order_by(ConcernNotification.id)
    ):
        found.setdefault(notification.concern_id, []).append(notification)
    return found
