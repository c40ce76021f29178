"""Scripted downloads with a bearer token: the same files facilitators download.

Downloads take the same query parameters as the facilitator pages (`council`, `from`, `to`,
`distribution`) and pass through the same disclosure control; a refusal is JSON with status 409.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from flask import Blueprint, Flask, Response, abort, current_app, g, jsonify, request, url_for
from sqlalchemy.orm import Session

from .. import actions, audits, downloads, feedback, models, operations, periods
from ..access import council_scope
from ..background import background_work
from ..clock import clock_of
from ..definitions.model import AUDITOR
from ..focus_groups import recording
from ..models import Action, Role, today
from ..operations import OperationError, find_council
from ..privacy.disclosure import DisclosureRules, footnotes, rules_in_words
from . import db_session, focus_groups, guides, results, surveys, theme_results, vault
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
            db_session(), vault(), guides(), g.api_user, data, today()
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


# "You said, we did" ---------------------------------------------------------------------------


def _action_json(action: Action, evidence: actions.Evidence | None = None) -> dict[str, Any]:
    evidence = evidence or actions.Evidence()
    return {
        "id": action.id,
        "council": action.council.name if action.council else None,
        "you_said": action.you_said,
        "we_did": action.we_did,
        "status": action.status,
        "themes": list(action.themes or []),
        "owner_role": action.owner_role,
        "evidence": action.evidence,
        "evidence_quotes": [
            {"id": quote.id, "text": quote.text, "council": quote.council}
            for quote in evidence.quotes.get(action.id, [])
        ],
        "evidence_figures": [
            {
                "survey": figure.survey,
                "question": figure.question,
                "option": figure.option,
                "period": figure.period or None,
                "shown_period": figure.shown_period or None,
                "council": figure.place,
                "label": figure.label,
                "count": figure.count if isinstance(figure.count, int) else None,
                "base": figure.base if isinstance(figure.base, int) else None,
                "percent": figure.percent or None,
                "value": figure.in_words,
            }
            for figure in evidence.figures.get(action.id, [])
        ],
        "acted_on": action.acted_on.isoformat() if action.acted_on else None,
        "due_on": action.due_on.isoformat() if action.due_on else None,
        "approved": action.approved_on is not None,
        "approved_on": action.approved_on.isoformat() if action.approved_on else None,
        "child": {
            text.language: {"you_said": text.you_said, "we_did": text.we_did}
            for text in action.texts
        },
        "warnings": actions.warnings_for(action),
    }


def _problem(message: str, status: int = 400, field: str = "") -> tuple[Response, int]:
    return jsonify(error=message, field=field or None), status


def _json_date(body: dict[str, Any], name: str) -> dt.date | None:
    value = body.get(name)
    if value in (None, ""):
        return None
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise actions.ActionError(f"'{name}' is not a date (use YYYY-MM-DD).", name) from None


def _fields_from_json(body: dict[str, Any]) -> actions.ActionFields:
    child = body.get("child") or {}
    themes = body.get("themes") or []
    measure = body.get("measure") or {}
    if not isinstance(child, dict) or not all(isinstance(v, dict) for v in child.values()):
        raise actions.ActionError(
            '\'child\' is {language: {"you_said": ..., "we_did": ...}}.', "child"
        )
    if not isinstance(themes, list) or not isinstance(measure, dict):
        raise actions.ActionError("'themes' is a list of theme ids; 'measure' an object.")
    quotes = body.get("evidence_quotes") or []
    if not isinstance(quotes, list) or not all(
        isinstance(q, int) and not isinstance(q, bool) for q in quotes
    ):
        raise actions.ActionError(
            "'evidence_quotes' is a list of quote ids (numbers).", "evidence_quotes"
        )
    figures = body.get("evidence_figures") or []
    if not isinstance(figures, list) or not all(
        isinstance(f, dict) and all(isinstance(v, str | None) for v in f.values()) for f in figures
    ):
        raise actions.ActionError(
            '\'evidence_figures\' is a list of {"survey", "question", "option", '
            '"period" (optional)}, each a string.',
            "evidence_figures",
        )
    return actions.ActionFields(
        council=str(body["council"]) if body.get("council") else None,
        you_said=str(body.get("you_said") or ""),
        we_did=str(body.get("we_did") or ""),
        status=str(body.get("status") or ""),
        themes=[str(theme) for theme in themes],
        evidence=str(body.get("evidence") or ""),
        owner_role=str(body.get("owner_role") or ""),
        acted_on=_json_date(body, "acted_on"),
        due_on=_json_date(body, "due_on"),
        measure_survey=str(measure.get("survey") or ""),
        measure_question=str(measure.get("question") or ""),
        measure_option=str(measure.get("option") or ""),
        evidence_quotes=quotes,
        evidence_figures=[
            actions.FigureRef(
                str(figure.get("survey") or ""),
                str(figure.get("question") or ""),
                str(figure.get("option") or ""),
                str(figure.get("period") or ""),
            )
            for figure in figures
        ],
        child={
            str(code): (str(words.get("you_said") or ""), str(words.get("we_did") or ""))
            for code, words in child.items()
        },
    )


@bp.post("/actions")
def record_action() -> tuple[Response, int]:
    """Record an action (JSON: council, you_said, we_did, status, themes, child, and optionally
    owner_role, evidence (a note), evidence_quotes [quote ids], evidence_figures [{survey,
    question, option, period?}], acted_on, due_on, measure {survey, question, option}): 201
    with its id, evidence as published and reading-age warnings. Children see it once
    approved."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return _problem("Send the action as a JSON object.")
    session = db_session()
    try:
        action = actions.record_action(
            session, g.api_user, _fields_from_json(body), surveys(), theme_results.codebook()
        )
    except actions.NotAllowed as problem:
        session.rollback()
        return _problem(str(problem), 403, problem.field)
    except OperationError as problem:
        session.rollback()
        return _problem(str(problem), 400, problem.field)
    session.commit()
    evidence = results.publishing(lambda s: _evidence([action], None, s))
    return jsonify(_action_json(action, evidence)), 201


