"""Export files: written by a worker to a temporary file, renamed into place when whole, served
from the export folder, and deleted when the retention period is over."""

from __future__ import annotations

import datetime as dt
import itertools
import os
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..definitions.model import SurveyDefinition
from ..downloads import response_columns
from ..downloads.csv_text import write_csv
from ..downloads.responses import anonymised_rows
from ..models import Export, Publication, PublishedMembers, export_publications
from ..privacy.disclosure import DisclosureRules, MemberBitmap, footnotes, rules_in_words
from ..spreadsheets import Sheet, write_xlsx
from .records import STALE_AFTER, exports_to_expire, group_filter, mark_expired

MEDIA_TYPES = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# Excel's most rows in one sheet; a larger export continues on further sheets.
XLSX_ROW_LIMIT = 1_048_576
PARTIAL = ".part"
# Export files hold children's (anonymised) answers: only the service's own user reads them.
FILE_MODE = 0o600
DIRECTORY_MODE = 0o700


@dataclass(frozen=True)
class WrittenFile:
    name: str
    rows: int
    size: int


def file_name(export: Export) -> str:
    """The name of an export's file inside the export folder."""
    return f"export-{export.id}.{export.format}"


def download_name(export: Export) -> str:
    """The name a browser saves the file as."""
    return f"{export.survey_id}-responses-{export.created_at:%Y-%m-%d}-{export.id}.{export.format}"


def published_members(session: Session, export_id: int) -> MemberBitmap:
    """The response ids of the groups the export was published as, one stored group at a time."""
    members = MemberBitmap()
    for (stored,) in session.execute(
        select(PublishedMembers.members)
        .join(Publication, Publication.group_id == PublishedMembers.id)
        .join(export_publications, export_publications.c.publication_id == Publication.id)
        .where(export_publications.c.export_id == export_id)
    ):
        members.add_stored(stored)
    return members


def export_rows(
    session: Session, export: Export, definition: SurveyDefinition
) -> Iterator[list[object]]:
    """The export's rows: exactly the responses its publications hold, laid out as in
    responses.csv, streamed."""
    members = published_members(session, export.id)
    if not len(members):
        return iter(())
    return anonymised_rows(
        session,
        definition,
        list(export.council_ids),
        group_filter(export),
        export.distribution_id,
        members.__contains__,
    )


def write_export(
    session: Session,
    export: Export,
    definition: SurveyDefinition,
    directory: Path,
    xlsx_row_limit: int = XLSX_ROW_LIMIT,
) -> WrittenFile:
    """Write the export's file into directory: to a temporary file first, renamed into place
    only when whole, so a file under the export's name is always complete."""
    private_directory(directory)
    name = file_name(export)
    temporary = directory / f".{name}.{secrets.token_hex(6)}{PARTIAL}"
    rows = export_rows(session, export, definition)
    # Created readable by the service's user only, before a byte is written (whatever the umask).
    os.close(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))
    try:
        if export.format == "csv":
            with open(temporary, "w", encoding="utf-8", newline="", buffering=1 << 20) as out:
                written = write_csv(response_columns(definition), rows, out)
        else:
            sheets = _sheets(export, definition, rows, xlsx_row_limit)
            written = write_xlsx(sheets, temporary)
        os.replace(temporary, directory / name)
    finally:
        temporary.unlink(missing_ok=True)
    return WrittenFile(name, written, (directory / name).stat().st_size)


def private_directory(directory: Path) -> None:
    """Make the export folder if needed; either way, only the service's user may enter it."""
    directory.mkdir(mode=DIRECTORY_MODE, parents=True, exist_ok=True)
    if directory.stat().st_uid == os.getuid():
        os.chmod(directory, DIRECTORY_MODE)


def xlsx_notes(export: Export, definition: SurveyDefinition) -> list[str]:
    """What the footnotes of an XLSX export say: which responses, and the publishing rules."""
    rules = DisclosureRules.of(definition)
    scope = f"{export.council}, {export.scope}" if export.council else export.scope
    return [
        f"Anonymised responses to {definition.title.en}: {scope}. Free text is shown "
        "only in redacted form, and the month a response was sent, never the day.",
        *rules_in_words(rules),
        *(f"{note.code}: {note.text}" for note in footnotes(rules)),
    ]


def _sheets(
    export: Export,
    definition: SurveyDefinition,
    rows: Iterator[list[object]],
    row_limit: int,
) -> list[Sheet]:
    """One sheet of responses, or as many as Excel's row limit needs, each with the notes."""
    notes = xlsx_notes(export, definition)
    per_sheet = row_limit - 2 - len(notes)  # the header, a blank line and the notes
    count = max(1, -(-export.published_responses // per_sheet))
    header = response_columns(definition)
    sheets = []
    for number in range(1, count + 1):
        title = "Responses" if count == 1 else f"Responses {number}"
        # The last sheet takes whatever is left, so no row can ever be dropped.
        part = rows if number == count else itertools.islice(rows, per_sheet)
        sheets.append(Sheet(title, header, part, notes))
    return sheets


def expire_files(
    session: Session, directory: Path, now: dt.datetime, retention: dt.timedelta
) -> list[int]:
    """Delete the files of exports older than the retention period and mark them expired (the
    caller commits); also delete temporary files a stopped worker left behind. Returns the ids
    of the exports expired."""
    expired = []
    for export in exports_to_expire(session, now, retention):
        if export.file_name:
            (directory / export.file_name).unlink(missing_ok=True)
        mark_expired(export)
        expired.append(export.id)
    if directory.is_dir():
        cutoff = (now - STALE_AFTER).replace(tzinfo=dt.UTC).timestamp()
        for leftover in directory.glob(f".export-*{PARTIAL}"):
            if leftover.stat().st_mtime < cutoff:
                leftover.unlink(missing_ok=True)
    return expired
