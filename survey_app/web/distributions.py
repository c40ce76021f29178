"""The facilitators' and council leads' pages: surveys and their distributions (links, QR
cards), and the report and export pages, whose results `results` builds."""

from __future__ import annotations

import datetime as dt

from flask import (
    Flask,
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required

from .. import downloads, operations, overview, periods, qr
from ..access import council_scope, may_see
from ..clock import clock_of
from ..definitions.languages import direction, language_name
from ..definitions.model import AUDITOR, SurveyDefinition
from ..models import Distribution, Role
from ..privacy.disclosure import DisclosureRules, footnotes, rules_in_words
from ..respondent import journey
from ..safeguarding import concerns
from . import db_session, forms, results, surveys
from .signin import bp


def init_app(app: Flask) -> None:
    """Register the facilitator blueprint, with sign-in (`signin`) and the downloads on it."""
    app.register_blueprint(bp)


def public_link(distribution: Distribution, language: str = "en") -> str:
    """The survey's link; in another language it opens in that language (`?lang=`)."""
    link = f"{current_app.config['PUBLIC_URL'].rstrip('/')}/s/{distribution.code}"
    return link if language == "en" else f"{link}?lang={language}"


def card_language(definition: SurveyDefinition) -> str:
    """The language asked for with `?lang=`, if the survey offers it; English otherwise."""
    asked = request.args.get("lang", "en")
    return asked if asked in definition.languages else "en"


# Surveys and distributions ---------------------------------------------------------------


@bp.get("/")
@login_required
def index() -> str:
    # Audit forms have no links or responses: they have their own page (web.audits).
    definitions = sorted(
        (d for d in surveys().values() if d.audience != AUDITOR), key=lambda d: (d.audience, d.id)
    )
    counts = overview.responses_by_survey(db_session(), council_scope(current_user))
    return render_template(
        "facilitator/index.html",
        surveys=definitions,
        has_codebook=current_app.extensions.get("codebook") is not None,
        counts={
            definition.id: overview.counter_in_words(
                counts.get(definition.id, 0), DisclosureRules.of(definition)
            )
            for definition in definitions
        },
    )


@bp.get("/surveys/<survey_id>")
@login_required
def survey(survey_id: str) -> str:
    return _survey_page(results.survey_or_404(survey_id))


def _survey_page(
    definition: SurveyDefinition,
    typed: dict[str, str] | None = None,
    problem: operations.OperationError | None = None,
) -> str:
    """The survey's page; after a refused "make a distribution", with what was typed and why."""
    survey_id = definition.id
    scope = council_scope(current_user)
    session = db_session()
    distributions = overview.survey_distributions(session, survey_id, scope)
    held_back = overview.survey_held_back(
        session, survey_id, scope, int(current_app.config["PROCESSING_MAX_ATTEMPTS"])
    )
    rules = DisclosureRules.of(definition)
    return render_template(
        "facilitator/survey.html",
        definition=definition,
        rows=[
            (distribution, overview.counter_in_words(responses, rules))
            for distribution, responses in distributions
        ],
        councils=operations.all_councils(session),
        download_councils=sorted({distribution.council.name for distribution, _ in distributions}),
        sees_every_council=scope is None,
        research_extract=results.may_have_research_extract(current_user),
        public_link=public_link,
        rules=rules_in_words(rules),
        footnotes=footnotes(rules),
        held_back=held_back.answers,
        held_responses=held_back.responses,
        wave_words={wave.id: wave.label.en for wave in definition.waves},
        typed=typed or {},
        problem=problem,
        closed_periods=periods.recent_published(
            definition.publication, clock_of(current_app).now()
        ),
        open_period=periods.period_sent_in(definition.publication, clock_of(current_app).now()),
    )


@bp.post("/surveys/<survey_id>/distributions")
@login_required
def create_distribution(survey_id: str) -> Response | tuple[str, int]:
    definition = results.survey_or_404(survey_id)
    form = request.form
    council_name = form.get("council", "")
    if current_user.role == Role.COUNCIL_LEAD:
        council_name = current_user.council.name
    try:
        opens_on = _date(form.get("opens_on"), "opening date", "opens_on")
        closes_on = _date(form.get("closes_on"), "closing date", "closes_on")
        distribution = operations.create_distribution(
            db_session(),
            definition.id,
            council_name,
            form.get("label", ""),
            opens_on,
            closes_on,
            created_by=current_user,
            wave=form.get("wave", ""),
            waves=definition.wave_ids(),
            today=operations.today(),
        )
    except operations.OperationError as problem:
        return forms.shown_again(
            problem, form, lambda typed, why: _survey_page(definition, typed, why)
        )
    db_session().commit()
    return redirect(url_for(".distribution", code=distribution.code))


def _date(value: str | None, name: str, field: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise operations.OperationError(
            f"The {name} is not a date (use YYYY-MM-DD).", field=field
        ) from None


def _distribution_or_404(code: str) -> Distribution:
    distribution = operations.distribution_by_code(db_session(), code)
    # Another council's distribution looks exactly like one that does not exist.
    if distribution is None or not may_see(current_user, distribution):
        abort(404)
    return distribution


@bp.get("/distributions/<code>")
@login_required
def distribution(code: str) -> str:
    found = _distribution_or_404(code)
    definition = results.survey_or_404(found.survey_id)
    responses = overview.distribution_responses(db_session(), found)
    return render_template(
        "facilitator/distribution.html",
        distribution=found,
        definition=definition,
        link=public_link(found),
        responses=overview.counter_in_words(responses, DisclosureRules.of(definition)),
        has_safeguarding_lead=concerns.council_has_lead(db_session(), found.council_id),
    )


@bp.get("/distributions/<code>/card")
@login_required
def card(code: str) -> str:
    found = _distribution_or_404(code)
    definition = results.survey_or_404(found.survey_id)
    language = card_language(definition)
    link = public_link(found, language)
    return render_template(
        "facilitator/card.html",
        distribution=found,
        definition=definition,
        link=link,
        qr_svg=qr.qr_svg_element(link),
        language=language,
        direction=direction(language),
        t=lambda key: journey.words(definition, key, language),
        languages=[(code, language_name(code)) for code in definition.languages],
    )


@bp.get("/distributions/<code>/qr.svg")
@login_required
def qr_svg(code: str) -> Response:
    found = _distribution_or_404(code)
    link = public_link(found, card_language(results.survey_or_404(found.survey_id)))
    return Response(
        qr.qr_svg(link),
        mimetype="image/svg+xml",
        headers={"Content-Disposition": f'inline; filename="survey-{found.code}.svg"'},
    )


@bp.get("/distributions/<code>/qr.png")
@login_required
def qr_png(code: str) -> Response:
    found = _distribution_or_404(code)
    link = public_link(found, card_language(results.survey_or_404(found.survey_id)))
    return Response(
        qr.qr_png(link),
        mimetype="image/png",
        headers={"Content-Disposition": f'inline; filename="survey-{found.code}.png"'},
    )


# Results: the downloads (from the one table in `results`), the report and exports ------------

results.add_download_routes(bp, lambda: current_user, login_required)
bp.register_error_handler(downloads.DownloadProblem, results.refused_page)


@bp.get("/surveys/<survey_id>/report")
@login_required
def report(survey_id: str) -> str:
    """Charts with their words and data tables, for one council or the region; printable."""
    return results.report_page(survey_id, current_user)


@bp.get("/surveys/<survey_id>/report.pdf")
@login_required
def report_pdf(survey_id: str) -> Response:
    """The report page as an A4 PDF (recorded as published like the page)."""
    return results.report_pdf_response(survey_id, current_user)


@bp.post("/surveys/<survey_id>/exports")
@login_required
def request_export(survey_id: str) -> Response:
    export = results.start_export(survey_id, current_user, request.form)
    return redirect(url_for(".export", export_id=export.id), 303)


@bp.get("/exports/<int:export_id>")
@login_required
def export(export_id: int) -> str:
    return results.export_page(results.export_or_404(export_id, current_user))


@bp.get("/exports/<int:export_id>/download")
@login_required
def export_download(export_id: int) -> Response | tuple[str, int]:
    found = results.export_or_404(export_id, current_user)
    path = results.export_file(found)
    if path is None:
        return results.export_page(found), results.not_ready_status(found)
    return results.file_response(found, path)


bp.add_app_template_global(results.current_users_exports, "recent_exports")
