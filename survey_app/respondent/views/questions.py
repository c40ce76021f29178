"""One step of the survey a page: drawing its questions and reading what was posted."""

from __future__ import annotations

from typing import Any

from flask import current_app, redirect, render_template, request, url_for
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from ...definitions.model import (
    FACE_SCALE,
    PREFER_NOT_TO_SAY,
    Question,
    SurveyDefinition,
)
from ...definitions.words import special_label
from ...models import utcnow
from ...safeguarding import telling
from ...safeguarding.concerns import FlaggedText
from ...web import vault
from .. import cookies, journey
from ..drafts import read_draft, save_draft
from ..journey import AGE_KEY, AGE_STEP, LINK_STEP, PERSONAL_CODE_KEY, FieldError
from ..linking import display_code
from .blueprint import bp, context, keep_draft, language_for, loaded, step_url, this_draft
from .safety import commit_then_tell_the_leads, keep_in_draft, remembered, visit_of


@bp.route("/<code>/q/<step>", methods=["GET", "POST"])
def question(code: str, step: str) -> Response | str | tuple[str, int]:
    """A step's page; posted, its answers are checked, kept in the draft, and the next step
    shown (or the safety page first, if what was written worries the risk screen)."""
    distribution, definition = loaded()
    draft = this_draft(distribution)
    if draft is None:
        return redirect(url_for(".welcome", code=code), 303)
    language = language_for(definition, draft)
    state = read_draft(vault(), draft)
    order = journey.steps(definition, state.answers)
    if step not in order:
        return redirect(step_url(code, order[0]), 303)

    errors: list[FieldError] = []
    values: dict[str, Any] = dict(state.answers)
    flagged: list[FlaggedText] = []
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
                        visit_of(distribution),
                        remembered(state),
                        flagged,
                        utcnow(),
                    )
                    keep_in_draft(state, raised.concern_id)
                    save_draft(together, vault(), draft, state)
                    together.commit()
            else:
                keep_draft(draft, state)
            commit_then_tell_the_leads(raised)
            _, after = journey.neighbours(definition, step, state.answers)
            if raised is not None:
                # What they wrote worries the screen: tell them who will read it, and how to
                # get help now, before the next question.
                shown = redirect(
                    url_for(".safe", code=code, to=after or "check", why="answer"), 303
                )
                cookies.remember_concern(shown, distribution.code, raised.concern_id)
                return shown
            return redirect(step_url(code, after) if after else url_for(".check", code=code), 303)

    before, _ = journey.neighbours(definition, step, state.answers)
    back_url = step_url(code, before) if before else url_for(".welcome", code=code)
    if step == LINK_STEP and not errors:
        values = {
            "personal_code": display_code(
                state.answers.get(PERSONAL_CODE_KEY) or cookies.kept_code(definition) or ""
            )
        }
    drawn_page = {
        **context(definition, distribution, language, read_aloud=draft.read_aloud),
        "values": values,
        "errors": errors,
        "error_for": {error.question_id: error.message for error in errors},
        "progress": progress_words(
            definition, language, journey.progress(definition, step, state.answers, state.seen)
        ),
        "back_url": back_url,
        "action": step_url(code, step),
    }
    if step == LINK_STEP:
        body = render_template(
            "respondent/link.html",
            **drawn_page,
            first_wave=definition.is_first_wave(distribution.wave),
        )
    else:
        body = render_template(
            "respondent/question.html",
            **drawn_page,
            step=step,
            questions=questions_for(definition, step, state.answers, language),
            page_title=_page_title(definition, step, language),
        )
    return (body, 200) if not errors else (body, 422)


def progress_words(
    definition: SurveyDefinition, language: str, found: journey.Progress | None
) -> str:
    """ "Question 3 of 9", or "of about 9" while answers to come may take pages away; nothing
    on a step that is not a question (the personal-code page)."""
    if found is None:
        return ""
    key = "progress"
    if found.approximate and journey.has_words(definition, "progress_about", language):
        key = "progress_about"
    return journey.words(definition, key, language, number=found.number, total=found.total)


def _page_title(definition: SurveyDefinition, step: str, language: str) -> str:
    """The page's title from the survey file, shown as its heading when it has one."""
    page = journey.page_for(definition, step)
    return page.title.get(language) if page is not None and page.title else ""


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


def questions_for(
    definition: SurveyDefinition, step: str, answers: dict[str, Any], language: str
) -> list[dict[str, Any]]:
    """The questions on a step, as the template draws them."""
    if step == AGE_STEP:
        options = [(band.id, band.label.get(language), 2) for band in definition.age_bands]
        options.append(
            (PREFER_NOT_TO_SAY, special_words(definition, PREFER_NOT_TO_SAY, language), 2)
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
                "say_optional": False,
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
                    (option_id, special_words(definition, option_id, language))
                    for option_id in question.special_options()
                ],
                "required": question.required,
                "say_optional": journey.says_it_can_be_skipped(question),
                "max_length": question.max_length,
                "minimum": question.minimum,
                "maximum": question.maximum,
                "is_face": question.kind == FACE_SCALE,
            }
        )
    return drawn


def special_words(definition: SurveyDefinition, option_id: str, language: str) -> str:
    """The words for a special option ("Prefer not to say"...), as the survey words them."""
    text = definition.interface.get(option_id)
    return text.get(language) if text else special_label(option_id)
