"""Results as the staff pages and the API serve them: the downloads (one table, added to both
blueprints), publishing then streaming, CSV and XLSX responses, refusals, the report, exports.

Over 400 lines on purpose: every way staff and scripts are handed results is here, in one place.
No blueprint lives here: `distributions` (the facilitator's pages) and `api` each add the
downloads with `add_download_routes` and call the rest, so neither sits on top of the other.
"""

from __future__ import annotations

import datetime as dt
import re
import tempfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, TypeVar

from flask import (
    Blueprint,
    Request,
    Response,
    abort,
    current_app,
    jsonify,
    render_template,
    request,
    send_file,
    stream_with_context,
    url_for,
)
from flask_login import current_user
from sqlalchemy.orm import Session

from .. import actions, downloads, operations, reports, spreadsheets
from ..access import council_scope
from ..background import background_work
from ..clock import clock_of
from ..definitions.model import SurveyDefinition
from ..exports.files import MEDIA_TYPES, download_name
from ..exports.records import mark_expired, recent_exports, request_export, visible_export
from ..models import Export, Role, User
from ..overview import counter_in_words
from ..privacy.disclosure import DisclosureRules, footnotes, markers, rules_in_words
from . import db_session, read_while_streaming, surveys

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
Published = TypeVar("Published")


def survey_or_404(survey_id: str) -> SurveyDefinition:
    """The survey's definition, or a 404 for a survey that is not loaded."""
    definition = surveys().get(survey_id)
    if definition is None:
        abort(404)
    return definition


def publishing(publish: Callable[[Session], Published]) -> Published:
    """Run publish(session) in one transaction: commit what it recorded, or record nothing."""
    session = db_session()
    try:
        result = publish(session)
    except downloads.UnknownGroup as unknown:
        session.rollback()
        abort(404, description=str(unknown))
    except BaseException:
        session.rollback()
        raise
    session.commit()
    return result


# Files --------------------------------------------------------------------------------------


def csv_download(name: str, header: list[str], rows: Any) -> Response:
    """Rows streamed as a CSV attachment, never cached."""
    return Response(
        stream_with_context(downloads.csv_lines(header, rows)),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
        },
    )


def xlsx_download(name: str, sheets: list[spreadsheets.Sheet]) -> Response:
    """A spreadsheet built in a temporary file (spilling to disk past a few MB), then sent."""
    # Closed by _chunks once sent (a with block here would close it before the body is read).
    spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115
    spreadsheets.write_xlsx(sheets, spool)
    size = spool.tell()
    spool.seek(0)
    return Response(
        _chunks(spool),
        mimetype=XLSX,
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Content-Length": str(size),
            "Cache-Control": "no-store",
        },
    )


def _chunks(spool: IO[bytes]) -> Iterator[bytes]:
    with spool:
        while chunk := spool.read(64 * 1024):
            yield chunk


def _footnote_lines(rules: DisclosureRules) -> list[str]:
    return [f"{note.code}: {note.text}" for note in footnotes(rules)]


# The downloads: what each publishes, and how each of its formats writes it ---------------------


def _aggregates_csv(definition: SurveyDefinition, tables: Any, name: str) -> Response:
    return csv_download(
        name, downloads.AGGREGATE_COLUMNS, downloads.aggregate_rows(definition, tables)
    )


def _aggregates_xlsx(definition: SurveyDefinition, tables: Any, name: str) -> Response:
    """One sheet per council (and the region), wave and age band, the rules and notes below
    each."""
    rules = DisclosureRules.of(definition)
    notes_below = [*rules_in_words(rules), "", *_footnote_lines(rules)]
    sheets = [
        spreadsheets.Sheet(
            table.title,
            downloads.AGGREGATE_COLUMNS,
            list(downloads.aggregate_rows(definition, [table])),
            notes_below,
        )
        for table in tables
    ]
    return xlsx_download(name, sheets)


def _research_extract_csv(definition: SurveyDefinition, published: Any, name: str) -> Response:
    return csv_download(
        name,
        downloads.response_columns(definition),
        read_while_streaming(lambda session: downloads.response_rows(session, published)),
    )


