"""The export record: asking for an export, a worker taking it on, its file ready or failed,
and its expiry. Takes a session and never commits, except `request_export`, the one place
that commits an export and then sends it to the workers."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable
from enum import StrEnum

from sqlalchemy import ColumnElement, and_, or_, select, update
from sqlalchemy.orm import Session

from ..definitions.model import SurveyDefinition
from ..downloads import FilterError, GroupFilter, admit_research_extract, publish_responses
from ..models import EXPORT_FORMATS, Export, User

log = logging.getLogger(__name__)

# How many times a worker may start an export before it is marked failed.
MAX_ATTEMPTS = 3
# The workers' time limit for one export; one still running well after it lost its worker.
TIME_LIMIT = dt.timedelta(minutes=30)
STALE_AFTER = TIME_LIMIT + dt.timedelta(minutes=5)
ERROR_LENGTH = 500


class ExportStatus(StrEnum):
    """Where an export stands (stored as these words)."""

    QUEUED = "queued"
    RUNNING = "running"
    READY = "ready"
    FAILED = "failed"
    EXPIRED = "expired"


class ExportProblem(Exception):
    """An export that trying again will not fix; the message is for the person who asked."""


def record_export(
    session: Session,
    definition: SurveyDefinition,
    council_ids: Iterable[int] | None,
    chosen: GroupFilter,
    requester: User,
    file_format: str,
    *,
    extract_enabled: bool,
) -> Export:
    """Check and record the anonymised responses an export is of (as publications, like
    responses.csv), and the export itself, queued. The caller commits.

    An export is the linked research extract as a file: only where the deployment turned it
    on, only for admins, audited (`admit_research_extract`). Raises NotOffered or NotPermitted
    otherwise, FilterError for a format it does not know, and like `publish_responses`, having
    recorded nothing.
    """
    file_format = (file_format or "").strip().lower()
    admit_research_extract(
        session,
        definition,
        requester,
        chosen,
        enabled=extract_enabled,
        form=f"export ({file_format})",
    )
    if file_format not in EXPORT_FORMATS:
        raise FilterError("Choose the file's format: 'csv' or 'xlsx'.")
    requested_by_id = requester.id
    published = publish_responses(session, definition, council_ids, chosen, requested_by_id)
    export = Export(
        survey_id=definition.id,
        requested_by_id=requested_by_id,
        format=file_format,
        council=chosen.council,
        submitted_from=chosen.submitted_from,
        submitted_to=chosen.submitted_to,
        distribution=chosen.distribution,
        scope=chosen.describe_period(definition.publication)[:300],
        council_ids=list(published.council_ids),
        distribution_id=published.distribution_id,
        published_responses=len(published.members),
        status=ExportStatus.QUEUED,
        publications=list(published.publications),
    )
    session.add(export)
    session.flush()
    return export


def request_export(
    session: Session,
    definition: SurveyDefinition,
    council_ids: Iterable[int] | None,
    chosen: GroupFilter,
    requester: User,
    file_format: str,
    enqueue: Callable[[int], None],
    *,
    extract_enabled: bool,
) -> Export:
    """Record an export, commit, then send it to the workers: the one place that keeps that
    order. A refusal commits nothing. If the broker cannot be reached the export stays queued
    and the sweeper sends it again.
    """
    try:
        export = record_export(
            session,
            definition,
            council_ids,
            chosen,
            requester,
            file_format,
            extract_enabled=extract_enabled,
        )
    except BaseException:
        session.rollback()
        raise
    session.commit()
    try:
        enqueue(export.id)
    except Exception:  # the broker is down; the sweeper will send it later
        log.warning("could not enqueue export %s; the sweeper will retry", export.id, exc_info=True)
    return export


def group_filter(export: Export) -> GroupFilter:
    """The filter an export was asked with."""
    return GroupFilter(
        council=export.council,
        submitted_from=export.submitted_from,
        submitted_to=export.submitted_to,
        distribution=export.distribution,
    )


def visible_export(session: Session, export_id: int, user: User) -> Export | None:
    """The export if user may see it: the person who asked for it, or an admin."""
    export = session.get(Export, export_id)
    if export is None or not (export.requested_by_id == user.id or user.role == "admin"):
        return None
    return export


def recent_exports(session: Session, survey_id: str, user: User, limit: int = 10) -> list[Export]:
    """The user's own latest exports of a survey, newest first."""
    return list(
        session.scalars(
            select(Export)
            .where(Export.survey_id == survey_id, Export.requested_by_id == user.id)
            .order_by(Export.id.desc())
            .limit(limit)
        )
    )


