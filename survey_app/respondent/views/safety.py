"""Safety: the safety page, "I don't feel safe", asking to be contacted, and stopping.

These pages work even when the survey has closed: a child who is not safe is never turned away.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from typing import Any

from flask import current_app, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from ...background import background_work
from ...definitions.model import SurveyDefinition
from ...models import Draft, utcnow
from ...operations import DistributionFacts
from ...safeguarding import telling
from ...safeguarding.concerns import ContactDetails, Raised
from ...web import vault
from .. import cookies, journey
from ..drafts import DraftRow, DraftState, discard_draft, read_draft, save_draft
from ..journey import FieldError
from .blueprint import (
    bp,
    commit_page,
    context,
    language_for,
    loaded,
    page_session,
    step_url,
    this_draft,
)

log = logging.getLogger(__name__)

CHILDLINE_CHAT = "https://www.childline.org.uk/get-support/1-2-1-counsellor-chat/"


def visit_of(distribution: DistributionFacts) -> telling.Visit:
    """Where this visit's concerns were raised: the council, distribution and survey."""
    return telling.Visit(distribution.council_id, distribution.id, distribution.survey_id)


def remembered(state: DraftState | None) -> list[int]:
    """Every concern this visit raised: those its draft holds, and the visit cookie's."""
    return [*(state.concerns if state is not None else []), *cookies.visit_concerns()]


def keep_in_draft(state: DraftState, concern_id: int) -> None:
    """Remember the concern in the draft, so Send ties it to the response."""
    if concern_id not in state.concerns:
        state.concerns.append(concern_id)


def commit_then_tell_the_leads(raised: Raised | None) -> None:
    """Commit, then hand the emails about the concern to the workers (never before the commit:
    no email about a concern that was not saved). If the broker is down nothing is lost (the
    emails stay pending and the sweeper sends them) and the child still sees the safety page."""
    commit_page()
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
            return step_url(code, to)
        if to == "check":
            return url_for(".check", code=code)
    lang = language if language != "en" else None
    if to == "thanks":
        return url_for(".thanks", code=code, lang=lang)
    return url_for(".welcome", code=code, lang=lang if state is None else None)


def _safety_page(
    code: str,
    draft: Draft | DraftRow | None,
    state: DraftState | None,
    language: str,
    to: str,
    errors: Sequence[FieldError] = (),
    values: dict[str, str] | None = None,
) -> str:
    distribution, definition = loaded()
    told = (
        telling.open_concern(page_session(), visit_of(distribution), remembered(state)) is not None
    )
    return render_template(
        "respondent/safe.html",
        **context(
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


def _open_visit() -> tuple[DraftRow | None, DraftState | None, str]:
    """What the safety pages need besides the distribution: the draft, what it holds, and the
    language."""
    distribution, definition = loaded()
    draft = this_draft(distribution)
    state = read_draft(vault(), draft) if draft is not None else None
    return draft, state, language_for(definition, draft)


def _to_safety_page(code: str, draft: DraftRow | None, language: str, **query: Any) -> Response:
    lang = language if draft is None and language != "en" else None
    return redirect(url_for(".safe", code=code, lang=lang, **query), 303)


@bp.get("/<code>/safe")
def safe(code: str) -> str:
    """The safety page: who will read what they told, and how to get help now."""
    draft, state, language = _open_visit()
    to = _target(request.args.get("to", "")) or ""
    return _safety_page(code, draft, state, language, to)


@bp.post("/<code>/unsafe")
def unsafe(code: str) -> Response:
    """The child pressed "I don't feel safe": an alert for the lead even if they write nothing,
    then the safety page, with the survey kept to come back to."""
    distribution, _definition = loaded()
    draft, state, language = _open_visit()
    session = page_session()
    raised = telling.record_unsafe(
        session, vault(), visit_of(distribution), remembered(state), utcnow()
    )
    if draft is not None and state is not None:
        keep_in_draft(state, raised.concern_id)
        save_draft(session, vault(), draft, state)
    commit_then_tell_the_leads(raised)
    shown = _to_safety_page(code, draft, language, to=_target(request.form.get("to", "")))
    cookies.remember_concern(shown, distribution.code, raised.concern_id)
    return shown


@bp.post("/<code>/safe/contact")
def contact(code: str) -> Response | tuple[str, int]:
    """The child asks someone to contact them: kept encrypted with their concern, for the lead."""
    distribution, definition = loaded()
    draft, state, language = _open_visit()
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
        body = _safety_page(code, draft, state, language, to, errors, _shown(details))
        return body, 422
    session = page_session()
    raised = telling.record_contact_request(
        session,
        vault(),
        visit_of(distribution),
        remembered(state),
        details,
        utcnow(),
        int(current_app.config["CONCERN_RETENTION_DAYS"]),
    )
    if draft is not None and state is not None:
        keep_in_draft(state, raised.concern_id)
        save_draft(session, vault(), draft, state)
    commit_then_tell_the_leads(raised)
    shown = _to_safety_page(code, draft, language, to=to or None, sent=1)
    cookies.remember_concern(shown, distribution.code, raised.concern_id)
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
    distribution, _definition = loaded()
    draft, state, language = _open_visit()
    concerns = remembered(state)
    if draft is not None:
        discard_draft(page_session(), draft)
        page_session().commit()
    lang = language if language != "en" else None
    shown = redirect(url_for(".safe", code=code, lang=lang, stopped=1), 303)
    cookies.forget_draft(shown, distribution.code)
    if concerns:
        cookies.remember_concern(shown, distribution.code, max(concerns))
    return shown
