"""Scripted downloads with a bearer token: the same files facilitators download.

Downloads take the same query parameters as the facilitator pages (`council`, `from`, `to`,
`distribution`) and pass through the same disclosure control; a refusal is JSON with status 409.
"""

from __future__ import annotations

from flask import Blueprint, Flask, Response, abort, g, jsonify, request

from . import downloads, operations
from .access import council_scope
from .exports import serving as export_serving
from .facilitator import (
    aggregates_response,
    aggregates_xlsx_response,
    disclosure_rules,
    prepost_response,
    prepost_unpaired_response,
    prepost_xlsx_response,
    responses_response,
)
from .models import Role
from .privacy.disclosure import footnotes, rules_in_words
from .security import csrf
from .web import db_session, surveys

bp = Blueprint("api", __name__, url_prefix="/api/v1")


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
    return jsonify(
        surveys=[
            {"id": d.id, "version": d.version, "audience": d.audience, "title": d.title.en}
            for d in sorted(surveys().values(), key=lambda d: d.id)
        ],
        councils="all" if council_scope(g.api_user) is None else council_scope(g.api_user),
    )


@bp.get("/surveys/<survey_id>/aggregates.csv")
def aggregates_csv(survey_id: str) -> Response:
    return aggregates_response(survey_id, g.api_user)


@bp.get("/surveys/<survey_id>/responses.csv")
def responses_csv(survey_id: str) -> Response:
    return responses_response(survey_id, g.api_user)


@bp.get("/surveys/<survey_id>/aggregates.xlsx")
def aggregates_xlsx(survey_id: str) -> Response:
    return aggregates_xlsx_response(survey_id, g.api_user)


@bp.get("/surveys/<survey_id>/prepost.csv")
def prepost_csv(survey_id: str) -> Response:
    return prepost_response(survey_id, g.api_user)


@bp.get("/surveys/<survey_id>/prepost-unpaired.csv")
def prepost_unpaired_csv(survey_id: str) -> Response:
    return prepost_unpaired_response(survey_id, g.api_user)


@bp.get("/surveys/<survey_id>/prepost.xlsx")
def prepost_xlsx(survey_id: str) -> Response:
    return prepost_xlsx_response(survey_id, g.api_user)


@bp.get("/surveys/<survey_id>/notes")
def notes(survey_id: str) -> Response:
    """The survey's publishing rules, and what each code in a download's `note` column means."""
    definition = surveys().get(survey_id)
    if definition is None:
        abort(404)
    rules = disclosure_rules(definition)
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
    export = export_serving.start_export(survey_id, g.api_user, export_serving.api_fields(request))
    status = export_serving.status_json(export)
    return jsonify(status), 202, {"Location": status["status_url"]}


@bp.get("/exports/<int:export_id>")
def export_status(export_id: int) -> Response:
    return jsonify(export_serving.status_json(export_serving.export_or_404(export_id, g.api_user)))


@bp.get("/exports/<int:export_id>/download")
def export_download(export_id: int) -> Response | tuple[Response, int]:
    found = export_serving.export_or_404(export_id, g.api_user)
    path = export_serving.export_file(found)
    if path is None:
        body = jsonify(error=export_serving.not_ready_message(found), status=found.status)
        return body, export_serving.not_ready_status(found)
    return export_serving.file_response(found, path)


@bp.errorhandler(downloads.DownloadProblem)
def _download_problem(problem: downloads.DownloadProblem) -> Response:
    """A refused download (409) or a filter not understood (400), as JSON; nothing published."""
    body: dict[str, object] = {"error": str(problem), "published": False}
    status = 400
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
