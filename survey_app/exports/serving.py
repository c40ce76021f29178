"""What the facilitator pages and the API share about exports: asking for one, finding one the
user may see, its status as JSON, and its file."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Request, Response, abort, current_app, render_template, send_file, url_for
from flask_login import current_user

from .. import downloads
from ..access import council_scope
from ..background import background_work
from ..models import Export, User
from ..web import db_session, surveys
from .files import MEDIA_TYPES, download_name
from .records import mark_expired, recent_exports, request_export, visible_export


def start_export(survey_id: str, user: User, params: Mapping[str, Any]) -> Export:
    """Check, record and queue an export from the request's fields (`format` and the filters
    of responses.csv). Raises downloads.DownloadProblem, having recorded nothing; 404 for a
    survey, council or distribution the user cannot see."""
    definition = surveys().get(survey_id)
    if definition is None:
        abort(404)
    fields = {key: "" if value is None else str(value) for key, value in params.items()}
    chosen = downloads.GroupFilter.from_query(fields)
    try:
        return request_export(
            db_session(),
            definition,
            council_scope(user),
            chosen,
            user.id,
            fields.get("format") or "csv",
            background_work(current_app).build_export,
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
    if export.status == "expired":
        return "This export's file has been deleted: ask for the export again."
    if export.status == "failed":
        return f"This export failed: {export.error}"
    return "This export is not ready yet: check its status again in a minute."


def export_page(export: Export) -> str:
    """The export's status page."""
    definition = surveys().get(export.survey_id)
    return render_template(
        "facilitator/export.html",
        export=export,
        title=definition.title.en if definition else export.survey_id,
        available_until=available_until(export),
        size=size_in_words(export.file_size),
        retention_days=retention().days,
    )


def _time(value: dt.datetime | None) -> str | None:
    return None if value is None else value.isoformat(timespec="seconds") + "Z"


def status_json(export: Export) -> dict[str, Any]:
    """An export's status for the API."""
    ready = export.status == "ready"
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
        "published_responses": export.published_responses,
        "rows": export.rows,
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
