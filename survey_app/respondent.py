"""Pages a child or practitioner answers on: one question a page, no script needed."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from typing import Any
from urllib.parse import quote

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    current_app,
    g,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_wtf.csrf import CSRFError
from sqlalchemy.orm import Session
from werkzeug.datastructures import MultiDict

from . import journey, operations, qr, submission
from .crypto import new_token
from .definitions.model import (
    FACE_SCALE,
    PREFER_NOT_TO_SAY,
    RIGHT_TO_LEFT,
    SPECIAL_OPTIONS,
    Question,
    SurveyDefinition,
)
from .definitions.words import special_label
from .journey import AGE_KEY, AGE_STEP, LINK_STEP, PERSONAL_CODE_KEY, WAVE_KEY, FieldError
from .linking import display_code
from .models import Draft, today
from .operations import DistributionFacts, DraftRow
from .security import csrf
from .web import db_session, surveys, vault

bp = Blueprint("respondent", __name__, url_prefix="/s")
COOKIE = "draft"
FORM_COOKIE = "form"


def init_app(app: Flask) -> None:
    # These pages carry their own CSRF check (below) so that a child's phone gets no session
    # cookie at all: only the form cookie and, once started, the draft cookie.
    csrf.exempt(bp)
    app.register_blueprint(bp)


# Canonical links and forms ---------------------------------------------------------------


@bp.url_value_preprocessor
def _canonical_code(endpoint: str | None, values: dict[str, Any] | None) -> None:
    """Codes are typed from cards in any case: send the child to the one spelling cookies use."""
    if not values or "code" not in values:
        return
    canonical = operations.normalise_code(values["code"])
    if canonical != values["code"]:
        path = request.path.replace(f"/s/{values['code']}", f"/s/{canonical}", 1)
        query = request.query_string.decode()
        abort(redirect(path + (f"?{query}" if query else ""), 308))


def _form_secret() -> str:
    secret = request.cookies.get(FORM_COOKIE, "")
    if not 16 <= len(secret) <= 64:
        if "new_form_secret" not in g:
            g.new_form_secret = new_token(18)
        secret = g.new_form_secret
    return secret


def _form_signature(secret: str) -> str:
    key = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(key, f"respondent-form:{secret}".encode(), hashlib.sha256).hexdigest()


@bp.context_processor
def _form_token() -> dict[str, Any]:
    return {"form_token": lambda: _form_signature(_form_secret())}


@bp.before_request
def _check_form_token() -> None:
    """Signed double-submit: the form must carry the HMAC of this browser's form cookie."""
    if request.method != "POST":
        return
    secret = request.cookies.get(FORM_COOKIE, "")
    sent = request.form.get("csrf_token", "")
    if not secret or not hmac.compare_digest(sent, _form_signature(secret)):
        raise CSRFError("The form token is missing or does not match.")


@bp.after_request
def _set_form_cookie(response: Response) -> Response:
    secret = g.pop("new_form_secret", None)
    code = (request.view_args or {}).get("code")
    if secret and code:
        _set_private_cookie(response, FORM_COOKIE, secret, _draft_seconds(), f"/s/{code}")
    return response


def _draft_seconds() -> int:
    return int(current_app.config["DRAFT_LIFETIME_HOURS"]) * 3600


def _set_private_cookie(response: Response, name: str, value: str, seconds: int, path: str) -> None:
    """Every respondent cookie: HttpOnly, SameSite=Lax, Secure outside the demo, path-scoped."""
    response.set_cookie(
        name,
        value,
        max_age=seconds,
        path=path,
        secure=current_app.config["SECURE_COOKIES"],
        httponly=True,
        samesite="Lax",
    )


# Loading ---------------------------------------------------------------------------------


def _db() -> Session:
    """This request's session. Every write on these pages is one statement (a draft made or
    changed), so on PostgreSQL each commits by itself, with no transaction round trips around
    it. Send (`submit`) takes a session with transactions instead."""
    return db_session(single_statements=True)


def _load(code: str) -> tuple[DistributionFacts, SurveyDefinition]:
    cache: operations.DistributionFactsCache = current_app.extensions["distribution_facts"]
    distribution = cache.get(_db(), code)
    if distribution is None:
        abort(404)
    definition = surveys().get(distribution.survey_id)
    if definition is None:
        abort(404)
    return distribution, definition


def _language(definition: SurveyDefinition, draft: DraftRow | None = None) -> str:
    asked = request.args.get("lang") or request.form.get("lang")
    if asked in definition.languages:
        return asked
    if draft is not None and draft.language in definition.languages:
        return draft.language
    return "en"


