"""A worker-side thread that writes heartbeats, re-sends responses, exports, alert emails and
focus-group items whose messages were lost (responses that keep failing only now and then),
reminds leads of unacknowledged concerns, and deletes export files and contact requests past
their retention period.

Each pass calls the domain's functions with the `WorkerContext` that `workers.setup` gave, and
sends to the actors; `workers.setup` adds the `Sweeper` to the broker beside them."""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading
import time
from collections.abc import Iterable
from pathlib import Path

import dramatiq

from survey_app import backlog, themes
from survey_app.audits import unprocessed_audit_ids
from survey_app.backlog import retry_delay, unprocessed_attempts, unprocessed_response_ids
from survey_app.exports import expire_files, waiting_export_ids
from survey_app.feedback import unprocessed_item_ids
from survey_app.focus_groups.processing import unprocessed_items
from survey_app.models import utcnow
from survey_app.respondent.drafts import purge_expired_drafts
from survey_app.safeguarding import alerts, casework

from . import actors
from .context import current_context

log = logging.getLogger(__name__)


class RetrySchedule:
    """When this worker may next send each response that failed again, so a held-back
    response is tried on a slowing schedule, not every sweep."""

    def __init__(self) -> None:
        self._due: dict[int, tuple[int, float]] = {}

    def may_send(self, response_id: int, attempts: int, delay: float, now: float) -> bool:
        """Whether the response is due; the first time it is seen with these attempts, its
        next try is set delay seconds from now."""
        if delay <= 0:
            self._due.pop(response_id, None)
            return True
        seen = self._due.get(response_id)
        if seen is None or seen[0] != attempts:
            self._due[response_id] = (attempts, now + delay)
            return False
        return now >= seen[1]

    def forget_all_but(self, response_ids: Iterable[int]) -> None:
        keep = set(response_ids)
        self._due = {key: value for key, value in self._due.items() if key in keep}


retry_schedule = RetrySchedule()


class WaitingSince:
    """Since when this worker has seen each unprocessed response (held-back ones aside): the
    oldest is how far behind processing is, reported on /healthz."""

    def __init__(self) -> None:
        self._first_seen: dict[int, dt.datetime] = {}

    def update(self, waiting: Iterable[int], now: dt.datetime) -> dt.datetime | None:
        """Record a sweep's waiting responses; returns since when the oldest has waited."""
        self._first_seen = {
            response_id: self._first_seen.get(response_id, now) for response_id in waiting
        }
        return min(self._first_seen.values(), default=None)


def sweep(only: set[int] | None = None, waiting_since: WaitingSince | None = None) -> set[int]:
    """Re-send processing for unprocessed responses (all, or those in only; a held-back one only
    when its slow schedule says so); returns what it saw."""
    context = current_context()
    limit = int(context.settings["PROCESSING_MAX_ATTEMPTS"])
    interval = float(context.settings["SWEEP_INTERVAL_SECONDS"])
    with context.database.session() as session:
        pending = set(unprocessed_response_ids(session))
        failures = unprocessed_attempts(session)
        if waiting_since is not None:
            oldest = waiting_since.update(
                (i for i in pending if failures.get(i, 0) < limit), utcnow()
            )
            backlog.record_oldest_unprocessed(session, worker_name(), oldest)
            session.commit()
        targets = pending if only is None else pending & only
        now = time.monotonic()
        retry_schedule.forget_all_but(failures)
        targets = {
            response_id
            for response_id in targets
            if retry_schedule.may_send(
                response_id,
                failures.get(response_id, 0),
                retry_delay(failures.get(response_id, 0), limit, interval),
                now,
            )
        }
        if not targets:
            return pending
        steps = backlog.next_steps(session, targets)
    to_process = sorted(i for i, step in steps.items() if step == backlog.NextStep.PROCESS)
    # Several to a message (each in its own transaction, a failing one on its own with retries):
    # after a restart or an outage the backlog can be thousands, and a message costs the worker
    # about as much as counting a response does.
    for start in range(0, len(to_process), RESEND_BATCH):
        actors.enqueue_processing_of(to_process[start : start + RESEND_BATCH])
    for response_id, step in steps.items():
        if step != backlog.NextStep.PROCESS:
            RESEND[step].send(response_id)
    log.info("sweeper re-sent %d responses", len(steps))
    return pending


