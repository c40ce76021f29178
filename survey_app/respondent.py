"""Pages a child or practitioner answers on: one question a page, no script needed."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

from cryptography.fernet import InvalidToken
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
from .background import background_work
from .crypto import new_token
from .definitions.languages import direction, language_name
from .definitions.model import (
    FACE_SCALE,
    PREFER_NOT_TO_SAY,
    SPECIAL_OPTIONS,
    Question,
    SurveyDefinition,
)
from .definitions.words import special_label
from .journey import AGE_KEY, AGE_STEP, LINK_STEP, PERSONAL_CODE_KEY, WAVE_KEY, FieldError
from .linking import display_code, normalise_personal_code
from .models import Draft, today, utcnow
from .operations import DistributionFacts, DraftRow, DraftState
from .safeguarding import telling
from .safeguarding.concerns import ContactDetails, Raised
from .web import db_session, surveys, vault
from .web.security import csrf

log = logging.getLogger(__name__)

bp = Blueprint("respondent", __name__, url_prefix="/s")
COOKIE = "draft"
FORM_COOKIE = "form"
# Remembers (sealed) the concern a visit raised before or after it had a draft, so pressing
# "I don't feel safe" again does not alert the lead twice. Its name says nothing to whoever
# looks through the phone. Short-lived and dropped on Send, because phones and tablets at a
# meeting are shared: the next child's words must not join this child's concern.
VISIT_COOKIE = "visit"
VISIT_SECONDS = 30 * 60
CHILDLINE_CHAT = "https://www.childline.org.uk/get-support/1-2-1-counsellor-chat/"


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


# Views whose writes must land together (a concern, its words, its emails, a contact request):
# their session keeps transactions.
_TRANSACTIONAL = frozenset({"respondent.unsafe", "respondent.contact", "respondent.stop"})


def _db() -> Session:
    """This request's session. Every other write on these pages is one statement (a draft made
    or changed), so on PostgreSQL each commits by itself, with no transaction round trips around
    it. Send (`submit`) and the safety views take a session with transactions instead."""
    return db_session(single_statements=request.endpoint not in _TRANSACTIONAL)


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
        return [(code, language_name(code)) for code in definition.languages if code != language]

    return {
        "definition": definition,
        "distribution": distribution,
        "unsafe_action": (
            url_for("respondent.unsafe", code=distribution.code)
            if definition.is_for_children
            else None
        ),
        "here": _here(),
        "language": language,
        "direction": direction(language),
        "t": t,
        "other_languages": other_languages(),
        "for_children": definition.is_for_children,
        "read_aloud": False,
        "read_aloud_offer": False,
        **extra,
    }


def _here() -> str:
    """Where the child is, for the "I don't feel safe" control to bring them back to."""
    if request.endpoint == "respondent.question":
        return str((request.view_args or {}).get("step", ""))
    return {"respondent.check": "check", "respondent.thanks": "thanks"}.get(
        request.endpoint or "", ""
    )


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
        # A concern raised before the survey started (on the welcome page) belongs to this visit.
        begun = DraftState(
            {WAVE_KEY: distribution.wave} if distribution.wave else {},
            [],
            telling.still_open(session, _visit_concerns()),
        )
        if begun.answers or begun.concerns:
            operations.write_draft(vault(), found, begun)
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
    flagged: list[telling.FlaggedText] = []
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
                flagged = telling.flag_answers(
                    page.questions, given, state.answers, telling.source_of(definition)
                )
                state.answers.update(given)
                for question_id in blank:
                    state.answers.pop(question_id, None)
            else:
                values.update(_submitted_values(definition, page.questions, request.form))
        if not errors:
            state.answers = journey.prune(definition, state.answers)
            if step not in state.seen:
                state.seen.append(step)
            raised = None
            if flagged:
                # A concern, its words, its emails and the draft that remembers it land
                # together, in a transaction of their own (the page's session writes single
                # statements).
                with current_app.extensions["database"].session() as together:
                    raised = telling.record_answers(
                        together,
                        vault(),
                        _visit(distribution),
                        _remembered(state),
                        flagged,
                        utcnow(),
                    )
                    _keep_in_draft(state, raised.concern_id)
                    operations.save_draft(together, vault(), draft, state)
                    together.commit()
            else:
                operations.save_draft(_db(), vault(), draft, state)
            _commit_then_tell_the_leads(raised)
            _, after = journey.neighbours(definition, step, state.answers)
            if raised is not None:
                # What they wrote worries the screen: tell them who will read it, and how to
                # get help now, before the next question.
                shown = redirect(
                    url_for(".safe", code=code, to=after or "check", why="answer"), 303
                )
                _remember_concern(shown, distribution, raised.concern_id)
                return shown
            return redirect(_step_url(code, after) if after else url_for(".check", code=code), 303)

    before, _ = journey.neighbours(definition, step, state.answers)
    back_url = _step_url(code, before) if before else url_for(".welcome", code=code)
    if step == LINK_STEP and not errors:
        values = {
            "personal_code": display_code(
                state.answers.get(PERSONAL_CODE_KEY) or _kept_code(definition) or ""
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
        background_work(current_app).process_response,
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
    target.delete_cookie(VISIT_COOKIE, path=f"/s/{distribution.code}")
    if outcome.personal_code:
        _keep_code(target, definition, outcome.personal_code)
    return target


def _code_cookie(definition: SurveyDefinition) -> str:
    return f"code-{definition.id}"


def _code_signature(definition: SurveyDefinition, code: str) -> str:
    key = str(current_app.config["SECRET_KEY"]).encode()
    message = f"kept-personal-code:{definition.id}:{code}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:32]


def _keep_code(response: Response, definition: SurveyDefinition, code: str) -> None:
    """Keep the personal code on this device (only here) so the next wave can fill it in.

    Only after Send or the owner's own "Keep my code": signed, so that no cookie put there any
    other way (e.g. by a link, before keeping needed a press) is ever read back.
    """
    normal = normalise_personal_code(code)
    value = f"{normal}.{_code_signature(definition, normal)}"
    _set_private_cookie(response, _code_cookie(definition), value, 400 * 86400, "/s")


def _kept_code(definition: SurveyDefinition) -> str | None:
    """The personal code this device keeps for the survey, if the server kept it."""
    normal, _, signature = request.cookies.get(_code_cookie(definition), "").partition(".")
    if not normal or not hmac.compare_digest(signature, _code_signature(definition, normal)):
        return None
    return display_code(normal)


@bp.get("/<code>/thanks")
def thanks(code: str) -> str:
    distribution, definition = _load(code)
    language = _language(definition)
    personal_code = _kept_code(definition) if definition.waves else None
    keep_link = None
    if personal_code:
        base = current_app.config["PUBLIC_URL"].rstrip("/")
        keep_link = f"{base}/s/{distribution.code}/keep-code/{personal_code}"
    return render_template(
        "respondent/thanks.html",
        **_context(definition, distribution, language),
        personal_code=personal_code,
        keep_qr=qr.qr_svg_element(keep_link) if keep_link else None,
    )


@bp.get("/<code>/keep-code/<personal_code>")
def keep_code(code: str, personal_code: str) -> str:
    """Opened from the QR on the thank-you page, on the phone to be used next time: shows the
    code and asks its owner to keep it (a link alone keeps nothing)."""
    distribution, definition = _load(code)
    if not definition.waves:
        abort(404)
    return render_template(
        "respondent/keep_code.html",
        **_context(definition, distribution, _language(definition)),
        personal_code=display_code(personal_code),
        action=url_for(".keep_code_confirmed", code=code, personal_code=personal_code),
    )


@bp.post("/<code>/keep-code/<personal_code>")
def keep_code_confirmed(code: str, personal_code: str) -> Response:
    """The owner pressed "Keep my code" (the form token shows it was pressed on this page)."""
    distribution, definition = _load(code)
    if not definition.waves or not normalise_personal_code(personal_code):
        abort(404)
    response = make_response(
        render_template(
            "respondent/kept.html",
            **_context(definition, distribution, _language(definition)),
            personal_code=display_code(personal_code),
        )
    )
    _keep_code(response, definition, personal_code)
    return response


# Safety: the safety page, "I don't feel safe", asking to be contacted, stopping -----------


def _visit(distribution: DistributionFacts) -> telling.Visit:
    return telling.Visit(distribution.council_id, distribution.id, distribution.survey_id)


def _visit_concerns() -> list[int]:
    """The concern remembered by this phone's visit cookie, if it is one we sealed."""
    sealed = request.cookies.get(VISIT_COOKIE, "")
    if not sealed or len(sealed) > 500:
        return []
    try:
        return [int(vault().open(sealed.encode()))]
    except (InvalidToken, ValueError):
        return []