def _closed_page(distribution: DistributionFacts, definition: SurveyDefinition) -> Response | None:
    day = today()
    if distribution.is_open_on(day):
        return None
    language = _language(definition)
    key = "not_yet_open_text" if distribution.opens_on and day < distribution.opens_on else None
    body = render_template(
        "respondent/closed.html",
        **_context(definition, distribution, language),
        message_key=key or "closed_text",
    )
    return make_response(body, 410)


def _draft(distribution: DistributionFacts) -> DraftRow | None:
    return operations.find_draft(_db(), distribution.id, request.cookies.get(COOKIE))


def _context(
    definition: SurveyDefinition, distribution: DistributionFacts, language: str, **extra: Any
) -> dict[str, Any]:
    def t(key: str, **values: Any) -> str:
        return journey.words(definition, key, language, **values)

    def other_languages() -> list[tuple[str, str]]:
        return [
            (code, LANGUAGE_NAMES.get(code, code))
            for code in definition.languages
            if code != language
        ]

    return {
        "definition": definition,
        "distribution": distribution,
        "language": language,
        "direction": "rtl" if language.split("-")[0] in RIGHT_TO_LEFT else "ltr",
        "t": t,
        "other_languages": other_languages(),
        "for_children": definition.is_for_children,
        "read_aloud": False,
        "read_aloud_offer": False,
        **extra,
    }


LANGUAGE_NAMES = {
    "en": "English",
    "cy": "Cymraeg",
    "pl": "Polski",
    "ro": "Română",
    "lt": "Lietuvių",
    "pt": "Português",
    "ar": "العربية",
    "ur": "اردو",
    "bn": "বাংলা",
    "so": "Soomaali",
    "fa": "فارسی",
    "ku": "Kurdî",
    "uk": "Українська",
}


# Welcome and start -----------------------------------------------------------------------


@bp.get("/<code>")
def welcome(code: str) -> Response | str:
    distribution, definition = _load(code)
    closed = _closed_page(distribution, definition)
    if closed is not None:
        return closed
    draft = _draft(distribution)
    language = _language(definition, draft)
    if draft is not None and draft.language != language:
        operations.update_draft(_db(), draft, language=language)
        _db().commit()
    return render_template(
        "respondent/welcome.html",
        **_context(
            definition,
            distribution,
            language,
            has_draft=draft is not None,
            read_aloud_offer=True,
            expired=request.args.get("expired") == "1" and draft is None,
        ),
    )


@bp.post("/<code>/start")
def start(code: str) -> Response:
    distribution, definition = _load(code)
    closed = _closed_page(distribution, definition)
    if closed is not None:
        return closed
    session = _db()
    draft = _draft(distribution)
    language = _language(definition, draft)
    read_aloud = request.form.get("read_aloud") == "on"
    token = None
    found: Draft | DraftRow
    if draft is None:
        lifetime = dt.timedelta(hours=int(current_app.config["DRAFT_LIFETIME_HOURS"]))
        found, token = operations.start_draft(
            session, vault(), distribution.id, language, read_aloud, lifetime
        )
        if distribution.wave:
            operations.write_draft(
                vault(), found, operations.DraftState({WAVE_KEY: distribution.wave}, [])
            )
    else:
        found = draft
        if (language, read_aloud or draft.read_aloud) != (draft.language, draft.read_aloud):
            operations.update_draft(
                session, draft, language=language, read_aloud=read_aloud or draft.read_aloud
            )
    state = operations.read_draft(vault(), found)
    session.commit()
    step = journey.first_unseen_step(definition, state.answers, state.seen)
    target = _step_url(code, step) if step else url_for(".check", code=code)
    response = redirect(target, 303)
    if token is not None:
        _set_cookie(response, distribution, token)
    return response


def _set_cookie(response: Response, distribution: DistributionFacts, token: str) -> None:
    _set_private_cookie(response, COOKIE, token, _draft_seconds(), f"/s/{distribution.code}")


def _step_url(code: str, step: str) -> str:
    return url_for(".question", code=code, step=step)


# Questions -------------------------------------------------------------------------------


