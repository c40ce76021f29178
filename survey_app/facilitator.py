"""Pages for facilitators and council leads: distributions, QR cards and downloads."""

from __future__ import annotations

import datetime as dt
import re
import tempfile
from collections.abc import Iterator
from typing import IO
from urllib.parse import urlsplit

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
from flask_login import LoginManager, current_user, login_required, login_user, logout_user
from sqlalchemy import func, select

from . import downloads, operations, processing, qr, reports, spreadsheets
from .access import council_scope, may_see
from .definitions.languages import direction, language_name
from .definitions.model import SurveyDefinition
from .exports import serving as export_serving
from .inputs import is_single_line
from .models import Council, Distribution, DistributionTotal, FreeText, Role, User
from .models import Response as SavedResponse
from .privacy.disclosure import DisclosureRules, footnotes, rules_in_words
from .respondent import journey
from .safeguarding import concerns
from .throttle import SignInThrottle
from .web import db_session, read_while_streaming, surveys

bp = Blueprint("facilitator", __name__, url_prefix="/facilitator")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
login_manager = LoginManager()
login_manager.login_view = "facilitator.login"
login_manager.login_message = "Sign in to see that page."
login_manager.session_protection = "basic"


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    app.extensions["sign_in_throttle"] = SignInThrottle(
        str(app.config["SECRET_KEY"]),
        str(app.config["LOGIN_THROTTLE_STORAGE"]),
        int(app.config["LOGIN_CLIENT_MAX_FAILURES"]),
        int(app.config["LOGIN_CLIENT_WINDOW_MINUTES"]),
    )
    app.register_blueprint(bp)
    app.add_url_rule("/", "home", lambda: redirect(_home()))


def _home() -> str:
    """Where a signed-in person starts: a safeguarding lead sees only the concerns."""
    if current_user.is_authenticated and current_user.role == Role.SAFEGUARDING_LEAD:
        return url_for("safeguarding.concerns_list")
    return url_for("facilitator.index")


@bp.before_request
def _not_for_safeguarding_leads() -> None:
    # A safeguarding lead reads concerns, not research data: the rest of this area does not
    # exist for them (404, like anything else they may not see).
    if (
        current_user.is_authenticated
        and current_user.role == Role.SAFEGUARDING_LEAD
        and request.endpoint not in ("facilitator.login", "facilitator.logout")
    ):
        abort(404)


@login_manager.user_loader
def _load_user(session_id: str) -> User | None:
    # The id carries the account's session version: a session ended on the server (sign-out,
    # new password, deactivation) is refused even if its cookie is sent again.
    return operations.user_for_session(db_session(), session_id)


def public_link(distribution: Distribution, language: str = "en") -> str:
    """The survey's link; in another language it opens in that language (`?lang=`)."""
    link = f"{current_app.config['PUBLIC_URL'].rstrip('/')}/s/{distribution.code}"
    return link if language == "en" else f"{link}?lang={language}"


def card_language(definition: SurveyDefinition) -> str:
    """The language asked for with `?lang=`, if the survey offers it; English otherwise."""
    asked = request.args.get("lang", "en")
    return asked if asked in definition.languages else "en"


def disclosure_rules(definition: SurveyDefinition) -> DisclosureRules:
    """The survey's own publishing thresholds (from its YAML, never below the safe floors)."""
    return DisclosureRules.of(definition)


def safe_next(target: str | None) -> str:
    """Only ever redirect within this site after signing in."""
    fallback = _home()
    if not target:
        return fallback
    parts = urlsplit(target)
    if (
        parts.scheme
        or parts.netloc
        or not target.startswith("/")
        or target.startswith("//")
        or "\\" in target
        or not is_single_line(target)
    ):
        return fallback
    return target


# Signing in ------------------------------------------------------------------------------


@bp.route("/login", methods=["GET", "POST"])
def login() -> Response | str | tuple[str, int]:
    if current_user.is_authenticated:
        return redirect(_home())
    error = None
    email = ""
    throttle: SignInThrottle = current_app.extensions["sign_in_throttle"]
    client = request.remote_addr or ""
    if request.method == "POST" and not throttle.allows(client):
        # Many failures from this client, whichever accounts (password spraying).
        error = (
            f"Too many failed sign-ins from this device. Try again in {throttle.minutes} minutes."
        )
        body = render_template("facilitator/login.html", error=error, email="")
        return body, 429
    if request.method == "POST":
        email = request.form.get("email", "")
        try:
            user = operations.authenticate(
                db_session(),
                email,
                request.form.get("password", ""),
                int(current_app.config["LOGIN_MAX_FAILURES"]),
                dt.timedelta(minutes=int(current_app.config["LOGIN_LOCKOUT_MINUTES"])),
            )
        except operations.LoginRefused as refused:
            db_session().commit()
            throttle.failed(client)
            error = str(refused)
        else:
            db_session().commit()
            login_user(user)
            return redirect(safe_next(request.args.get("next")))
    body = render_template("facilitator/login.html", error=error, email=email)
    return (body, 200) if error is None else (body, 401)


