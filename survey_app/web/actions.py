"""The action plan ("you said, we did") for staff: record and approve actions, see each one's
measure before and after, download them, and print a poster per distribution.

A council lead sees and records their own council's actions (and reads the region's); admins
and facilitators see every council and the region. Approving what children see is for a lead
of the action's council or an admin.
"""

from __future__ import annotations

import base64
import datetime as dt
from typing import Any

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
    url_for,
)
from flask_login import current_user, login_required
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response as AnyResponse

from .. import actions, operations, qr, reports, spreadsheets
from ..access import council_scope, may_see
from ..clock import clock_of
from ..definitions.languages import direction, language_name
from ..models import Action, ActionStatus, Council, Distribution, Role
from . import db_session, forms, results, surveys, theme_results

bp = Blueprint("actions", __name__, url_prefix="/facilitator")
# How many figures the form offers to link (the API takes up to actions.MOST_FIGURES).
FIGURE_ROWS = 2


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)


@bp.before_request
@login_required
def _staff_who_plan() -> None:
    # Safeguarding leads read concerns on their own pages; nothing here is theirs.
    if current_user.role == Role.SAFEGUARDING_LEAD:
        abort(404)


# The plan ------------------------------------------------------------------------------------


def _council_asked() -> Council | None:
    """The council the page is about: a council lead's own; else `?council=` (None: region).
    An unknown council, or one the user may not see, is a 404."""
    scope = council_scope(current_user)
    if scope is not None:
        return current_user.council  # type: ignore[no-any-return]
    name = (request.args.get("council") or "").strip()
    if not name:
        return None
    council = operations.find_council(db_session(), name)
    if council is None:
        abort(404)
    return council


def _plan(
    council: Council | None, session: Session
) -> tuple[list[Action], dict[int, actions.Measure], actions.Evidence]:
    """The plan's actions, their measures and their evidence (recorded as published in
    session)."""
    found = actions.staff_actions(
        session, council_scope(current_user), council.id if council else None
    )
    asked = (
        session,
        surveys(),
        found,
        council_scope(current_user),
        council.name if council else None,
        current_user.id,
        clock_of(current_app).now(),
    )
    evidence = actions.action_evidence(*asked, quote_councils=_quote_councils(council))
    return found, actions.action_measures(*asked), evidence


def _quote_councils(council: Council | None) -> list[int] | None:
    """Whose approved quotes the page lists and shows: its council's, else every council the
    user may see (None: all)."""
    return [council.id] if council is not None else council_scope(current_user)


def _child_form_languages() -> list[tuple[str, str]]:
    """Every language a loaded child survey offers, English first, for the form's fields."""
    codes = ["en"]
    for definition in sorted(surveys().values(), key=lambda d: d.id):
        if definition.is_for_children:
            codes += [code for code in definition.languages if code not in codes]
    return [(code, language_name(code)) for code in codes]


def _measure_choices() -> list[tuple[str, str]]:
    """(survey/question/option, in words) for every answer a loaded survey counts."""
    choices = []
    for definition in sorted(surveys().values(), key=lambda d: d.id):
        for question in definition.questions:
            if not question.is_choice:
                continue
            for option in actions.measured_question(question).options:
                value = f"{definition.id}/{question.id}/{option.id}"
                words = f"{definition.title.en}: {question.text.en}: {option.label.en}"
                choices.append((value, words))
    return choices


def _plan_page(
    typed: dict[str, str] | None = None,
    problem: operations.OperationError | None = None,
    chosen_quotes: list[str] | None = None,
) -> str:
    session = db_session()
    council = _council_asked()
    found, measures, evidence = results.publishing(lambda s: _plan(council, s))
    return render_template(
        "facilitator/actions.html",
        council=council,
        actions=found,
        measures=measures,
        evidence=evidence,
        quote_choices=actions.quotes_to_choose(
            session, _quote_councils(council), theme_results.codebook()
        ),
        chosen_quotes=set(chosen_quotes or []),
        figure_rows=range(1, FIGURE_ROWS + 1),
        warnings={action.id: actions.warnings_for(action) for action in found},
        may_approve=lambda action: actions.may_approve(current_user, action),
        councils=operations.all_councils(session)
        if council_scope(current_user) is None
        else [current_user.council],
        sees_every_council=council_scope(current_user) is None,
        languages=_child_form_languages(),
        measure_choices=_measure_choices(),
        statuses=[status.value for status in ActionStatus],
        typed=typed or {},
        problem=problem,
        region_words=actions.REGION_WORDS,
        language_name=language_name,
        direction=direction,
    )