@bp.post("/actions/<int:action_id>/approve")
def approve_action(action_id: int) -> tuple[Response, int]:
    """Approve an action's child words (a lead of its council, or an admin): 200 with the
    action, or 409 naming why not (a missing language, personal data found: never quoted)."""
    session = db_session()
    action = actions.action_by_id(session, action_id)
    if action is None or not actions.may_see_action(g.api_user, action):
        abort(404)
    try:
        actions.approve_action(session, action, g.api_user, surveys())
    except actions.NotAllowed as problem:
        return _problem(str(problem), 403)
    except actions.ActionError as problem:
        session.rollback()
        return _problem(str(problem), 409, problem.field)
    session.commit()
    evidence = results.publishing(lambda s: _evidence([action], None, s))
    return jsonify(_action_json(action, evidence)), 200


@bp.get("/actions")
def list_actions() -> Response:
    """The actions of one council (`?council=`, with the region's) or all the user may see."""
    session = db_session()
    name = (request.args.get("council") or "").strip()
    council_id = None
    council_name = None
    if name:
        council = find_council(session, name)
        scope = council_scope(g.api_user)
        if council is None or (scope is not None and council.id not in scope):
            abort(404)
        council_id, council_name = council.id, council.name
    found = actions.staff_actions(session, council_scope(g.api_user), council_id)
    evidence = results.publishing(lambda s: _evidence(found, council_name, s, council_id))
    return jsonify(actions=[_action_json(action, evidence) for action in found])


def _evidence(
    found: list[Action], council: str | None, session: Session, council_id: int | None = None
) -> actions.Evidence:
    """The actions' evidence as published for council (None: a council lead's own council,
    anyone else the region), with the quotes of council_id (None: every council the user may
    see), recorded in session."""
    scope = council_scope(g.api_user)
    if council is None and scope is not None and g.api_user.council is not None:
        council = g.api_user.council.name
    return actions.action_evidence(
        session,
        surveys(),
        found,
        scope,
        council,
        g.api_user.id,
        clock_of(current_app).now(),
        quote_councils=[council_id] if council_id is not None else scope,
    )