@bp.post("/logout")
def logout() -> Response:
    if current_user.is_authenticated:
        # Ends the session on the server too: its cookie, replayed, no longer signs anyone in.
        operations.end_sessions(current_user)
        db_session().commit()
    logout_user()
    return redirect(url_for(".login"))


# Surveys and distributions ---------------------------------------------------------------


def _response_counts(scope: list[int] | None) -> dict[str, int]:
    query = (
        select(Distribution.survey_id, func.coalesce(func.sum(DistributionTotal.responses), 0))
        .outerjoin(DistributionTotal, DistributionTotal.distribution_id == Distribution.id)
        .group_by(Distribution.survey_id)
    )
    if scope is not None:
        query = query.where(Distribution.council_id.in_(scope))
    return {survey_id: int(total) for survey_id, total in db_session().execute(query)}


@bp.get("/")
@login_required
def index() -> str:
    counts = _response_counts(council_scope(current_user))
    return render_template(
        "facilitator/index.html",
        surveys=sorted(surveys().values(), key=lambda d: (d.audience, d.id)),
        counts=counts,
    )


def _survey_or_404(survey_id: str):  # type: ignore[no-untyped-def]
    definition = surveys().get(survey_id)
    if definition is None:
        abort(404)
    return definition


@bp.get("/surveys/<survey_id>")
@login_required
def survey(survey_id: str) -> str:
    definition = _survey_or_404(survey_id)
    scope = council_scope(current_user)
    query = (
        select(Distribution, func.coalesce(DistributionTotal.responses, 0))
        .outerjoin(DistributionTotal, DistributionTotal.distribution_id == Distribution.id)
        .join(Council, Distribution.council_id == Council.id)
        .where(Distribution.survey_id == survey_id)
        .order_by(Council.name, Distribution.label)
    )
    if scope is not None:
        query = query.where(Distribution.council_id.in_(scope))
    rows = db_session().execute(query).all()
    councils = db_session().scalars(select(Council).order_by(Council.name)).all()
    held = (
        select(func.count(FreeText.id))
        .join(SavedResponse, FreeText.response_id == SavedResponse.id)
        .join(Distribution, SavedResponse.distribution_id == Distribution.id)
        .where(Distribution.survey_id == survey_id, FreeText.held_back.is_(True))
    )
    held_responses = (
        processing.held_back_responses(int(current_app.config["PROCESSING_MAX_ATTEMPTS"]))
        .join(Distribution, SavedResponse.distribution_id == Distribution.id)
        .where(Distribution.survey_id == survey_id)
    )
    if scope is not None:
        held = held.where(Distribution.council_id.in_(scope))
        held_responses = held_responses.where(Distribution.council_id.in_(scope))
    rules = disclosure_rules(definition)
    return render_template(
        "facilitator/survey.html",
        definition=definition,
        rows=rows,
        councils=councils,
        download_councils=sorted({distribution.council.name for distribution, _ in rows}),
        sees_every_council=scope is None,
        public_link=public_link,
        rules=rules_in_words(rules),
        footnotes=footnotes(rules),
        held_back=int(db_session().scalar(held) or 0),
        held_responses=int(db_session().scalar(held_responses) or 0),
    )


@bp.post("/surveys/<survey_id>/distributions")
@login_required
def create_distribution(survey_id: str) -> Response | tuple[str, int]:
    definition = _survey_or_404(survey_id)
    form = request.form
    council_name = form.get("council", "")
    if current_user.role == "council_lead":
        council_name = current_user.council.name
    try:
        opens_on = _date(form.get("opens_on"), "opening date")
        closes_on = _date(form.get("closes_on"), "closing date")
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
        )
    except operations.OperationError as problem:
        flash(str(problem), "error")
        return redirect(url_for(".survey", survey_id=survey_id))
    db_session().commit()
    return redirect(url_for(".distribution", code=distribution.code))


