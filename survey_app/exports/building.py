"""Building an export's file, as a worker does it: take the export, write its file, then mark
it ready, or record why it failed.

Unlike most domain code this takes the Database and commits, once per step: the claim must be
committed before the (long) write starts, so that a worker that stops midway leaves the export
for another (or the sweeper) to take up, and a failure is recorded whatever the write left."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from ..db import Database
from ..definitions.model import SurveyDefinition
from ..models import Export, utcnow
from .files import write_export
from .records import ExportProblem, claim_export, fail_export, finish_export

log = logging.getLogger(__name__)

TOO_LONG = "It took longer than the workers' time limit: choose fewer responses."


class ExportFailed(Exception):
    """Building an export failed and will be tried again; names the kind of error only."""


def build_export(
    database: Database,
    export_id: int,
    surveys: Callable[[], dict[str, SurveyDefinition]],
    directory: Path,
    time_limit: type[BaseException] | tuple[type[BaseException], ...] = (),
) -> None:
    """Write the export's file into directory and mark it ready; or record why it failed, and
    raise ExportFailed while attempts remain (the caller's retry builds it again).

    Does nothing if the export is done, being built, or given up. time_limit is the error the
    worker interrupts a build with when it runs too long: recorded as taking too long.
    """
    with database.session() as session:
        claimed = claim_export(session, export_id, utcnow())
        session.commit()
    if not claimed:
        return
    try:
        with database.session() as session:
            export = session.get_one(Export, export_id)
            definition = surveys().get(export.survey_id)
            if definition is None:
                raise ExportProblem(f"The survey '{export.survey_id}' is not loaded.")
            written = write_export(session, export, definition, directory)
    except time_limit:
        record_failure(database, export_id, ExportProblem(TOO_LONG))
        return
    except Exception as problem:
        record_failure(database, export_id, problem)
        return
    with database.session() as session:
        finish_export(session, export_id, written.name, written.rows, written.size, utcnow())
        session.commit()


def record_failure(database: Database, export_id: int, problem: BaseException) -> None:
    """Record why building the export failed; raise ExportFailed if it is queued to be tried
    again, log it if it failed for good."""
    with database.session() as session:
        final = fail_export(session, export_id, problem, utcnow())
        session.commit()
    # The kind of error only: a message or traceback could quote an answer.
    if not final:
        raise ExportFailed(
            f"export {export_id} failed ({type(problem).__name__}); trying again"
        ) from None
    log.error("export %s failed (%s)", export_id, type(problem).__name__)