def _waiting(now: dt.datetime) -> ColumnElement[bool]:
    """Exports a worker should take: queued, or running so long that their worker is gone."""
    return or_(
        Export.status == ExportStatus.QUEUED,
        and_(Export.status == ExportStatus.RUNNING, Export.started_at < now - STALE_AFTER),
    )


def waiting_export_ids(session: Session, now: dt.datetime) -> set[int]:
    """Exports no worker is building: for the sweeper to send again."""
    return set(session.scalars(select(Export.id).where(_waiting(now))))


def claim_export(session: Session, export_id: int, now: dt.datetime) -> bool:
    """Mark the export running if it is waiting for a worker; False if it is not (already
    taken, done, or out of attempts, when it is marked failed). Safe when two messages for the
    same export arrive at once: one conditional UPDATE decides.
    """
    claimed = session.execute(
        update(Export)
        .where(Export.id == export_id, _waiting(now), Export.attempts < MAX_ATTEMPTS)
        .values(status=ExportStatus.RUNNING, started_at=now, attempts=Export.attempts + 1)
        .execution_options(synchronize_session=False)
    ).rowcount  # type: ignore[attr-defined]
    if claimed:
        return True
    session.execute(
        update(Export)
        .where(Export.id == export_id, _waiting(now))
        .values(
            status=ExportStatus.FAILED,
            finished_at=now,
            error=(
                f"Gave up after {MAX_ATTEMPTS} attempts: the worker building it stopped "
                "before it finished (it may be too large for the workers' time limit)."
            ),
        )
        .execution_options(synchronize_session=False)
    )
    return False


def finish_export(
    session: Session,
    export_id: int,
    file_name: str,
    rows: int,
    file_size: int,
    now: dt.datetime,
) -> None:
    """Record that the export's file is in place and may be downloaded."""
    session.execute(
        update(Export)
        .where(Export.id == export_id)
        .values(
            status=ExportStatus.READY,
            finished_at=now,
            file_name=file_name,
            rows=rows,
            file_size=file_size,
            error="",
        )
        .execution_options(synchronize_session=False)
    )


def fail_export(session: Session, export_id: int, problem: BaseException, now: dt.datetime) -> bool:
    """Record why building the export failed; True if it has failed for good, False if it is
    queued for another attempt."""
    export = session.get(Export, export_id)
    if export is None:
        return True
    reason = describe_problem(problem)
    final = isinstance(problem, ExportProblem) or export.attempts >= MAX_ATTEMPTS
    if final:
        export.status = ExportStatus.FAILED
        export.finished_at = now
        export.error = reason[:ERROR_LENGTH]
    else:
        export.status = ExportStatus.QUEUED
        export.error = f"Attempt {export.attempts} failed: {reason} Trying again."[:ERROR_LENGTH]
    return final


def describe_problem(problem: BaseException) -> str:
    """A failure in words for the person who asked (no file paths or SQL)."""
    if isinstance(problem, ExportProblem):
        return str(problem)
    if isinstance(problem, OSError):
        return (
            "The file could not be written in the export folder "
            f"({problem.strerror or type(problem).__name__})."
        )
    # Only the kind of error: its message could quote an answer.
    return f"The file could not be built ({type(problem).__name__})."


def exports_to_expire(session: Session, now: dt.datetime, retention: dt.timedelta) -> list[Export]:
    """Ready exports whose file is older than the retention period."""
    return list(
        session.scalars(
            select(Export).where(
                Export.status == ExportStatus.READY, Export.finished_at < now - retention
            )
        )
    )


def mark_expired(export: Export) -> None:
    """The export's file is gone: it can no longer be downloaded."""
    export.status = ExportStatus.EXPIRED
    export.file_name = None