@bp.route("/<code>/q/<step>", methods=["GET", "POST"])
def question(code: str, step: str) -> Response | str | tuple[str, int]:
    distribution, definition = _load(code)
    closed = _closed_page(distribution, definition)
    if closed is not None:
        return closed
    draft = _draft(distribution)
    if draft is None:
        return redirect(url_for(".welcome", code=code), 303)
    language = _language(definition, draft)
    state = operations.read_draft(vault(), draft)
    order = journey.steps(definition, state.answers)
    if step not in order:
        return redirect(_step_url(code, order[0]), 303)

    errors: list[FieldError] = []
    values: dict[str, Any] = dict(state.answers)
    if request.method == "POST":
        if step == AGE_STEP:
            chosen, errors = journey.parse_age(definition, request.form, language)
            if not errors:
                state.answers[AGE_KEY] = chosen
        elif step == LINK_STEP:
            codes, errors = journey.parse_link(definition, request.form, language)
            if not errors:
                state.answers.update(codes)
            else:
                values.update(request.form.to_dict())
        else:
            page = journey.page_for(definition, step)
            assert page is not None
            given, blank, errors = journey.parse_page(
                definition, page, state.answers, request.form, language
            )
            if not errors:
                state.answers.update(given)
                for question_id in blank:
                    state.answers.pop(question_id, None)
            else:
                values.update(_submitted_values(definition, page.questions, request.form))
        if not errors:
            state.answers = journey.prune(definition, state.answers)
            if step not in state.seen:
                state.seen.append(step)
            operations.save_draft(_db(), vault(), draft, state)
            _db().commit()
            _, after = journey.neighbours(definition, step, state.answers)
            return redirect(_step_url(code, after) if after else url_for(".check", code=code), 303)

    before, _ = journey.neighbours(definition, step, state.answers)
    back_url = _step_url(code, before) if before else url_for(".welcome", code=code)
    if step == LINK_STEP and not errors:
        values = {
            "personal_code": display_code(
                state.answers.get(PERSONAL_CODE_KEY)
                or request.cookies.get(_code_cookie(definition), "")
            )
        }
    page = {
        **_context(definition, distribution, language, read_aloud=draft.read_aloud),
        "values": values,
        "errors": errors,
        "error_for": {error.question_id: error.message for error in errors},
        "number": order.index(step) + 1,
        "total": len(order),
        "back_url": back_url,
        "action": _step_url(code, step),
    }
    if step == LINK_STEP:
        body = render_template(
            "respondent/link.html",
            **page,
            first_wave=definition.is_first_wave(distribution.wave),
        )
    else:
        body = render_template(
            "respondent/question.html",
            **page,
            step=step,
            questions=_questions_for(definition, step, state.answers, language),
        )
    return (body, 200) if not errors else (body, 422)


def _submitted_values(
    definition: SurveyDefinition, questions: tuple[Question, ...], form: MultiDict[str, str]
) -> dict[str, Any]:
    """What the respondent just typed or chose, to show it back beside the error."""
    values: dict[str, Any] = {}
    for question in questions:
        special = form.get(f"{question.id}--special")
        if special:
            values[question.id] = special
        elif question.kind == "multiple_choice":
            values[question.id] = form.getlist(question.id)
        else:
            values[question.id] = form.get(question.id, "")
    return values


def _questions_for(
    definition: SurveyDefinition, step: str, answers: dict[str, Any], language: str
) -> list[dict[str, Any]]:
    """The questions on a step, as the template draws them."""
    if step == AGE_STEP:
        options = [(band.id, band.label.get(language), 2) for band in definition.age_bands]
        options.append(
            (PREFER_NOT_TO_SAY, _special_words(definition, PREFER_NOT_TO_SAY, language), 2)
        )
        return [
            {
                "id": AGE_KEY,
                "kind": "single_choice",
                "text": journey.words(definition, "age_question", language),
                "hint": "",
                "options": options,
                "specials": [],
                "required": True,
                "max_length": 0,
            }
        ]
    page = journey.page_for(definition, step)
    assert page is not None
    band = journey.age_band(definition, answers)
    drawn = []
    for asked in journey.shown_questions(page, answers):
        question = asked.for_band(band)
        drawn.append(
            {
                "id": question.id,
                "kind": question.kind,
                "text": question.text.get(language),
                "hint": question.hint.get(language) if question.hint else "",
                "options": [
                    (option.id, option.label.get(language), journey.face_position(question, i))
                    for i, option in enumerate(question.options)
                ],
                "specials": [
                    (option_id, _special_words(definition, option_id, language))
                    for option_id in question.special_options()
                ],
                "required": question.required,
                "max_length": question.max_length,
                "minimum": question.minimum,
                "maximum": question.maximum,
                "is_face": question.kind == FACE_SCALE,
            }
        )
    return drawn


def _special_words(definition: SurveyDefinition, option_id: str, language: str) -> str:
    text = definition.interface.get(option_id)
    return text.get(language) if text else special_label(option_id)


# Check, submit, thanks -------------------------------------------------------------------


