"""Thin actors: each takes an id, calls the domain functions, and commits."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

import dramatiq
from dramatiq.middleware import TimeLimitExceeded

from survey_app import exports, processing
from survey_app.models import Export, utcnow
from survey_app.safeguarding import alerts as safeguarding_alerts
from survey_app.safeguarding import mail

from . import runtime
from .broker import broker  # noqa: F401  (the broker must be set before actors are declared)

log = logging.getLogger(__name__)

QUEUE = "responses"
# Exports take seconds to minutes: a queue of their own, so a worker can be given only them.
EXPORT_QUEUE = "exports"


@dramatiq.actor(queue_name=QUEUE, max_retries=8, min_backoff=500, max_backoff=60_000)
def anonymise_response(response_id: int) -> None:
    """Screen a response's free text for risk, redact it and destroy the raw text; then send
    the alerts of any concern it raised."""
    alerts: list[int] = []
    with runtime.database().session() as session:
        processing.anonymise_response(
            session, runtime.vault(), response_id, runtime.settings(), alerts
        )
        session.commit()
    enqueue_concern_emails(alerts)


@dramatiq.actor(queue_name=QUEUE, max_retries=8, min_backoff=500, max_backoff=60_000)
def aggregate_response(response_id: int) -> None:
    """Add a response to the counts, exactly once."""
    with runtime.database().session() as session:
        processing.aggregate_response(session, response_id)
        session.commit()


@dramatiq.actor(queue_name=QUEUE, max_retries=8, min_backoff=500, max_backoff=60_000)
def process_response(response_id: int) -> None:
    """Screen a response's free text for risk, anonymise it, then count it, in one message and
    one transaction; then send the alerts of any concern it raised.

    One message, connection and transaction instead of two of each (the broker's and the
    database's round trips cost the worker more than the anonymising and counting). Both steps
    are safe to run twice, so a retry redoes only what a failure rolled back.
    """
    alerts: list[int] = []
    with runtime.database().session() as session:
        processing.anonymise_response(
            session, runtime.vault(), response_id, runtime.settings(), alerts
        )
        processing.aggregate_response(session, response_id)
        session.commit()
    enqueue_concern_emails(alerts)


def enqueue_processing(response_id: int) -> None:
    """Send the one message that processes a saved response: anonymise it, then count it.

    One broker call in the web request; the sweeper catches a response whose message was lost.
    """
    process_response.send(response_id)


@dramatiq.actor(
    queue_name=EXPORT_QUEUE,
    max_retries=exports.MAX_ATTEMPTS,
    min_backoff=1_000,
    max_backoff=60_000,
    time_limit=int(exports.TIME_LIMIT.total_seconds() * 1000),
)
def build_export(export_id: int) -> None:
    """Write an export's file and mark it ready, or record why it failed (retrying while
    attempts remain)."""
    database = runtime.database()
    with database.session() as session:
        claimed = exports.claim_export(session, export_id, utcnow())
        session.commit()
    if not claimed:
        return  # done, being built, or given up
    try:
        with database.session() as session:
            export = session.get_one(Export, export_id)
            definition = runtime.surveys().get(export.survey_id)
            if definition is None:
                raise exports.ExportProblem(f"The survey '{export.survey_id}' is not loaded.")
            written = exports.write_export(
                session, export, definition, Path(runtime.settings()["EXPORT_DIR"])
            )
    except (Exception, TimeLimitExceeded) as problem:
        if isinstance(problem, TimeLimitExceeded):
            problem = exports.ExportProblem(
                "It took longer than the workers' time limit: choose fewer responses."
            )
        with database.session() as session:
            final = exports.fail_export(session, export_id, problem, utcnow())
            session.commit()
        if not final:
            raise
        log.error("export %s failed", export_id, exc_info=problem)
        return
    with database.session() as session:
        exports.finish_export(
            session, export_id, written.name, written.rows, written.size, utcnow()
        )
        session.commit()


def enqueue_export(export_id: int) -> None:
    """Send an export to the workers."""
    build_export.send(export_id)


@dramatiq.actor(queue_name=QUEUE, max_retries=10, min_backoff=5_000, max_backoff=600_000)
def send_concern_email(notification_id: int) -> None:
    """Send one alert email about a concern, once: a redelivered message finds it sent. A
    failure is recorded (attempts, the server's reply code) and raised, so it is retried."""
    settings = mail.MailSettings.of(runtime.settings())
    with runtime.database().session() as session:
        # Locked while the mail server is talked to: a second worker waits, then finds it sent.
        notification = safeguarding_alerts.claim(session, notification_id)
        if notification is None:
            return
        message = mail.alert_message(
            safeguarding_alerts.alert_for(session, notification), notification.email, settings
        )
        try:
            mail.send(message, settings)
        except mail.MailFailure as failure:
            safeguarding_alerts.mark_failed(notification, failure.reason)
            session.commit()
            log.warning("alert email %s not sent: %s; will retry", notification_id, failure.reason)
            raise
        safeguarding_alerts.mark_sent(notification, utcnow())
        session.commit()


def enqueue_concern_emails(notification_ids: Sequence[int]) -> None:
    """Send the alert emails written by a committed transaction. If the broker is down they stay
    pending in the database, and the sweeper sends them later."""
    for notification_id in notification_ids:
        try:
            send_concern_email.send(notification_id)
        except Exception:
            log.warning(
                "could not enqueue alert email %s; the sweeper will retry",
                notification_id,
                exc_info=True,
            )
