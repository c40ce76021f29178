"""Case-file audits for signed-in staff: the audit forms (survey definitions with `audience:
auditor`), filled in once per case file, and their results per council and period, published
through disclosure control as a page of headlines and a CSV download."""

from __future__ import annotations

import logging

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from .. import audits, operations, periods
from ..access import council_scope
from ..background import background_work
from ..clock import clock_of
from ..definitions.model import AUDITOR, SurveyDefinition
from ..models import COUNCIL_ROLES, Role
from ..privacy.disclosure import DisclosureRules, rules_in_words
from . import db_session, surveys, vault

bp = Blueprint("audits", __name__, url_prefix="/facilitator/audits")
log = logging.getLogger(__name__)
REFUSED = 400


def init_app(app: Flask) -> None:
    """Register the case-file audit pages."""
    app.register_blueprint(bp)


@bp.before_request
@login_required
def _staff_with_research_access() -> None:
    if current_user.role == Role.SAFEGUARDING_LEAD:
        abort(404)


def _form_or_404(survey_id: str) -> SurveyDefinition:
    definition = surveys().get(survey_id)
    if definition is None or definition.audience != AUDITOR:
        abort(404)
    return definition


@bp.get("/")
def index() -> str:
    """The audit forms, with a link to each one's latest results."""
    return render_template(
        "facilitator/audits_index.html", forms=audits.audit_forms(surveys().values())
    )


def _form_page(
    definition: SurveyDefinition,
    problem: operations.OperationError | None = None,
    typed: dict[str, str] | None = None,
) -> str:
    now = clock_of(current_app).now()
    return render_template(
        "facilitator/audit_form.html",
        definition=definition,
        councils=operations.all_councils(db_session()),
        problem=problem,
        typed=typed or {},
        period=periods.period_sent_in(definition.publication, now).key,
    )


@bp.get("/<survey_id>")
def audit_form(survey_id: str) -> str:
    """One audit form, for one case file."""
    return _form_page(_form_or_404(survey_id))


@bp.post("/<survey_id>")
def record(survey_id: str) -> ResponseReturnValue:
    """Record one audit; refused (400, the form again) if an answer is missing or the case was
    already audited this period."""
    definition = _form_or_404(survey_id)
    form = request.form
    session = db_session()
    # Typed again on a refusal, but never the case reference.
    typed = {k: v for k, v in form.items() if k not in ("csrf_token", audits.CASE_REFERENCE)}
    try:
        if current_user.role in COUNCIL_ROLES:
            council = current_user.council
            if council is None:
                abort(404)
        else:
            council = operations.council_named(session, form.get("council", ""))
        audit = audits.record_audit(
            session,
            vault(),
            definition,
            council,
            form.get(audits.CASE_REFERENCE, ""),
            form,
            link_key=current_app.config["LINK_KEY"],
            now=clock_of(current_app).now(),
        )
    except operations.OperationError as problem:
        session.rollback()
        return _form_page(definition, problem, typed), REFUSED
    session.commit()
    if audit.notes_ciphertext is not None:
        try:
            background_work(current_app).anonymise_audit(audit.id)
        except Exception:
            log.warning("could not enqueue audit %s; the sweeper will", audit.id)
    flash(f"Audit recorded for {council.name} in {audit.period}.", "done")
    return redirect(url_for(".audit_form", survey_id=definition.id), 303)


def _results(definition: SurveyDefinition) -> tuple[str, list[audits.CouncilAudits]]:
    """The period asked for (the latest closed one by default) and its published results."""
    try:
        period = audits.closed_period(
            definition, clock_of(current_app).now(), request.args.get("period")
        )
    except periods.PeriodError as problem:
        abort(Response(str(problem), status=400, mimetype="text/plain"))
    found = audits.audit_results(
        db_session(), definition, council_scope(current_user), period, current_user.id
    )
    db_session().commit()
    return period.key, found


@bp.get("/<survey_id>/results")
def results(survey_id: str) -> str:
    """Headlines per council for one closed period, from the published figures only."""
    definition = _form_or_404(survey_id)
    period, found = _results(definition)
    questions = [q.id for q in definition.questions if q.is_choice]
    return render_template(
        "facilitator/audit_results.html",
        definition=definition,
        results=[
            (result, [audits.headline(definition, result, q) for q in questions])
            for result in found
        ],
        period=period,
        rules=rules_in_words(DisclosureRules.of(definition)),
    )


@bp.get("/<survey_id>/results.csv")
def results_csv(survey_id: str) -> Response:
    """The results as CSV, through disclosure control like the page."""
    definition = _form_or_404(survey_id)
    _, found = _results(definition)
    return Response(
        stream_with_context(audits.results_csv(definition, found)),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{definition.id}-results.csv"'},
    )