@bp.get("/actions")
def plan() -> str:
    """The action plan of one council (`?council=`) or the region: every action with its
    status, dates, owner role, evidence, approval, and its measure before and after."""
    return _plan_page()


def _date(value: str | None, name: str, field: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise actions.ActionError(f"The {name} is not a date (use YYYY-MM-DD).", field) from None


def _answer_chosen(value: str | None) -> tuple[str, str, str]:
    """(survey, question, option) from a "survey/question/option" choice."""
    survey_id, _, rest = (value or "").partition("/")
    question, _, option = rest.partition("/")
    return survey_id, question, option


def fields_from_form(form: Any, languages: list[str]) -> actions.ActionFields:
    """What the plan's form asks to record."""
    survey_id, question, option = _answer_chosen(form.get("measure"))
    figures = [
        actions.FigureRef(
            *_answer_chosen(form.get(f"evidence_figure_{row}")),
            period=(form.get(f"evidence_period_{row}") or "").strip(),
        )
        for row in range(1, FIGURE_ROWS + 1)
    ]
    return actions.ActionFields(
        council=form.get("council") or None,
        you_said=form.get("you_said", ""),
        we_did=form.get("we_did", ""),
        status=form.get("status", ""),
        themes=(form.get("themes") or "").replace(",", " ").split(),
        evidence=form.get("evidence", ""),
        owner_role=form.get("owner_role", ""),
        acted_on=_date(form.get("acted_on"), "date it took effect", "acted_on"),
        due_on=_date(form.get("due_on"), "due date", "due_on"),
        measure_survey=survey_id,
        measure_question=question,
        measure_option=option,
        evidence_quotes=form.getlist("evidence_quotes"),
        evidence_figures=figures,
        child={
            code: (form.get(f"child_{code}_you_said", ""), form.get(f"child_{code}_we_did", ""))
            for code in languages
        },
    )


@bp.post("/actions")
def record() -> AnyResponse | tuple[str, int]:
    languages = [code for code, _ in _child_form_languages()]
    try:
        action = actions.record_action(
            db_session(),
            current_user,
            fields_from_form(request.form, languages),
            surveys(),
            theme_results.codebook(),
        )
    except operations.OperationError as problem:
        chosen = request.form.getlist("evidence_quotes")
        return forms.shown_again(
            problem, request.form, lambda typed, why: _plan_page(typed, why, chosen)
        )
    db_session().commit()
    flash(f"Action {action.id} is recorded. Children see it once it is approved.", "done")
    return redirect(_plan_url(action), 303)


def _plan_url(action: Action) -> str:
    if council_scope(current_user) is None and action.council is not None:
        return url_for(".plan", council=action.council.name)
    return url_for(".plan")


def _action_or_404(action_id: int) -> Action:
    action = actions.action_by_id(db_session(), action_id)
    # Another council's action looks exactly like one that does not exist.
    if action is None or not actions.may_see_action(current_user, action):
        abort(404)
    return action


@bp.post("/actions/<int:action_id>/approve")
def approve(action_id: int) -> AnyResponse:
    action = _action_or_404(action_id)
    try:
        actions.approve_action(db_session(), action, current_user, surveys())
    except actions.ActionError as problem:
        db_session().rollback()
        flash(str(problem), "error")
        return redirect(_plan_url(action), 303)
    db_session().commit()
    flash(f"Action {action.id} is approved: children see it on their survey links.", "done")
    return redirect(_plan_url(action), 303)


@bp.post("/actions/<int:action_id>/status")
def change_status(action_id: int) -> AnyResponse:
    action = _action_or_404(action_id)
    if action.council_id is None and council_scope(current_user) is not None:
        abort(404)  # a council lead reads the region's actions but does not change them
    try:
        actions.set_status(action, request.form.get("status", ""))
    except actions.ActionError as problem:
        db_session().rollback()
        flash(str(problem), "error")
        return redirect(_plan_url(action), 303)
    db_session().commit()
    flash(f"Action {action.id} is now {action.status}.", "done")
    return redirect(_plan_url(action), 303)


# Downloads -----------------------------------------------------------------------------------


def _file_name(council: Council | None, suffix: str) -> str:
    part = (
        "region"
        if council is None
        else "".join(c if c.isalnum() else "-" for c in council.name.lower()).strip("-")
    )
    return f"actions-{part or 'council'}.{suffix}"


@bp.get("/actions.csv")
def plan_csv() -> Response:
    """The plan as CSV: one row per action, with its measure before and after."""
    council = _council_asked()
    found, measures, evidence = results.publishing(lambda s: _plan(council, s))
    rows = list(actions.action_rows(found, measures, evidence))
    return results.csv_download(_file_name(council, "csv"), actions.ACTION_COLUMNS, rows)


@bp.get("/actions.xlsx")
def plan_xlsx() -> Response:
    """The plan as a spreadsheet, with a note on how the measure's figures are protected."""
    council = _council_asked()
    found, measures, evidence = results.publishing(lambda s: _plan(council, s))
    sheet = spreadsheets.Sheet(
        "Actions",
        actions.ACTION_COLUMNS,
        list(actions.action_rows(found, measures, evidence)),
        footnotes=(
            "Measures and evidence figures are published counts of one whole closed period "
            "each, protected like every download; "
            f"'{actions.TOO_FEW}' where a count or base is too small to show.",
            "Evidence quotes are approved quotes of the quote bank; a withdrawn quote is "
            "not listed.",
        ),
    )
    return results.xlsx_download(_file_name(council, "xlsx"), [sheet])


# The poster ----------------------------------------------------------------------------------


def _distribution_or_404(code: str) -> Distribution:
    distribution = operations.distribution_by_code(db_session(), code)
    if distribution is None or not may_see(current_user, distribution):
        abort(404)
    return distribution


def _poster(code: str) -> str:
    found = _distribution_or_404(code)
    definition = results.survey_or_404(found.survey_id)
    asked = request.args.get("lang", "en")
    language = asked if asked in definition.languages else "en"
    link = f"{current_app.config['PUBLIC_URL'].rstrip('/')}/s/{found.code}"
    if language != "en":
        link += f"?lang={language}"
    words = actions.child_words(definition, language)
    latest = (
        actions.for_children(db_session(), found.council_id, language) if words is not None else []
    )
    png = base64.b64encode(qr.qr_png(link, box_size=8)).decode("ascii")
    return render_template(
        "facilitator/poster.html",
        distribution=found,
        definition=definition,
        link=link,
        qr_png=f"data:image/png;base64,{png}",
        language=language,
        direction=direction(language),
        card_line=definition.card_line.get(language)
        if definition.card_line
        else definition.title.get(language),
        words=words,
        latest=latest,
        languages=[(code, language_name(code)) for code in definition.languages],
    )


@bp.get("/distributions/<code>/poster")
def poster(code: str) -> str:
    """An A4 poster for conference rooms and waiting areas: the card line, the QR code and the
    council's latest "you said, we did"."""
    return _poster(code)


@bp.get("/distributions/<code>/poster.pdf")
def poster_pdf(code: str) -> Response:
    """The poster as a one-page A4 PDF."""
    page = _poster(code)
    try:
        body = reports.report_pdf(page, current_app.extensions["assets"], request.host_url)
    except reports.PdfUnavailable as missing:
        current_app.logger.error("poster PDF unavailable: %s", missing)
        abort(503, description="PDFs are not available on this server: print the poster page.")
    return Response(
        body,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="poster-{code}.pdf"'},
    )