def _admit_research_extract(
    session: Session, definition: SurveyDefinition, user: User, chosen: downloads.GroupFilter
) -> None:
    downloads.admit_research_extract(
        session,
        definition,
        user,
        chosen,
        enabled=research_extract_on(),
        form="research-extract.csv",
    )


def research_extract_on() -> bool:
    """Whether this deployment gives the linked research extract (to admins, audited)."""
    return bool(current_app.config["RESEARCH_EXTRACT"])


def _items_csv(definition: SurveyDefinition, published: Any, name: str) -> Response:
    return csv_download(
        name,
        downloads.ITEM_COLUMNS,
        read_while_streaming(lambda session: downloads.item_rows(session, published)),
    )


def _items_xlsx(definition: SurveyDefinition, published: Any, name: str) -> Response:
    rows = downloads.item_rows(db_session(), published)
    sheet = spreadsheets.Sheet(
        "Written answers", downloads.ITEM_COLUMNS, rows, downloads.item_notes(definition)
    )
    return xlsx_download(name, [sheet])


def _publish_prepost(*arguments: Any) -> Any:
    # Looked up when used: `downloads` loads the before/after code (and SciPy) only then.
    return downloads.publish_prepost(*arguments)


def _prepost_csv(definition: SurveyDefinition, published: Any, name: str) -> Response:
    return csv_download(name, downloads.PREPOST_COLUMNS, published.change_rows())


def _prepost_unpaired_csv(definition: SurveyDefinition, published: Any, name: str) -> Response:
    return csv_download(name, downloads.UNPAIRED_COLUMNS, published.unpaired_rows())


def _prepost_xlsx(definition: SurveyDefinition, published: Any, name: str) -> Response:
    """The before/after sheets with columns and items in words, the notes below each, and a
    column key sheet giving each column's words, its prepost.csv id and what it means."""
    below = [
        *downloads.method_notes(published.definition, published.rules),
        "",
        *_footnote_lines(published.rules),
    ]
    words = downloads.item_words(published.definition)

    def rows(found: Any) -> list[list[object]]:
        return [downloads.in_words(row, words) for row in found]

    change = [downloads.COLUMN_WORDS[c] for c in downloads.PREPOST_COLUMNS]
    unpaired = [downloads.COLUMN_WORDS[c] for c in downloads.UNPAIRED_COLUMNS]
    ids = {words: column for column, words in downloads.COLUMN_WORDS.items()}
    key = [
        [name, ids[name], meaning]
        for name, meaning in downloads.column_key(published.definition, published.rules)
    ]
    sheets = [
        spreadsheets.Sheet(
            "Before and after", change, rows(published.change_rows("change")), below
        ),
        spreadsheets.Sheet(
            "Response shift", change, rows(published.change_rows("response_shift")), below
        ),
        spreadsheets.Sheet("Not paired", unpaired, rows(published.unpaired_rows()), below),
        spreadsheets.Sheet("Column key", ["Column", "Column in prepost.csv", "What it means"], key),
    ]
    return xlsx_download(name, sheets)


@dataclass(frozen=True)
class Download:
    """A download of a survey's results, at `/surveys/<survey_id>/<name>.<format>`: what it
    publishes (session, definition, councils, filter, user id), and each format's writer
    (definition, what was published, file name)."""

    name: str
    publish: Callable[..., Any]
    formats: Mapping[str, Callable[[SurveyDefinition, Any, str], Response]]
    # Checked first, in the same transaction (session, definition, user, filter): raises a
    # DownloadProblem for a user or deployment that may not have this download.
    admit: Callable[[Session, SurveyDefinition, User, downloads.GroupFilter], None] | None = None
    # Listed for everyone (False: only where `admit` would let the user have it).
    listed: bool = True


DOWNLOADS = (
    Download(
        "aggregates",
        downloads.publish_aggregates,
        {"csv": _aggregates_csv, "xlsx": _aggregates_xlsx},
    ),
    # Written answers as unlinked items, in place of rows of whole responses (issue 10).
    Download("items", downloads.publish_items, {"csv": _items_csv, "xlsx": _items_xlsx}),
    Download("prepost", _publish_prepost, {"csv": _prepost_csv, "xlsx": _prepost_xlsx}),
    Download("prepost-unpaired", _publish_prepost, {"csv": _prepost_unpaired_csv}),
    # The linked rows: off unless the deployment turned it on, admins only, audited.
    Download(
        "research-extract",
        downloads.publish_responses,
        {"csv": _research_extract_csv},
        admit=_admit_research_extract,
        listed=False,
    ),
)


