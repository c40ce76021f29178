"""Thin actors: each takes an id, calls the domain functions, and commits (building an export
commits step by step inside `exports.build_export`).

The actors are declared, when this module is imported, on `broker.NOT_SET_UP`, a broker that
refuses to send; `workers.setup.setup_workers` then declares each of them on the broker the
settings choose (`broker.declare_actor`, which Dramatiq allows for an actor made elsewhere) and
gives them their `WorkerContext`. So importing this module needs no broker, reads no
environment and connects to nothing, and the web app and the worker process choose the broker
from their own settings.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from pathlib import Path

import dramatiq
from dramatiq.brokers.stub import StubBroker
from dramatiq.middleware import TimeLimitExceeded
from sqlalchemy.orm import Session

from survey_app import aggregating, anonymising, audits, backlog, exports, feedback, themes
from survey_app.background import BackgroundWork, HandOff
from survey_app.focus_groups import processing as focus_group_processing
from survey_app.models import utcnow
from survey_app.respondent import submission
from survey_app.safeguarding import alerts as safeguarding_alerts
from survey_app.safeguarding import mail

from .broker import NOT_SET_UP
from .context import current_context

log = logging.getLogger(__name__)

QUEUE = "responses"
# Exports take seconds to minutes: a queue of their own, so a worker can be given only them.
EXPORT_QUEUE = "exports"


class ProcessingFailed(Exception):
    """Processing a response failed; says which step, response and kind of error, never more
    (the original message, or a traceback of it, could quote the answer)."""


def _process(step: str, response_id: int, work: Callable[[Session], object]) -> bool:
    """Run one step on a response and commit (True); on failure count the attempt and raise
    ProcessingFailed (the broker retries soon) until the response is held back, then stop and
    return False (the sweeper tries it again on its slow schedule)."""
    context = current_context()
    try:
        with context.database.session() as session:
            work(session)
            session.commit()
        return True
    except Exception as error:
        kind = type(error).__name__
    try:
        with context.database.session() as session:
            attempts = backlog.count_failed_attempt(session, response_id)
            session.commit()
    except Exception as error:  # the database itself is down: the broker retries
        raise ProcessingFailed(
            f"{step} of response {response_id} failed ({kind}); the failure could not be "
            f"counted ({type(error).__name__})"
        ) from None
    limit = int(context.settings["PROCESSING_MAX_ATTEMPTS"])
    if attempts < limit:
        raise ProcessingFailed(
            f"{step} of response {response_id} failed ({kind}), attempt {attempts} of {limit}"
        ) from None
    log.error(
        "%s of response %s failed (%s) %s times: held back, tried again later",
        step,
        response_id,
        kind,
        attempts,
    )
    return False


@dramatiq.actor(
    broker=NOT_SET_UP, queue_name=QUEUE, max_retries=8, min_backoff=500, max_backoff=60_000
)
def anonymise_response(response_id: int) -> None:
    """Screen a response's free text for risk, redact it and destroy the raw text; then send
    the alerts of any concern it raised."""
    context = current_context()
    alerts: list[int] = []

    def open_then_anonymise(session: Session) -> None:
        _open_sent_draft(session, response_id)
        anonymising.anonymise_response(
            session, context.vault, response_id, context.settings, alerts
        )

    if _process("anonymising", response_id, open_then_anonymise):
        enqueue_concern_emails(alerts)


@dramatiq.actor(
    broker=NOT_SET_UP, queue_name=QUEUE, max_retries=8, min_backoff=500, max_backoff=60_000
)
def aggregate_response(response_id: int) -> None:
    """Add a response to the counts, exactly once."""
    _process("counting", response_id, lambda session: _count(session, response_id))


def _count(session: Session, response_id: int) -> None:
    """Count a response once; one counted after its period closed is marked late and replaces
    no earlier answer, so the closed period's tables stay as they were."""
    _open_sent_draft(session, response_id)
    counting = _counting(session)
    aggregating.count_response(session, response_id, counting.publication_of, counting.now)


def _open_sent_draft(session: Session, response_id: int) -> None:
    """First, in the same transaction: a response Send saved as its sealed draft becomes its
    answers and encrypted free texts (`submission.open_sent_draft`)."""
    context = current_context()
    submission.open_sent_draft(
        session, context.vault, response_id, context.loaded_surveys.current(session)
    )