# Responses re-sent in one message by the sweeper.
RESEND_BATCH = 20


# The actor that does what a response still needs.
RESEND = {
    backlog.NextStep.PROCESS: actors.process_response,
    backlog.NextStep.ANONYMISE: actors.anonymise_response,
    backlog.NextStep.AGGREGATE: actors.aggregate_response,
}


item_retry_schedule = RetrySchedule()


def sweep_focus_group_items(only: set[int] | None = None) -> set[int]:
    """Re-send focus-group items whose words still wait (all, or those in only: the ones that
    stayed waiting a whole interval; one that keeps failing on the slowing schedule responses
    follow); returns what it saw. Until then their words stay encrypted and unpublished."""
    context = current_context()
    limit = int(context.settings["PROCESSING_MAX_ATTEMPTS"])
    interval = float(context.settings["SWEEP_INTERVAL_SECONDS"])
    with context.database.session() as session:
        waiting = unprocessed_items(session)
    item_retry_schedule.forget_all_but(waiting)
    now = time.monotonic()
    targets = {
        item_id
        for item_id, attempts in waiting.items()
        if (only is None or item_id in only)
        and item_retry_schedule.may_send(
            item_id, attempts, retry_delay(attempts, limit, interval), now
        )
    }
    for item_id in sorted(targets):
        actors.process_focus_group_item.send(item_id)
    if targets:
        log.info("sweeper re-sent %d focus-group items", len(targets))
    return set(waiting)


def worker_name() -> str:
    """This worker process's name in the heartbeat table."""
    return f"{socket.gethostname()}:{os.getpid()}"


def sweep_exports(only: set[int] | None = None) -> set[int]:
    """Re-send exports no worker is building (all, or those in only); returns what it saw."""
    with current_context().database.session() as session:
        waiting = waiting_export_ids(session, utcnow())
    targets = waiting if only is None else waiting & only
    for export_id in sorted(targets):
        actors.build_export.send(export_id)
    if targets:
        log.info("sweeper re-sent %d exports", len(targets))
    return waiting


def expire_exports() -> list[int]:
    """Delete export files older than the retention period; returns the exports expired."""
    context = current_context()
    with context.database.session() as session:
        expired = expire_files(
            session,
            Path(context.settings["EXPORT_DIR"]),
            utcnow(),
            dt.timedelta(days=float(context.settings["EXPORT_RETENTION_DAYS"])),
        )
        session.commit()
    if expired:
        log.info("sweeper deleted the files of %d expired exports", len(expired))
    return expired


def purge_drafts() -> int:
    """Delete answers in progress that were not sent within their lifetime."""
    with current_context().database.session() as session:
        purged = purge_expired_drafts(session)
        session.commit()
    return purged


def sweep_concern_emails() -> list[int]:
    """Send again the alert emails still pending after the grace period (a lost message, a
    broker that was down, or a mail server that failed every retry); returns them."""
    context = current_context()
    grace = dt.timedelta(seconds=float(context.settings["SWEEP_GRACE_SECONDS"]))
    with context.database.session() as session:
        pending = alerts.pending_ids(session, utcnow() - grace)
    for notification_id in pending:
        # One try each: the sweeper itself is the retry loop, so messages do not pile up.
        actors.send_concern_email.send_with_options(args=(notification_id,), max_retries=0)
    if pending:
        log.info("sweeper re-sent %d alert emails", len(pending))
    return pending


def escalate_concerns(now: dt.datetime | None = None) -> list[int]:
    """Remind the leads and the admins of concerns nobody acknowledged in time; returns the
    reminder emails sent."""
    context = current_context()
    hours = float(context.settings["CONCERN_ACK_HOURS"])
    with context.database.session() as session:
        reminders = casework.escalate_overdue(session, now or utcnow(), dt.timedelta(hours=hours))
        session.commit()
    actors.enqueue_concern_emails(reminders)
    return reminders


