"""The survey's own pages: welcome, start, check your answers, Send, and thanks."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import quote

from flask import Response, current_app, redirect, render_template, request, url_for
from werkzeug.datastructures import Headers
from werkzeug.utils import get_content_type
from werkzeug.wrappers import Response as AnyResponse

from ... import qr
from ...background import background_work
from ...clock import clock_of
from ...definitions.model import PREFER_NOT_TO_SAY, SPECIAL_OPTIONS, SurveyDefinition
from ...safeguarding import telling
from ...web import vault
from .. import cookies, journey, submission
from ..drafts import DraftState, begin_draft, read_draft, update_draft
from ..journey import AGE_KEY, AGE_STEP, WAVE_KEY
from .blueprint import (
    bp,
    context,
    language_for,
    loaded,
    page_engine,
    page_session,
    session_when_needed,
    step_url,
    this_draft,
)
from .questions import special_words
from .you_said import you_said_pieces

# Welcome and start -----------------------------------------------------------------------


@bp.get("/<code>")
def welcome(code: str) -> str:
    """The survey's first page, in the language asked for (a draft remembers the change)."""
    distribution, definition = loaded()
    draft = this_draft(distribution)
    language = language_for(definition, draft)
    if draft is not None and draft.language != language:
        update_draft(page_session(), draft, language=language)
        page_session().commit()
    return render_template(
        "respondent/welcome.html",
        **context(
            definition,
            distribution,
            language,
            has_draft=draft is not None,
            read_aloud_offer=True,
            wave_words=journey.wave_words(definition, distribution.wave, language),
            introduction=journey.paragraphs(definition.introduction.get(language)),
            privacy_pieces=journey.paragraphs(definition.privacy.get(language))
            if definition.privacy
            else [],
            expired=request.args.get("expired") == "1" and draft is None,
            **you_said_pieces(distribution, definition, language),
        ),
    )


@bp.post("/<code>/start")
def start(code: str) -> AnyResponse:
    """Start a draft (or carry on with this browser's) and go to the first step not yet seen."""
    distribution, definition = loaded()
    session = page_session()
    draft = this_draft(distribution)
    language = language_for(definition, draft)
    read_aloud = request.form.get("read_aloud") == "on"
    token = None
    if draft is None:
        lifetime = dt.timedelta(hours=int(current_app.config["DRAFT_LIFETIME_HOURS"]))
        # A concern raised before the survey started (on the welcome page) belongs to this visit.
        state = DraftState(
            {WAVE_KEY: distribution.wave} if distribution.wave else {},
            [],
            telling.still_open(session, cookies.visit_concerns()),
        )
        sendable = journey.sendable_version(definition, state.answers, state.concerns)
        _, token = begin_draft(
            session, vault(), distribution.id, language, read_aloud, lifetime, state, sendable
        )
    else:
        if (language, read_aloud or draft.read_aloud) != (draft.language, draft.read_aloud):
            update_draft(
                session, draft, language=language, read_aloud=read_aloud or draft.read_aloud
            )
        state = read_draft(vault(), draft)
    session.commit()
    step = journey.first_unseen_step(definition, state.answers, state.seen)
    target = step_url(code, step) if step else url_for(".check", code=code)
    response = redirect(target, 303)
    if token is not None:
        cookies.set_draft_cookie(response, distribution.code, token)
    return response


# Check, submit, thanks -------------------------------------------------------------------


@bp.get("/<code>/check")
def check(code: str) -> AnyResponse | str:
    """Every answer given, each with a link to change it, before Send."""
    distribution, definition = loaded()
    draft = this_draft(distribution)
    if draft is None:
        return redirect(url_for(".welcome", code=code), 303)
    language = language_for(definition, draft)
    state = read_draft(vault(), draft)
    order = journey.steps(definition, state.answers)
    return render_template(
        "respondent/check.html",
        **context(definition, distribution, language, read_aloud=draft.read_aloud),
        summary=summary(definition, state.answers, language, code),
        back_url=step_url(code, order[-1]) if order else url_for(".welcome", code=code),
    )


def summary(
    definition: SurveyDefinition, answers: dict[str, Any], language: str, code: str
) -> list[tuple[str, str, str]]:
    """(question, answer in words, change link) for each answered question."""
    rows = []
    if definition.age_bands:
        chosen = answers.get(AGE_KEY)
        bands = {band.id: band.label.get(language) for band in definition.age_bands}
        shown = bands.get(str(chosen)) or special_words(definition, PREFER_NOT_TO_SAY, language)
        rows.append(
            (journey.words(definition, "age_question", language), shown, step_url(code, AGE_STEP))
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
                special_words(definition, str(v), language)
                if v in SPECIAL_OPTIONS
                else labels.get(str(v), str(v))
                for v in chosen
            ]
            rows.append((question.text.get(language), ", ".join(words), step_url(code, page.id)))
    return rows


_HTML = get_content_type(Response.default_mimetype or "text/html", "utf-8")


@bp.post("/<code>/submit")
def submit(code: str) -> AnyResponse:
    """Send: the draft becomes a response once, then the thank-you page."""
    # The session has transactions (see `_TRANSACTIONAL`): whatever Send writes through it
    # commits or rolls back together (its own insert runs on a connection of its own).
    distribution, definition = loaded()
    # The app looked up once, not through its proxy at every use.
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    outcome = submission.send_draft(
        session_when_needed(),
        definition,
        distribution.id,
        cookies.draft_token(),
        vault(),
        background_work(app).process_response,
        link_key=app.config["LINK_KEY"],
        sent_at=clock_of(app).now(),
        engine=page_engine(),
    )
    if outcome.status == submission.INCOMPLETE:
        assert outcome.missing_step is not None
        return redirect(step_url(code, outcome.missing_step), 303)
    if outcome.status == submission.EXPIRED:
        # Kept for a day only; say so on the welcome page rather than thank for nothing.
        return redirect(url_for(".welcome", code=code, expired=1), 303)
    # Sent now, or already sent by an earlier tap: either way the answers are safe.
    language = outcome.language
    # Built by hand, not with url_for and redirect (the busiest response there is): the same
    # 303 to the thank-you page, without building an HTML body nobody sees.
    query = f"?lang={quote(language)}" if language != "en" else ""
    headers = Headers()
    headers.add("Location", f"{request.script_root}/s/{quote(code)}/thanks{query}")
    # Flask's own Content-Type, given rather than worked out from its default mimetype.
    target = Response(status=303, headers=headers, content_type=_HTML)
    cookies.forget_draft(target, distribution.code)
    cookies.forget_visit(target, distribution.code)
    if outcome.personal_code:
        cookies.keep_code(target, definition, outcome.personal_code)
    return target


@bp.get("/<code>/thanks")
def thanks(code: str) -> str:
    """Thanks; for a survey with waves, the personal code to keep for next time."""
    distribution, definition = loaded()
    language = language_for(definition)
    # After the last wave there is no next meeting to bring the code to.
    needs_code = bool(definition.waves) and not definition.is_last_wave(distribution.wave)
    personal_code = cookies.kept_code(definition) if needs_code else None
    keep_link = None
    if personal_code:
        base = current_app.config["PUBLIC_URL"].rstrip("/")
        keep_link = f"{base}/s/{distribution.code}/keep-code/{personal_code}"
    return render_template(
        "respondent/thanks.html",
        **context(definition, distribution, language),
        **you_said_pieces(distribution, definition, language),
        personal_code=personal_code,
        keep_qr=qr.qr_svg_element(keep_link) if keep_link else None,
    )