def _remembered(state: DraftState | None) -> list[int]:
    """Every concern this visit raised: those its draft holds, and the visit cookie's."""
    return [*(state.concerns if state is not None else []), *_visit_concerns()]


def _keep_in_draft(state: DraftState, concern_id: int) -> None:
    if concern_id not in state.concerns:
        state.concerns.append(concern_id)


def _remember_concern(response: Response, distribution: DistributionFacts, concern_id: int) -> None:
    sealed = vault().seal(str(concern_id)).decode()
    _set_private_cookie(response, VISIT_COOKIE, sealed, VISIT_SECONDS, f"/s/{distribution.code}")


def _commit_then_tell_the_leads(raised: Raised | None) -> None:
    """Commit, then hand the emails about the concern to the workers (never before the commit:
    no email about a concern that was not saved). If the broker is down nothing is lost (the
    emails stay pending and the sweeper sends them) and the child still sees the safety page."""
    db_session().commit()
    notification_ids = raised.notification_ids if raised is not None else ()
    if not notification_ids:
        return
    try:
        background_work(current_app).send_concern_emails(list(notification_ids))
    except Exception as error:  # noqa: BLE001  (any broker failure: the sweeper resends)
        log.warning(
            "could not enqueue %d concern email(s) (%s); the sweeper will send them",
            len(notification_ids),
            type(error).__name__,
        )