def purge_contact_requests(today: dt.date | None = None) -> int:
    """Destroy children's contact requests past their retention period."""
    with current_context().database.session() as session:
        purged = casework.purge_contact_requests(session, today or utcnow().date())
        session.commit()
    if purged:
        log.info("sweeper destroyed %d contact requests past their retention", purged)
    return purged


def sweep_themes() -> bool:
    """Send the theme suggester when items wait for suggestions (or survey answers wait to be
    registered); returns whether it was sent."""
    context = current_context()
    if not (Path(context.settings["SURVEY_DIR"]) / themes.CODEBOOK_FILE).is_file():
        return False
    with context.database.session() as session:
        waiting = themes.work_waiting(session)
    if waiting:
        actors.suggest_themes.send()
    return waiting


# Other voices (issue 15) ---------------------------------------------------------------------


def sweep_voices(only: set[str] | None = None) -> set[str]:
    """Re-send imported complaints and compliments, and case-audit notes, still waiting to be
    anonymised (all, or those in only: those that waited a whole interval, their message lost
    or the broker down); one that failed too often stays held back, encrypted. Returns what it
    saw, as "feedback:<id>" and "audit:<id>"."""
    context = current_context()
    limit = int(context.settings["PROCESSING_MAX_ATTEMPTS"])
    with context.database.session() as session:
        waiting = {f"feedback:{i}" for i in unprocessed_item_ids(session, limit)}
        waiting |= {f"audit:{i}" for i in unprocessed_audit_ids(session, limit)}
    targets = waiting if only is None else waiting & only
    for target in sorted(targets):
        kind, _, number = target.partition(":")
        if kind == "feedback":
            actors.anonymise_feedback_item.send(int(number))
        else:
            actors.anonymise_case_audit.send(int(number))
    if targets:
        log.info("sweeper re-sent %d complaints, compliments and audit notes", len(targets))
    return waiting


def beat(name: str) -> None:
    """Record that this worker is alive."""
    with current_context().database.session() as session:
        backlog.record_heartbeat(session, name, utcnow())
        session.commit()


class Sweeper(dramatiq.Middleware):
    """At worker start, re-send everything unprocessed; then, every interval, re-send what stayed
    unprocessed for a whole interval (its message was lost, or the broker was down), and delete
    expired export files."""

    def __init__(self) -> None:
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        # Set once the first pass (which re-sends everything unprocessed) is over, so whoever
        # starts a worker can know that a response saved from now on is not re-sent at once.
        self.first_pass_done = threading.Event()

    def after_worker_boot(self, broker: dramatiq.Broker, worker: dramatiq.Worker) -> None:
        self._stop.clear()
        self.first_pass_done.clear()
        self._thread = threading.Thread(target=self._run, name="sweeper", daemon=True)
        self._thread.start()

    def before_worker_shutdown(self, broker: dramatiq.Broker, worker: dramatiq.Worker) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def _run(self) -> None:
        name = worker_name()
        waiting_since = WaitingSince()
        heartbeat = interval = 1.0  # until the settings can be read
        previous: set[int] | None = None
        previous_exports: set[int] | None = None
        previous_items: set[int] | None = None
        previous_voices: set[str] | None = None
        waited = float("inf")  # the first pass runs at once
        while not self._stop.is_set():
            try:
                settings = current_context().settings
                heartbeat = float(settings["HEARTBEAT_INTERVAL_SECONDS"])
                interval = float(settings["SWEEP_INTERVAL_SECONDS"])
                beat(name)
                if waited >= interval:
                    # Files past retention go first: that needs no broker, which may be down.
                    expire_exports()
                    purge_contact_requests()
                    escalate_concerns()
                    # First pass re-sends everything; later passes only what stayed stuck.
                    seen = sweep(None if previous is None else previous, waiting_since)
                    purge_drafts()
                    previous = seen
                    previous_exports = sweep_exports(previous_exports)
                    sweep_concern_emails()
                    previous_items = sweep_focus_group_items(previous_items)
                    sweep_themes()
                    previous_voices = sweep_voices(previous_voices)
                    waited = 0.0
            except Exception:
                log.exception("sweeper pass failed; trying again next interval")
            self.first_pass_done.set()
            self._stop.wait(heartbeat)
            waited += heartbeat