def _counting(session: Session) -> aggregating.Counting:
    """The publication settings of the surveys being answered, and the time now, to count a
    response by."""
    context = current_context()
    publication = {
        survey_id: definition.publication
        for survey_id, definition in context.loaded_surveys.current(session).items()
    }
    return aggregating.Counting(publication, context.clock.now())


@dramatiq.actor(
    broker=NOT_SET_UP, queue_name=QUEUE, max_retries=8, min_backoff=500, max_backoff=60_000
)
def process_response(response_id: int) -> None:
    """Screen a response's free text for risk, anonymise it, then count it, in one message and
    one transaction; then send the alerts of any concern it raised.

    One message, connection and transaction instead of two of each (the broker's and the
    database's round trips cost the worker more than the anonymising and counting). Both steps
    are safe to run twice, so a retry redoes only what a failure rolled back.
    """
    context = current_context()
    alerts: list[int] = []

    def anonymise_then_count(session: Session) -> None:
        _open_sent_draft(session, response_id)
        counting = _counting(session)
        # On PostgreSQL the redactions' statement counts the response too, where it can.
        anonymising.anonymise_response(
            session, context.vault, response_id, context.settings, alerts, counting
        )
        if not counting.counted:
            aggregating.count_response(session, response_id, counting.publication_of, counting.now)

    if _process("processing", response_id, anonymise_then_count):
        enqueue_concern_emails(alerts)


@dramatiq.actor(broker=NOT_SET_UP, queue_name=QUEUE, max_retries=0)
def process_responses(response_ids: list[int]) -> None:
    """Process responses the web app saved within a few milliseconds of each other (sent in one
    message, see `background_work`): each as `process_response` does, in its own transaction.
    One whose processing failed goes on as its own `process_response` message, with that
    actor's retries; a batch cut short (the worker died) is the sweeper's to finish."""
    for response_id in response_ids:
        try:
            process_response.fn(response_id)
        except ProcessingFailed:
            process_response.send_with_options(args=(response_id,), delay=500)


def enqueue_processing(response_id: int) -> None:
    """Send the one message that processes a saved response: anonymise it, then count it.

    One broker call after the commit; the sweeper catches a response whose message was lost.
    """
    process_response.send(response_id)


def enqueue_processing_of(response_ids: list[int]) -> None:
    """Send the one message that processes these saved responses (one of them: its own)."""
    if len(response_ids) == 1:
        process_response.send(response_ids[0])
    else:
        process_responses.send(response_ids)


@dramatiq.actor(
    broker=NOT_SET_UP,
    queue_name=EXPORT_QUEUE,
    max_retries=exports.MAX_ATTEMPTS,
    min_backoff=1_000,
    max_backoff=60_000,
    time_limit=int(exports.TIME_LIMIT.total_seconds() * 1000),
)
def build_export(export_id: int) -> None:
    """Write an export's file and mark it ready, or record why it failed (raising, so it is
    retried, while attempts remain)."""
    context = current_context()
    exports.build_export(
        context.database,
        export_id,
        context.surveys,
        Path(context.settings["EXPORT_DIR"]),
        time_limit=TimeLimitExceeded,
    )


def enqueue_export(export_id: int) -> None:
    """Send an export to the workers."""
    build_export.send(export_id)


@dramatiq.actor(
    broker=NOT_SET_UP, queue_name=QUEUE, max_retries=10, min_backoff=5_000, max_backoff=600_000
)
def send_concern_email(notification_id: int) -> None:
    """Send one alert email about a concern, once: a redelivered message finds it sent. A
    failure is recorded (attempts, the server's reply code) and raised, so it is retried."""
    context = current_context()
    settings = mail.MailSettings.of(context.settings)
    with context.database.session() as session:
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


# Focus groups -----------------------------------------------------------------------------


@dramatiq.actor(
    broker=NOT_SET_UP, queue_name=QUEUE, max_retries=8, min_backoff=500, max_backoff=60_000
)
def process_focus_group_item(item_id: int) -> None:
    """Screen a focus-group item's words for risk, then anonymise them and destroy the raw text
    (a failure holds the item back, counted, for the sweeper); then send any alert emails."""
    context = current_context()
    alerts: list[int] = []
    with context.database.session() as session:
        focus_group_processing.process_item(
            session, context.vault, item_id, context.settings, utcnow(), alerts
        )
        session.commit()
    enqueue_concern_emails(alerts)