_TARGET = re.compile(r"[A-Za-z0-9_-]{1,100}")


def _target(asked: str) -> str | None:
    """A place to come back to, as a step id or page name (checked again where it is used)."""
    return asked if _TARGET.fullmatch(asked) else None


def _carry_on_url(
    code: str, definition: SurveyDefinition, state: DraftState | None, to: str, language: str
) -> str:
    """Where "Carry on" goes: the step named (if this child will see it), the check page, the
    thank-you page, or the welcome page; never anywhere else."""
    if state is not None:
        if to in journey.steps(definition, state.answers):
            return _step_url(code, to)
        if to == "check":
            return url_for(".check", code=code)
    lang = language if language != "en" else None
    if to == "thanks":
        return url_for(".thanks", code=code, lang=lang)
    return url_for(".welcome", code=code, lang=lang if state is None else None)


def _safety_page(
    code: str,
    distribution: DistributionFacts,
    definition: SurveyDefinition,
    draft: Draft | None,
    state: DraftState | None,
    language: str,
    to: str,
    errors: Sequence[FieldError] = (),
    values: dict[str, str] | None = None,
) -> str:
    told = telling.open_concern(db_session(), _visit(distribution), _remembered(state)) is not None
    return render_template(
        "respondent/safe.html",
        **_context(
            definition,
            distribution,
            language,
            read_aloud=draft.read_aloud if draft is not None else False,
            # Once a lead will be told, the page itself is the answer to "I don't feel safe".
            unsafe_action=None if told else url_for(".unsafe", code=code),
        ),
        told=told,
        from_answer=request.args.get("why") == "answer",
        has_draft=draft is not None,
        to=to,
        carry_on_url=_carry_on_url(code, definition, state, to, language),
        back_to_thanks=to == "thanks" and draft is None,
        stopped=request.args.get("stopped") == "1",
        contact_sent=request.args.get("sent") == "1",
        childline_chat=CHILDLINE_CHAT,
        errors=list(errors),
        error_for={error.question_id: error.message for error in errors},
        values=values or {},
        max_how_to_reach=telling.HOW_TO_REACH_MAX,
        max_good_time=telling.GOOD_TIME_MAX,
        safe_to_call=telling.SAFE_TO_CALL,
    )