def may_have_research_extract(user: User) -> bool:
    """Whether user may have the linked research extract here (for the listings)."""
    return research_extract_on() and user.role == Role.ADMIN


@contextmanager
def _refusals_audited(
    definition: SurveyDefinition, user: User, chosen: downloads.GroupFilter, form: str
) -> Iterator[None]:
    """Record, in a transaction of its own, a research extract asked for by someone who may
    not have it (what was being published was rolled back), then let the refusal through."""
    try:
        yield
    except downloads.NotPermitted:
        session = db_session()
        session.rollback()
        downloads.record_research_extract(
            session, definition, user, chosen, form=form, refused=True
        )
        session.commit()
        raise


def _endpoint(download: Download, file_format: str) -> str:
    return f"{download.name.replace('-', '_')}_{file_format}"


def downloads_for(user: User) -> list[str]:
    """The endpoints of the downloads user may have (for the listings)."""
    return [
        _endpoint(download, file_format)
        for download in DOWNLOADS
        if download.listed or may_have_research_extract(user)
        for file_format in download.formats
    ]


def download_response(download: Download, file_format: str, survey_id: str, user: User) -> Response:
    """The download for user, with the request's filters: protected, recorded as published,
    then streamed. Raises downloads.DownloadProblem, with nothing recorded, if it may not be
    given."""
    definition = survey_or_404(survey_id)
    chosen = downloads.GroupFilter.from_query(request.args, clock_of(current_app).now())

    def publish(session: Session) -> Any:
        if download.admit is not None:
            download.admit(session, definition, user, chosen)
        return download.publish(session, definition, council_scope(user), chosen, user.id)

    with _refusals_audited(definition, user, chosen, f"{download.name}.{file_format}"):
        published = publishing(publish)
    name = f"{survey_id}-{download.name}.{file_format}"
    return download.formats[file_format](definition, published, name)


View = Callable[..., Any]


def add_download_routes(
    bp: Blueprint, requester: Callable[[], User], guard: Callable[[View], View] = lambda view: view
) -> None:
    """Add every download to bp (endpoints like `aggregates_csv`), for the user requester()
    gives; guard wraps each view (signing in)."""
    for download in DOWNLOADS:
        for file_format in download.formats:
            endpoint = _endpoint(download, file_format)
            view = _download_view(download, file_format, requester)
            view.__name__ = endpoint
            bp.add_url_rule(
                f"/surveys/<survey_id>/{download.name}.{file_format}",
                endpoint,
                guard(view),
                methods=["GET"],
            )


def _download_view(download: Download, file_format: str, requester: Callable[[], User]) -> View:
    def view(survey_id: str) -> Response:
        return download_response(download, file_format, survey_id, requester())

    return view


def _status_of(problem: downloads.DownloadProblem) -> int:
    if isinstance(problem, downloads.NotOffered):
        return 404
    if isinstance(problem, downloads.NotPermitted):
        return 403
    return 409 if isinstance(problem, downloads.Refused) else 400


def refused_page(problem: downloads.DownloadProblem) -> tuple[str, int]:
    """A refused download (409) or a filter not understood (400), as a page; nothing published."""
    status = _status_of(problem)
    survey_id = (request.view_args or {}).get("survey_id", "")
    definition = surveys().get(survey_id)
    rules = DisclosureRules.of(definition) if definition else DisclosureRules()
    page = render_template(
        "facilitator/refused.html",
        definition=definition,
        message=str(problem),
        refused=status == 409,
        rules=rules_in_words(rules),
    )
    return page, status


def refused_json(problem: downloads.DownloadProblem) -> Response:
    """A refused download (409) or a filter not understood (400), as JSON; nothing published."""
    body: dict[str, object] = {"error": str(problem), "published": False}
    status = _status_of(problem)
    if isinstance(problem, downloads.Refused):
        earlier = problem.conflict.earlier
        body["conflicts_with"] = {
            "scope": earlier.scope,
            "published_on": earlier.published_on.isoformat() if earlier.published_on else None,
        }
        status = 409
    answer = jsonify(body)
    answer.status_code = status
    return answer


