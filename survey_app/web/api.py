"""Scripted downloads with a bearer token: the same files facilitators download.

Downloads take the same query parameters as the facilitator pages (`council`, `from`, `to`,
`distribution`) and pass through the same disclosure control; a refusal is JSON with status 409.
"""

from __future__ import annotations

import logging

from flask import Blueprint, Flask, Response, abort, current_app, g, jsonify, request, url_for

from .. import audits, downloads, feedback, models, operations, periods
from ..access import council_scope
from ..background import background_work
from ..clock import clock_of
from ..definitions.model import AUDITOR
from ..focus_groups import recording
from ..models import Role, today
from ..privacy.disclosure import DisclosureRules, footnotes, rules_in_words
from . import db_session, focus_groups, results, surveys, theme_results, vault
from .security import csrf

bp = Blueprint("api", __name__, url_prefix="/api/v1")
log = logging.getLogger(__name__)


def init_app(app: Flask) -> None:
    csrf.exempt(bp)
    app.register_blueprint(bp)


@bp.before_request
def _authenticate() -> None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    user = None
    if scheme.lower() == "bearer" and token.strip():
        user = operations.user_for_token(db_session(), token.strip())
    if user is None:
        response = jsonify(error="A valid API token is required (Authorization: Bearer ...).")
        response.status_code = 401
        response.headers["WWW-Authenticate"] = 'Bearer realm="survey"'
        abort(response)
    db_session().commit()
    if user.role == Role.SAFEGUARDING_LEAD:
        # Safeguarding leads read concerns on their own pages; no research data, here or there.
        abort(404)
    g.api_user = user


@bp.get("/surveys")
def list_surveys() -> Response:
    offered = results.downloads_for(g.api_user)
    return jsonify(
        surveys=[
            {
                "id": d.id,
                "version": d.version,
                "audience": d.audience,
                "title": d.title.en,
                "downloads": [
                    url_for(f"api.{endpoint}", survey_id=d.id, _external=True)
                    for endpoint in offered
                    if not endpoint.startswith("prepost") or len(d.waves) > 1
                ],
            }
            for d in sorted(surveys().values(), key=lambda d: d.id)
        ],
        councils="all" if council_scope(g.api_user) is None else council_scope(g.api_user),
    )


results.add_download_routes(bp, lambda: g.api_user)
theme_results.add_theme_downloads(bp, lambda: g.api_user)
bp.register_error_handler(downloads.DownloadProblem, results.refused_json)


@bp.get("/surveys/<survey_id>/notes")
def notes(survey_id: str) -> Response:
    """The survey's publishing rules, and what each code in a download's `note` column means."""
    definition = surveys().get(survey_id)
    if definition is None:
        abort(404)
    rules = DisclosureRules.of(definition)
    return jsonify(
        minimum_base=rules.minimum_base,
        suppress_below=rules.suppress_below,
        round_to=rules.round_to,
        rules=list(rules_in_words(rules)),
        notes={footnote.code: footnote.text for footnote in footnotes(rules)},
    )


@bp.post("/surveys/<survey_id>/exports")
def request_export(survey_id: str) -> tuple[Response, int, dict[str, str]]:
    """Ask for a full export (`format`: csv or xlsx, and the download filters): 202 with its
    status, which gives `download_url` once a worker has written the file."""
    export = results.start_export(survey_id, g.api_user, results.api_fields(request))
    status = results.status_json(export)
    return jsonify(status), 202, {"Location": status["status_url"]}


@bp.get("/exports/<int:export_id>")
def export_status(export_id: int) -> Response:
    return jsonify(results.status_json(results.export_or_404(export_id, g.api_user)))


@bp.get("/exports/<int:export_id>/download")
def export_download(export_id: int) -> Response | tuple[Response, int]:
    found = results.export_or_404(export_id, g.api_user)
    path = results.export_file(found)
    if path is None:
        body = jsonify(error=results.not_ready_message(found), status=found.status)
        return body, results.not_ready_status(found)
    return results.file_response(found, path)


# Focus groups --------------------------------------------------------------------------------