def _open_visit(
    code: str,
) -> tuple[DistributionFacts, SurveyDefinition, Draft | None, DraftState | None, str]:
    """What the safety pages need. They work even when the survey has closed: a child who is
    not safe is never turned away."""
    distribution, definition = _load(code)
    draft = _draft(distribution)
    state = operations.read_draft(vault(), draft) if draft is not None else None
    return distribution, definition, draft, state, _language(definition, draft)


def _to_safety_page(code: str, draft: Draft | None, language: str, **query: Any) -> Response:
    lang = language if draft is None and language != "en" else None
    return redirect(url_for(".safe", code=code, lang=lang, **query), 303)


@bp.get("/<code>/safe")
def safe(code: str) -> str:
    distribution, definition, draft, state, language = _open_visit(code)
    to = _target(request.args.get("to", "")) or ""
    return _safety_page(code, distribution, definition, draft, state, language, to)


@bp.post("/<code>/unsafe")
def unsafe(code: str) -> Response:
    """The child pressed "I don't feel safe": an alert for the lead even if they write nothing,
    then the safety page, with the survey kept to come back to."""
    distribution, _definition, draft, state, language = _open_visit(code)
    session = db_session()
    raised = telling.record_unsafe(
        session, vault(), _visit(distribution), _remembered(state), utcnow()
    )
    if draft is not None and state is not None:
        _keep_in_draft(state, raised.concern_id)
        operations.save_draft(session, vault(), draft, state)
    _commit_then_tell_the_leads(raised)
    shown = _to_safety_page(code, draft, language, to=_target(request.form.get("to", "")))
    _remember_concern(shown, distribution, raised.concern_id)
    return shown


@bp.post("/<code>/safe/contact")
def contact(code: str) -> Response | tuple[str, int]:
    """The child asks someone to contact them: kept encrypted with their concern, for the lead."""
    distribution, definition, draft, state, language = _open_visit(code)
    to = _target(request.form.get("to", "")) or ""
    details, problems = telling.read_contact_form(request.form)
    if problems:
        labels = {
            "how_to_reach": "contact_how",
            "good_time": "contact_time",
            "safe_to_call": "contact_safe_call",
        }
        errors = [
            FieldError(
                problem.field,
                journey.words(
                    definition,
                    problem.key,
                    language,
                    question=journey.words(definition, labels[problem.field], language),
                    **problem.values,
                ),
            )
            for problem in problems
        ]
        body = _safety_page(
            code, distribution, definition, draft, state, language, to, errors, _shown(details)
        )
        return body, 422
    session = db_session()
    raised = telling.record_contact_request(
        session,
        vault(),
        _visit(distribution),
        _remembered(state),
        details,
        utcnow(),
        int(current_app.config["CONCERN_RETENTION_DAYS"]),
    )
    if draft is not None and state is not None:
        _keep_in_draft(state, raised.concern_id)
        operations.save_draft(session, vault(), draft, state)
    _commit_then_tell_the_leads(raised)
    shown = _to_safety_page(code, draft, language, to=to or None, sent=1)
    _remember_concern(shown, distribution, raised.concern_id)
    return shown


def _shown(details: ContactDetails) -> dict[str, str]:
    return {
        "how_to_reach": details.how_to_reach,
        "good_time": details.good_time,
        "safe_to_call": details.safe_to_call,
    }


@bp.post("/<code>/stop")
def stop(code: str) -> Response:
    """The child chose "Stop here": the unsent answers are deleted; a concern raised stays."""
    distribution, _definition, draft, state, language = _open_visit(code)
    remembered = _remembered(state)
    if draft is not None:
        operations.discard_draft(db_session(), draft)
        db_session().commit()
    lang = language if language != "en" else None
    shown = redirect(url_for(".safe", code=code, lang=lang, stopped=1), 303)
    shown.delete_cookie(COOKIE, path=f"/s/{distribution.code}")
    if remembered:
        _remember_concern(shown, distribution, max(remembered))
    return shown
