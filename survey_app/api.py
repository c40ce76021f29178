"""Scripted downloads with a bearer token: the same files facilitators download."""

from __future__ import annotations

from flask import Blueprint, Flask, Response, abort, g, jsonify, request

from . import operations
from .access import council_scope
from .facilitator import aggregates_response, responses_response
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