# A typed-up session is larger than a download's query: room for many long items.
FOCUS_GROUP_BODY_LIMIT = 1024 * 1024


@bp.post("/focus-groups")
def record_focus_group() -> tuple[Response, int]:
    """Record a focus-group session and its items from JSON: 201 with its id and items, or 400
    naming the field that is wrong (nothing is saved)."""
    request.max_content_length = FOCUS_GROUP_BODY_LIMIT
    data = request.get_json(silent=True)
    try:
        found = recording.record_from_json(
            db_session(), vault(), focus_groups.guides(), g.api_user, data, today()
        )
    except operations.OperationError as problem:
        db_session().rollback()
        field = problem.field.replace("participants-", "participants.")
        return jsonify(error=str(problem), field=field), 400
    db_session().commit()
    focus_groups.process_items([item.id for item in found.items if not item.processed])
    return (
        jsonify(
            id=found.id,
            council=found.council.name,
            guide=found.guide_id,
            held_on=found.held_on.isoformat(),
            status=found.status,
            items=[
                {
                    "id": item.id,
                    "prompt": item.prompt_id,
                    "kind": item.kind,
                    # Words are shown nowhere until the worker has anonymised them.
                    "anonymised": item.redacted is not None,
                    **({"votes": item.counts} if item.counts else {}),
                }
                for item in found.items
            ],
        ),
        201,
    )


# Complaints and compliments (issue 15) ---------------------------------------------------------


@bp.post("/feedback")
def import_feedback() -> tuple[Response, int]:
    """Import a council's complaints and compliments log (`?council=NAME`): the file as a
    `text/csv` (or XLSX) body, or a multipart `file` field; `column_<field>=Heading` query
    parameters say which heading holds a field when the headings are the council's own.
    201 with how many were added, how many were already imported and each refused row's line
    and problem; 400 if the file cannot be imported at all (nothing is added)."""
    # A log is far bigger than the service's request limit, made for children's answers.
    request.max_content_length = feedback.MAX_FILE_BYTES + 1024 * 1024
    session = db_session()
    try:
        council = feedback.council_for_import(session, g.api_user, request.args.get("council", ""))
    except operations.OperationError as problem:
        return jsonify(error=str(problem)), 400
    upload = request.files.get("file")
    data = upload.read() if upload is not None else request.get_data(cache=False)
    mapping = {
        name: request.args[f"column_{name}"]
        for name in feedback.FIELDS
        if f"column_{name}" in request.args
    }
    try:
        result = feedback.import_log(
            session,
            vault(),
            council,
            data,
            mapping or None,
            link_key=current_app.config["LINK_KEY"],
            today=models.today(),
        )
    except (feedback.FileProblem, feedback.ImportProblem) as problem:
        session.rollback()
        return jsonify(error=str(problem), fields=list(feedback.FIELDS)), 400
    session.commit()
    try:
        background_work(current_app).anonymise_feedback(result.added)
    except Exception:
        # Committed: the sweeper sends what the broker did not take.
        log.warning("could not enqueue %d imported items; the sweeper will", len(result.added))
    return jsonify(council=council.name, **result.as_json()), 201


# Case-file audits (issue 15) -------------------------------------------------------------------


@bp.get("/audits/<survey_id>/results.csv")
def audit_results_csv(survey_id: str) -> Response:
    """An audit form's results per council (those the token may see) for one closed period
    (`?period=2026-Q3`, the latest closed one by default), through disclosure control."""
    definition = surveys().get(survey_id)
    if definition is None or definition.audience != AUDITOR:
        abort(404)
    try:
        period = audits.closed_period(
            definition, clock_of(current_app).now(), request.args.get("period")
        )
    except periods.PeriodError as problem:
        abort(Response(str(problem), status=400, mimetype="text/plain"))
    found = audits.audit_results(
        db_session(), definition, council_scope(g.api_user), period, g.api_user.id
    )
    db_session().commit()
    return Response(
        "".join(audits.results_csv(definition, found)),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{definition.id}-results.csv"'},
    )