def _date(value: str | None, name: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise operations.OperationError(f"The {name} is not a date (use YYYY-MM-DD).") from None


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
    total = db_session().get(DistributionTotal, found.id)
    return render_template(
        "facilitator/distribution.html",
        distribution=found,
        definition=_survey_or_404(found.survey_id),
        link=public_link(found),
        responses=total.responses if total else 0,
        has_safeguarding_lead=concerns.council_has_lead(db_session(), found.council_id),
    )


@bp.get("/distributions/<code>/card")
@login_required
def card(code: str) -> str:
    found = _distribution_or_404(code)
    definition = _survey_or_404(found.survey_id)
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
    link = public_link(found, card_language(_survey_or_404(found.survey_id)))
    return Response(
        qr.qr_svg(link),
        mimetype="image/svg+xml",
        headers={"Content-Disposition": f'inline; filename="survey-{found.code}.svg"'},
    )


@bp.get("/distributions/<code>/qr.png")
@login_required
def qr_png(code: str) -> Response:
    found = _distribution_or_404(code)
    link = public_link(found, card_language(_survey_or_404(found.survey_id)))
    return Response(
        qr.qr_png(link),
        mimetype="image/png",
        headers={"Content-Disposition": f'inline; filename="survey-{found.code}.png"'},
    )


# Downloads -------------------------------------------------------------------------------


def csv_download(name: str, header: list[str], rows) -> Response:  # type: ignore[no-untyped-def]
    return Response(
        stream_with_context(downloads.csv_lines(header, rows)),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
        },
    )


def aggregates_response(survey_id: str, user: User) -> Response:
    """Counts per group and question, protected and recorded as published (both the pages and
    the API). Raises downloads.DownloadProblem, with nothing recorded, if they may not be given.
    """
    definition = _survey_or_404(survey_id)
    chosen = downloads.GroupFilter.from_query(request.args)
    tables = _publishing(
        lambda session: downloads.publish_aggregates(
            session, definition, council_scope(user), chosen, user.id
        )
    )
    return csv_download(
        f"{survey_id}-aggregates.csv",
        downloads.AGGREGATE_COLUMNS,
        downloads.aggregate_rows(definition, tables),
    )