# The report ---------------------------------------------------------------------------------


def report_page(survey_id: str, user: User) -> str:
    """Charts with their words and data tables, for the council asked for (`?council=`) or
    the region, recorded as published."""
    definition = survey_or_404(survey_id)
    council = (request.args.get("council") or "").strip() or None
    # Like the downloads: one whole closed period (`?period=`), the latest by default.
    chosen = downloads.GroupFilter.from_query(
        {"period": request.args.get("period") or ""}, clock_of(current_app).now()
    )
    built = publishing(
        lambda session: reports.build_report(
            session, definition, council_scope(user), council, user.id, chosen=chosen
        )
    )
    rules = DisclosureRules.of(definition)
    council_found = (
        operations.find_council(db_session(), built.group)
        if built.group != reports.REGION
        else None
    )
    found_actions = actions.for_report(
        db_session(),
        definition.id,
        council_scope(user),
        council_found.id if council_found else None,
    )
    return render_template(
        "facilitator/report.html",
        report=built,
        actions=found_actions,
        # The approved quotes that showed what was heard: the report's council's only.
        action_quotes=actions.linked_quotes(
            db_session(),
            found_actions,
            [council_found.id] if council_found else council_scope(user),
        ),
        region_words=actions.REGION_WORDS,
        region=reports.REGION,
        council_param=None if built.group == reports.REGION else built.group,
        rules=rules,
        rule_words=rules_in_words(rules, rows=False),
        # The report's remarks say in words why each group is not shown: c and x are enough.
        footnotes=markers(rules),
    )