@bp.get("/<code>/check")
def check(code: str) -> Response | str:
    distribution, definition = _load(code)
    closed = _closed_page(distribution, definition)
    if closed is not None:
        return closed
    draft = _draft(distribution)
    if draft is None:
        return redirect(url_for(".welcome", code=code), 303)
    language = _language(definition, draft)
    state = operations.read_draft(vault(), draft)
    order = journey.steps(definition, state.answers)
    return render_template(
        "respondent/check.html",
        **_context(definition, distribution, language, read_aloud=draft.read_aloud),
        summary=_summary(definition, state.answers, language, code),
        back_url=_step_url(code, order[-1]) if order else url_for(".welcome", code=code),
    )


def _summary(
    definition: SurveyDefinition, answers: dict[str, Any], language: str, code: str
) -> list[tuple[str, str, str]]:
    """(question, answer in words, change link) for each answered question."""
    rows = []
    if definition.age_bands:
        chosen = answers.get(AGE_KEY)
        bands = {band.id: band.label.get(language) for band in definition.age_bands}
        shown = bands.get(chosen) or _special_words(definition, PREFER_NOT_TO_SAY, language)
        rows.append(
            (journey.words(definition, "age_question", language), shown, _step_url(code, AGE_STEP))
        )
    band = journey.age_band(definition, answers)
    for page in definition.pages:
        for asked in journey.shown_questions(page, answers):
            if asked.id not in answers:
                continue
            question = asked.for_band(band)
            value = answers[question.id]
            labels = {option.id: option.label.get(language) for option in question.options}
            chosen = value if isinstance(value, list) else [value]
            words = [
                _special_words(definition, str(v), language)
                if v in SPECIAL_OPTIONS
                else labels.get(str(v), str(v))
                for v in chosen
            ]
            rows.append((question.text.get(language), ", ".join(words), _step_url(code, page.id)))
    return rows


@bp.post("/<code>/submit")
def submit(code: str) -> Response:
    # A session with transactions, made before `_load` asks: whatever Send writes through it
    # commits or rolls back together (its own insert runs on a connection of its own).
    session = db_session()
    distribution, definition = _load(code)
    closed = _closed_page(distribution, definition)
    if closed is not None:
        return closed
    outcome = submission.send_draft(
        session,
        definition,
        distribution.id,
        request.cookies.get(COOKIE),
        vault(),
        current_app.extensions["enqueue"],
        link_key=current_app.config["LINK_KEY"],
    )
    if outcome.status == submission.INCOMPLETE:
        assert outcome.missing_step is not None
        return redirect(_step_url(code, outcome.missing_step), 303)
    if outcome.status == submission.EXPIRED:
        # Kept for a day only; say so on the welcome page rather than thank for nothing.
        return redirect(url_for(".welcome", code=code, expired=1), 303)
    # Sent now, or already sent by an earlier tap: either way the answers are safe.
    language = outcome.language
    # Built by hand, not with url_for and redirect (the busiest response there is): the same
    # 303 to the thank-you page, without building an HTML body nobody sees.
    query = f"?lang={quote(language)}" if language != "en" else ""
    target = Response(
        status=303, headers={"Location": f"{request.script_root}/s/{quote(code)}/thanks{query}"}
    )
    target.delete_cookie(COOKIE, path=f"/s/{distribution.code}")
    if outcome.personal_code:
        _keep_code(target, definition, outcome.personal_code)
    return target


def _code_cookie(definition: SurveyDefinition) -> str:
    return f"code-{definition.id}"


def _keep_code(response: Response, definition: SurveyDefinition, code: str) -> None:
    """Keep the personal code on this device (only here) so the next wave can fill it in."""
    _set_private_cookie(response, _code_cookie(definition), display_code(code), 400 * 86400, "/s")


@bp.get("/<code>/thanks")
def thanks(code: str) -> str:
    distribution, definition = _load(code)
    language = _language(definition)
    personal_code = request.cookies.get(_code_cookie(definition)) if definition.waves else None
    keep_link = None
    if personal_code:
        base = current_app.config["PUBLIC_URL"].rstrip("/")
        keep_link = f"{base}/s/{distribution.code}/keep-code/{display_code(personal_code)}"
    return render_template(
        "respondent/thanks.html",
        **_context(definition, distribution, language),
        personal_code=display_code(personal_code) if personal_code else None,
        keep_qr=qr.qr_svg_element(keep_link) if keep_link else None,
    )


@bp.get("/<code>/keep-code/<personal_code>")
def keep_code(code: str, personal_code: str) -> Response:
    """Opened from the QR on the thank-you page, on the phone to be used next time."""
    distribution, definition = _load(code)
    language = _language(definition)
    response = make_response(
        render_template(
            "respondent/kept.html",
            **_context(definition, distribution, language),
            personal_code=display_code(personal_code),
        )
    )
    if definition.waves:
        _keep_code(response, definition, personal_code)
    return response