def responses_response(survey_id: str, user: User) -> Response:
    """Anonymised responses of the groups at or above the minimum base, recorded as published."""
    definition = _survey_or_404(survey_id)
    chosen = downloads.GroupFilter.from_query(request.args)
    published = _publishing(
        lambda session: downloads.publish_responses(
            session, definition, council_scope(user), chosen, user.id
        )
    )
    return csv_download(
        f"{survey_id}-responses.csv",
        downloads.response_columns(definition),
        read_while_streaming(lambda session: downloads.response_rows(session, published)),
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


def aggregates_xlsx_response(survey_id: str, user: User) -> Response:
    """The counts download as a spreadsheet: one sheet per council (and the region)."""
    definition = _survey_or_404(survey_id)
    chosen = downloads.GroupFilter.from_query(request.args)
    tables = _publishing(
        lambda session: downloads.publish_aggregates(
            session, definition, council_scope(user), chosen, user.id
        )
    )
    notes_below = [*rules_in_words(disclosure_rules(definition)), ""]
    notes_below += _footnote_lines(disclosure_rules(definition))
    sheets = [
        spreadsheets.Sheet(
            table.label,
            downloads.AGGREGATE_COLUMNS,
            list(downloads.aggregate_rows(definition, [table])),
            notes_below,
        )
        for table in tables
    ]
    return xlsx_download(f"{survey_id}-aggregates.xlsx", sheets)


def _prepost(survey_id: str, user: User) -> downloads.PublishedPrepost:
    definition = _survey_or_404(survey_id)
    chosen = downloads.GroupFilter.from_query(request.args)
    return _publishing(  # type: ignore[no-any-return]
        lambda session: downloads.publish_prepost(
            session, definition, council_scope(user), chosen, user.id
        )
    )


def prepost_response(survey_id: str, user: User) -> Response:
    """Before and after per council (and the region) and item, protected and recorded."""
    published = _prepost(survey_id, user)
    return csv_download(
        f"{survey_id}-prepost.csv", downloads.PREPOST_COLUMNS, published.change_rows()
    )


def prepost_unpaired_response(survey_id: str, user: User) -> Response:
    published = _prepost(survey_id, user)
    return csv_download(
        f"{survey_id}-prepost-unpaired.csv", downloads.UNPAIRED_COLUMNS, published.unpaired_rows()
    )


def prepost_xlsx_response(survey_id: str, user: User) -> Response:
    published = _prepost(survey_id, user)
    below = [
        *downloads.method_notes(published.definition, published.rules),
        "",
        *_footnote_lines(published.rules),
    ]
    sheets = [
        spreadsheets.Sheet(
            "Before and after",
            downloads.PREPOST_COLUMNS,
            list(published.change_rows("change")),
            below,
        ),
        spreadsheets.Sheet(
            "Response shift",
            downloads.PREPOST_COLUMNS,
            list(published.change_rows("response_shift")),
            below,
        ),
        spreadsheets.Sheet(
            "Not paired", downloads.UNPAIRED_COLUMNS, list(published.unpaired_rows()), below
        ),
    ]
    return xlsx_download(f"{survey_id}-prepost.xlsx", sheets)


def _publishing(publish):  # type: ignore[no-untyped-def]
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


@bp.errorhandler(downloads.DownloadProblem)
def _download_problem(problem: downloads.DownloadProblem) -> tuple[str, int]:
    status = 409 if isinstance(problem, downloads.Refused) else 400
    survey_id = (request.view_args or {}).get("survey_id", "")
    definition = surveys().get(survey_id)
    rules = disclosure_rules(definition) if definition else DisclosureRules()
    page = render_template(
        "facilitator/refused.html",
        definition=definition,
        message=str(problem),
        refused=status == 409,
        rules=rules_in_words(rules),
    )
    return page, status


@bp.get("/surveys/<survey_id>/aggregates.csv")
@login_required
def aggregates_csv(survey_id: str) -> Response:
    return aggregates_response(survey_id, current_user)


@bp.get("/surveys/<survey_id>/responses.csv")
@login_required
def responses_csv(survey_id: str) -> Response:
    return responses_response(survey_id, current_user)


@bp.get("/surveys/<survey_id>/report")
@login_required
def report(survey_id: str) -> str:
    """Charts with their words and data tables, for one council or the region; printable."""
    return _report_page(survey_id)


@bp.get("/surveys/<survey_id>/report.pdf")
@login_required
def report_pdf(survey_id: str) -> Response:
    """The report page as an A4 PDF (recorded as published like the page)."""
    page = _report_page(survey_id)
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
            back=url_for("facilitator.report", survey_id=survey_id, council=council or None),
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


def _report_page(survey_id: str) -> str:
    definition = _survey_or_404(survey_id)
    council = (request.args.get("council") or "").strip() or None
    built = _publishing(
        lambda session: reports.build_report(
            session, definition, council_scope(current_user), council, current_user.id
        )
    )
    rules = disclosure_rules(definition)
    return render_template(
        "facilitator/report.html",
        report=built,
        region=reports.REGION,
        council_param=None if built.group == reports.REGION else built.group,
        rules=rules,
        rule_words=rules_in_words(rules),
        footnotes=footnotes(rules),
    )


@bp.get("/surveys/<survey_id>/aggregates.xlsx")
@login_required
def aggregates_xlsx(survey_id: str) -> Response:
    return aggregates_xlsx_response(survey_id, current_user)


@bp.get("/surveys/<survey_id>/prepost.csv")
@login_required
def prepost_csv(survey_id: str) -> Response:
    return prepost_response(survey_id, current_user)


@bp.get("/surveys/<survey_id>/prepost-unpaired.csv")
@login_required
def prepost_unpaired_csv(survey_id: str) -> Response:
    return prepost_unpaired_response(survey_id, current_user)


@bp.get("/surveys/<survey_id>/prepost.xlsx")
@login_required
def prepost_xlsx(survey_id: str) -> Response:
    return prepost_xlsx_response(survey_id, current_user)


# Exports: full anonymised responses as a file built by a worker (survey_app/exports) ----------


@bp.post("/surveys/<survey_id>/exports")
@login_required
def request_export(survey_id: str) -> Response:
    export = export_serving.start_export(survey_id, current_user, request.form)
    return redirect(url_for(".export", export_id=export.id), 303)


@bp.get("/exports/<int:export_id>")
@login_required
def export(export_id: int) -> str:
    return export_serving.export_page(export_serving.export_or_404(export_id, current_user))


@bp.get("/exports/<int:export_id>/download")
@login_required
def export_download(export_id: int) -> Response | tuple[str, int]:
    found = export_serving.export_or_404(export_id, current_user)
    path = export_serving.export_file(found)
    if path is None:
        return export_serving.export_page(found), export_serving.not_ready_status(found)
    return export_serving.file_response(found, path)


bp.add_app_template_global(export_serving.current_users_exports, "recent_exports")
