"""The facilitators' and council leads' page for importing a council's complaints and
compliments log: choose the council and the file, say which column holds each field if the
headings are the council's own, and see what was added and which rows were refused."""

from __future__ import annotations

import base64
import logging

from flask import Blueprint, Flask, abort, current_app, render_template, request
from flask_login import current_user, login_required

from .. import feedback, operations
from ..background import background_work
from ..models import Role, today
from . import db_session, vault

bp = Blueprint("feedback", __name__, url_prefix="/facilitator/feedback")
log = logging.getLogger(__name__)
REFUSED = 400


def init_app(app: Flask) -> None:
    """Register the complaints and compliments import page."""
    app.register_blueprint(bp)


@bp.url_value_preprocessor
def _room_for_a_log(endpoint: str | None, values: dict[str, object] | None) -> None:
    # A log is far bigger than the service's request limit (made for children's answers), and
    # the mapping step carries it back sealed in a form field. Set here, not in a before_request:
    # these run before the app's, whose CSRF check reads the form.
    if endpoint == "feedback.import_log":
        request.max_content_length = 2 * feedback.MAX_FILE_BYTES + 1024 * 1024
        request.max_form_memory_size = 2 * feedback.MAX_FILE_BYTES + 1024 * 1024


@bp.before_request
@login_required
def _staff_with_research_access() -> None:
    # A safeguarding lead reads concerns only, as everywhere else in the staff area.
    if current_user.role == Role.SAFEGUARDING_LEAD:
        abort(404)


def _page(
    problem: operations.OperationError | None = None, council: str = ""
) -> tuple[str, int] | str:
    page = render_template(
        "facilitator/feedback_import.html",
        councils=operations.all_councils(db_session()),
        problem=problem,
        council=council,
        fields=feedback.FIELD_WORDS,
    )
    return (page, REFUSED) if problem else page


@bp.get("/")
def import_page() -> str | tuple[str, int]:
    """The form: council (for regional staff) and the log."""
    return _page()


def _sealed(data: bytes) -> str:
    """The upload, sealed, to carry through the mapping step in the page itself (nothing kept
    on the server; the browser can neither read nor change it)."""
    return vault().seal(base64.b64encode(data).decode()).decode()


def _unsealed(sealed: str) -> bytes:
    try:
        return base64.b64decode(vault().open(sealed.encode()))
    except Exception:
        raise feedback.FileProblem("The file could not be read again: choose it again.") from None


@bp.post("/import")
def import_log() -> str | tuple[str, int]:
    """Import the uploaded (or, after the mapping step, sealed) log; ask which column is which
    when the headings do not say."""
    council_name = request.form.get("council", "")
    session = db_session()
    try:
        council = feedback.council_for_import(session, current_user, council_name)
    except operations.OperationError as problem:
        return _page(problem, council_name)
    upload = request.files.get("file")
    try:
        if upload is not None and upload.filename:
            data = upload.read()
        elif request.form.get("sealed_file"):
            data = _unsealed(request.form["sealed_file"])
        else:
            raise feedback.FileProblem("Choose the log to import (CSV or XLSX).")
        mapping = {
            name: request.form[f"column_{name}"]
            for name in feedback.FIELDS
            if f"column_{name}" in request.form
        }
        result = feedback.import_log(
            session,
            vault(),
            council,
            data,
            mapping or None,
            link_key=current_app.config["LINK_KEY"],
            today=today(),
        )
    except feedback.FileProblem as problem:
        return _page(operations.OperationError(str(problem), field="file"), council.name)
    except feedback.NeedsMapping as needed:
        return _mapping_page(council.name, data, needed.table.headings, None, dict())
    except feedback.ImportProblem as problem:
        table = feedback.read_table(data)
        return _mapping_page(council.name, data, table.headings, str(problem), mapping)
    session.commit()
    try:
        background_work(current_app).anonymise_feedback(result.added)
    except Exception:
        # Committed: the sweeper sends what the broker did not take.
        log.warning("could not enqueue %d imported items; the sweeper will", len(result.added))
    return render_template("facilitator/feedback_result.html", council=council.name, result=result)


def _mapping_page(
    council: str,
    data: bytes,
    headings: tuple[str, ...],
    problem: str | None,
    chosen: dict[str, str],
) -> tuple[str, int] | str:
    page = render_template(
        "facilitator/feedback_mapping.html",
        council=council,
        sealed=_sealed(data),
        headings=[heading for heading in headings if heading.strip()],
        chosen=chosen or feedback.guess_mapping(headings),
        fields=feedback.FIELD_WORDS,
        required=feedback.REQUIRED,
        problem=problem,
    )
    return (page, REFUSED) if problem else page