def report_pdf_response(survey_id: str, user: User) -> Response:
    """The report page as an A4 PDF (recorded as published like the page), or a page saying
    that this server cannot make PDFs (503)."""
    page = report_page(survey_id, user)
    council = (request.args.get("council") or "").strip()
    try:
        body = reports.report_pdf(page, current_app.extensions["assets"], request.host_url)
    except reports.PdfUnavailable as missing:
        current_app.logger.error("report PDF unavailable: %s", missing)
        page = render_template(
            "facilitator/unavailable.html",
            heading="The PDF could not be made",
            message="PDF reports are not available on this server. Print the report page "
            "from your browser instead: it prints to A4 with its charts and tables.",
            back=url_for(
                "facilitator.report",
                survey_id=survey_id,
                council=council or None,
                period=request.args.get("period") or None,
            ),
            back_words="Back to the report",
        )
        return Response(page, status=503, mimetype="text/html")
    name = f"{survey_id}-report-{_file_part(council) if council else 'region'}.pdf"
    return Response(
        body,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _file_part(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "council"


# Exports: full anonymised responses as a file built by a worker (survey_app/exports) ----------


def start_export(survey_id: str, user: User, params: Mapping[str, Any]) -> Export:
    """Check, record and queue an export from the request's fields (`format` and the filters
    of research-extract.csv). Raises downloads.DownloadProblem, having recorded nothing; 404 for a
    survey, council or distribution the user cannot see."""
    definition = survey_or_404(survey_id)
    fields = {key: "" if value is None else str(value) for key, value in params.items()}
    chosen = downloads.GroupFilter.from_query(fields, clock_of(current_app).now())
    try:
        with _refusals_audited(definition, user, chosen, "export"):
            return request_export(
                db_session(),
                definition,
                council_scope(user),
                chosen,
                user,
                fields.get("format") or "csv",
                background_work(current_app).build_export,
                extract_enabled=research_extract_on(),
            )
    except downloads.UnknownGroup as unknown:
        abort(404, description=str(unknown))


def api_fields(request: Request) -> dict[str, Any]:
    """An API request's fields: the query string, then a form or JSON body over it. A JSON
    body that cannot be read, or is not an object, is a FilterError (400)."""
    fields: dict[str, Any] = dict(request.args.items())
    fields.update(request.form.items())
    if request.is_json:
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            raise downloads.FilterError("The body is not a JSON object of fields.")
        fields.update(body)
    return fields


def export_or_404(export_id: int, user: User) -> Export:
    """The export, if user asked for it or is an admin; anyone else gets a 404."""
    export = visible_export(db_session(), export_id, user)
    if export is None:
        abort(404)
    return export


def retention() -> dt.timedelta:
    """How long an export's file is kept after it is written."""
    return dt.timedelta(days=float(current_app.config["EXPORT_RETENTION_DAYS"]))


def available_until(export: Export) -> dt.datetime | None:
    """When a ready export's file will be deleted."""
    if export.status != "ready" or export.finished_at is None:
        return None
    return export.finished_at + retention()


def export_file(export: Export) -> Path | None:
    """The export's file, if it is ready and still there (a file gone early expires it)."""
    if export.status != "ready" or not export.file_name:
        return None
    path = Path(current_app.config["EXPORT_DIR"]) / export.file_name
    if not path.is_file():
        mark_expired(export)
        db_session().commit()
        return None
    return path


def file_response(export: Export, path: Path) -> Response:
    """The file, streamed from disk, never cached."""
    response = send_file(
        path,
        mimetype=MEDIA_TYPES[export.format],
        as_attachment=True,
        download_name=download_name(export),
        max_age=0,
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def not_ready_status(export: Export) -> int:
    """HTTP status for a download asked for before (or after) the file exists."""
    return 410 if export.status == "expired" else 409


def not_ready_message(export: Export) -> str:
    """Why there is no file to download (yet, or any more)."""
    if export.status == "expired":
        return "This export's file has been deleted: ask for the export again."
    if export.status == "failed":
        return f"This export failed: {export.error}"
    return "This export is not ready yet: check its status again in a minute."


def export_counters(export: Export) -> dict[str, str | None]:
    """The export's row and published-response counts as staff see them (rounded, "fewer than
    10" below the minimum base); None for a count not known yet."""
    definition = surveys().get(export.survey_id)
    rules = DisclosureRules.of(definition) if definition else DisclosureRules()
    counts = {"rows": export.rows, "published_responses": export.published_responses}
    return {
        key: None if count is None else counter_in_words(count, rules)
        for key, count in counts.items()
    }


def export_page(export: Export) -> str:
    """The export's status page."""
    definition = surveys().get(export.survey_id)
    return render_template(
        "facilitator/export.html",
        export=export,
        counters=export_counters(export),
        title=definition.title.en if definition else export.survey_id,
        available_until=available_until(export),
        size=size_in_words(export.file_size),
        retention_days=retention().days,
    )


def _time(value: dt.datetime | None) -> str | None:
    return None if value is None else value.isoformat(timespec="seconds") + "Z"


def _counter_json(words: str | None) -> int | str | None:
    # A number where the count may be shown (rounded), the words where it may not.
    return int(words) if words is not None and words.isdigit() else words


def status_json(export: Export) -> dict[str, Any]:
    """An export's status for the API."""
    ready = export.status == "ready"
    counters = export_counters(export)
    return {
        "id": export.id,
        "survey": export.survey_id,
        "format": export.format,
        "status": export.status,
        "scope": export.scope,
        "filter": {
            "council": export.council,
            "from": export.submitted_from.isoformat() if export.submitted_from else None,
            "to": export.submitted_to.isoformat() if export.submitted_to else None,
            "distribution": export.distribution,
        },
        "published_responses": _counter_json(counters["published_responses"]),
        "rows": _counter_json(counters["rows"]),
        "bytes": export.file_size,
        "error": export.error or None,
        "created_at": _time(export.created_at),
        "started_at": _time(export.started_at),
        "finished_at": _time(export.finished_at),
        "available_until": _time(available_until(export)),
        "status_url": url_for("api.export_status", export_id=export.id, _external=True),
        "download_url": (
            url_for("api.export_download", export_id=export.id, _external=True) if ready else None
        ),
    }


def current_users_exports(survey_id: str) -> list[Export]:
    """The signed-in user's latest exports of a survey (for the survey page)."""
    if not current_user.is_authenticated:
        return []
    return recent_exports(db_session(), survey_id, current_user)


def size_in_words(size: int | None) -> str:
    """A file size as people read it: 812 bytes, 4.2 MB."""
    if size is None:
        return ""
    if size < 1000:
        return f"{size} bytes"
    value, unit = size / 1000, "kB"
    for bigger in ("MB", "GB"):
        if value < 1000:
            break
        value, unit = value / 1000, bigger
    return f"{value:.1f} {unit}"