def enqueue_focus_group_items(item_ids: Sequence[int]) -> None:
    """Send one message per committed item with words; the sweeper catches any that are lost."""
    for item_id in item_ids:
        process_focus_group_item.send(item_id)


# Suggesting themes: a queue of its own, so a burst of coding work never delays a child's
# answers being screened and counted.
THEMES_QUEUE = "themes"


@dramatiq.actor(broker=NOT_SET_UP, queue_name=THEMES_QUEUE, max_retries=5, min_backoff=5_000)
def suggest_themes() -> None:
    """Register every source's new free-text items and suggest themes for those without
    suggestions, a batch at a time. Takes no id: safe to run again and again (each item is
    suggested for once; two runs at once collide on an item's key and the loser retries)."""
    context = current_context()
    directory = Path(context.settings["SURVEY_DIR"])
    if not (directory / themes.CODEBOOK_FILE).is_file():
        return
    suggester = themes.suggester_for(themes.load_codebook(directory))
    with context.database.session() as session:
        done = themes.suggest_for_new_items(session, suggester)
        session.commit()
    if done:
        log.info("themes suggested for %d items", done)


def enqueue_theme_suggestions() -> None:
    """Send the suggester to the workers (after the items it is for were committed)."""
    suggest_themes.send()


# Other voices: complaints and compliments, case-file audit notes (issue 15) -----------------


@dramatiq.actor(
    broker=NOT_SET_UP, queue_name=QUEUE, max_retries=8, min_backoff=500, max_backoff=60_000
)
def anonymise_feedback_item(item_id: int) -> None:
    """Anonymise an imported complaint's or compliment's words and destroy the raw text (held
    back, still encrypted, if that fails: the sweeper offers it again)."""
    context = current_context()
    with context.database.session() as session:
        feedback.anonymise_item(session, context.vault, item_id, context.settings)
        session.commit()


@dramatiq.actor(
    broker=NOT_SET_UP, queue_name=QUEUE, max_retries=8, min_backoff=500, max_backoff=60_000
)
def anonymise_case_audit(audit_id: int) -> None:
    """Anonymise a case-file audit's notes and destroy the raw text (held back if that fails)."""
    context = current_context()
    with context.database.session() as session:
        audits.anonymise_notes(session, context.vault, audit_id, context.settings)
        session.commit()


def enqueue_feedback(item_ids: Sequence[int]) -> None:
    """Send the imported items of a committed import to be anonymised; if the broker is down
    they wait in the database, and the sweeper sends them."""
    for item_id in item_ids:
        anonymise_feedback_item.send(item_id)


def enqueue_case_audit(audit_id: int) -> None:
    """Send a committed audit's notes to be anonymised."""
    anonymise_case_audit.send(audit_id)


# Every actor, for `workers.setup` to declare on the broker it sets up.
ACTORS: tuple[dramatiq.Actor[..., None], ...] = (
    anonymise_response,
    aggregate_response,
    process_response,
    process_responses,
    build_export,
    send_concern_email,
    process_focus_group_item,
    suggest_themes,
    anonymise_feedback_item,
    anonymise_case_audit,
)


def background_work(broker: dramatiq.Broker) -> BackgroundWork:
    """The calls the web app sends work to these actors on broker with.

    A saved response is handed off to a thread that sends its processing while the request goes
    on, in one message with the others saved in the same few milliseconds (Send is the busiest
    request there is, and the broker's round trip was its longest wait); one lost on the way is
    the sweeper's to send, as a message lost to a broker that was down always was. On a stub
    broker (the demo, tests) each is sent at once: sending costs nothing there, and a test's
    in-process worker drains the queue straight after the request.
    """
    send = (
        enqueue_processing
        if isinstance(broker, StubBroker)
        else HandOff(enqueue_processing_of, "the processing of responses")
    )
    return BackgroundWork(
        process_response=send,
        build_export=enqueue_export,
        send_concern_emails=enqueue_concern_emails,
        process_focus_group_items=enqueue_focus_group_items,
        anonymise_feedback=enqueue_feedback,
        anonymise_audit=enqueue_case_audit,
    )
