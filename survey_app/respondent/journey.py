"""The respondent's path through a survey: which step comes next and what a posted page means."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from ..definitions.model import (
    FACE_SCALE,
    MULTIPLE_CHOICE,
    NUMBER,
    PREFER_NOT_TO_SAY,
    SPECIAL_OPTIONS,
    Page,
    Question,
    SurveyDefinition,
)
from ..definitions.words import ALL_WORDS
from ..inputs import normalise_text


class Form(Protocol):
    """A posted page's fields: one value, or every value of a field (Werkzeug's MultiDict in
    the web layer; this module knows nothing of the web)."""

    def get(self, key: str, default: str) -> str: ...

    def getlist(self, key: str) -> list[str]: ...


AGE_STEP = "age"
AGE_KEY = "_age_band"
LINK_STEP = "code"
WAVE_KEY = "_wave"
PERSONAL_CODE_KEY = "_personal_code"
# Set when the code came through the code page (typed, or filled in from this device's kept
# code): the only codes allowed to pair and replace answers (see submission.build_response).
CODE_FROM_PAGE_KEY = "_code_from_page"
SELF_CODE_KEY = "_self_code"


@dataclass(frozen=True)
class FieldError:
    question_id: str
    message: str


def words(definition: SurveyDefinition, key: str, language: str, **values: Any) -> str:
    """Interface words in language, as the survey translated them or built-in English."""
    text = definition.interface.get(key)
    template = text.get(language) if text else ALL_WORDS[key]
    return template.format(**values)


def has_words(definition: SurveyDefinition, key: str, language: str) -> bool:
    """Whether the survey has these interface words in language (English always has them)."""
    text = definition.interface.get(key)
    return language == "en" or (text is not None and language in text.translations)


def paragraphs(words: str) -> list[str]:
    """Words in the pieces the survey file writes them in, one a line (a blank line is not one):
    a welcome page shows the introduction's first piece before Start, and each privacy piece as
    a bullet."""
    return [line.strip() for line in words.splitlines() if line.strip()]


def wave_words(definition: SurveyDefinition, wave: str | None, language: str) -> str:
    """Which meeting a link is for ("Meeting one"), in the survey's words; empty without waves."""
    for found in definition.waves:
        if found.id == wave:
            return found.label.get(language)
    return ""


def error_prefix(definition: SurveyDefinition, language: str) -> str:
    """What a page's title and error messages start with when it shows errors, in the page's
    language: the survey's word for "Error", or, in a survey written before that word, its
    "There is a problem" (never English on a Polish or Arabic page)."""
    key = "error_prefix" if has_words(definition, "error_prefix", language) else "error_title"
    return words(definition, key, language)


def age_band(definition: SurveyDefinition, answers: Mapping[str, Any]) -> str:
    """The band whose wording this respondent sees; the first band if they would rather not say."""
    if not definition.age_bands:
        return ""
    chosen = answers.get(AGE_KEY)
    if chosen in definition.band_ids():
        return str(chosen)
    return definition.age_bands[0].id


# A survey's own hint that already tells the respondent they may skip (matched in English, the
# one language every hint has): the service then does not say so a second time.
_HINT_SAYS_OPTIONAL = re.compile(
    r"\b(optional|skip|leave (this|it) (empty|blank)|(do not|don't) have to answer)\b",
    re.IGNORECASE,
)


def says_it_can_be_skipped(question: Question) -> bool:
    """Whether the page should add "You can skip this question." under question."""
    if question.required:
        return False
    return question.hint is None or not _HINT_SAYS_OPTIONAL.search(question.hint.en)


def is_shown(question: Question, answers: Mapping[str, Any]) -> bool:
    return _is_shown(question, answers, str(answers.get(WAVE_KEY, "")))


def _is_shown(question: Question, answers: Mapping[str, Any], wave: str) -> bool:
    if not question.asked_at(wave):
        return False
    return question.show_if is None or question.show_if.matches(answers)


def shown_questions(page: Page, answers: Mapping[str, Any]) -> tuple[Question, ...]:
    wave = str(answers.get(WAVE_KEY, ""))
    return tuple(question for question in page.questions if _is_shown(question, answers, wave))


def steps(definition: SurveyDefinition, answers: Mapping[str, Any]) -> list[str]:
    """The step ids this respondent will see, in order, given their answers so far."""
    found = [AGE_STEP] if definition.age_bands else []
    if definition.waves:
        found.append(LINK_STEP)
    found += [page.id for page in definition.pages if shown_questions(page, answers)]
    return found


@dataclass(frozen=True)
class Progress:
    """Where a step sits among the questions: "Question {number} of {total}", "of about" while
    answers still to come can take pages away."""

    number: int
    total: int
    approximate: bool


def progress(
    definition: SurveyDefinition, step: str, answers: Mapping[str, Any], seen: list[str]
) -> Progress | None:
    """The step's place among the question steps (the personal-code page is not a question).

    The total counts every page this respondent may still see: pages shown by answers not given
    yet count as shown, so the total never grows as they go on ("2 of 8" never becomes "3 of
    10"); it says "about" until those answers are given."""
    order = [found for found in steps(definition, answers) if found != LINK_STEP]
    if step not in order:
        return None
    maybe = [
        page.id
        for page in definition.pages
        if page.id not in order
        and any(_may_be_shown(definition, q, answers, seen) for q in page.questions)
    ]
    return Progress(order.index(step) + 1, len(order) + len(maybe), bool(maybe))


def _may_be_shown(
    definition: SurveyDefinition, question: Question, answers: Mapping[str, Any], seen: list[str]
) -> bool:
    """Whether an answer not given yet could still put question in front of this respondent."""
    if not question.asked_at(str(answers.get(WAVE_KEY, ""))) or question.show_if is None:
        return False
    deciding_id = question.show_if.question
    if deciding_id in answers:
        return False  # decided: `is_shown` knows
    for page in definition.pages:
        for deciding in page.questions:
            if deciding.id == deciding_id:
                if page.id in seen:
                    return False  # passed without an answer, so it stays hidden
                return is_shown(deciding, answers) or _may_be_shown(
                    definition, deciding, answers, seen
                )
    return False


def page_for(definition: SurveyDefinition, step: str) -> Page | None:
    for page in definition.pages:
        if page.id == step:
            return page
    return None


def neighbours(
    definition: SurveyDefinition, step: str, answers: Mapping[str, Any]
) -> tuple[str | None, str | None]:
    """The steps before and after step (None at either end)."""
    order = steps(definition, answers)
    if step not in order:
        return None, order[0] if order else None
    index = order.index(step)
    before = order[index - 1] if index > 0 else None
    after = order[index + 1] if index + 1 < len(order) else None
    return before, after


def prune(definition: SurveyDefinition, answers: dict[str, Any]) -> dict[str, Any]:
    """Drop answers to questions that earlier changes have hidden."""
    # Keys starting "_" are about the respondent's path (age band, wave, codes), not questions.
    kept = {key: value for key, value in answers.items() if key.startswith("_")}
    wave = str(answers.get(WAVE_KEY, ""))
    for page in definition.pages:
        for question in page.questions:
            # Asked of the answers as given (what `kept` holds is all in them, unchanged).
            if question.id in answers and _is_shown(question, answers, wave):
                kept[question.id] = answers[question.id]
    return kept


def first_unseen_step(
    definition: SurveyDefinition, answers: Mapping[str, Any], seen: list[str]
) -> str | None:
    """Where a returning respondent carries on; None when every step has been seen."""
    for step in steps(definition, answers):
        if step not in seen:
            return step
    return missing_required(definition, answers)


def parse_age(
    definition: SurveyDefinition, form: Form, language: str
) -> tuple[str | None, list[FieldError]]:
    """Read the age-band step: (answer, errors)."""
    chosen = form.get(AGE_KEY, "")
    allowed = (*definition.band_ids(), PREFER_NOT_TO_SAY)
    if chosen in allowed:
        return chosen, []
    question = words(definition, "age_question", language)
    key = "choose_valid" if chosen else "choose_one"
    return None, [FieldError(AGE_KEY, words(definition, key, language, question=question))]


def parse_link(
    definition: SurveyDefinition, form: Form, language: str
) -> tuple[dict[str, Any], list[FieldError]]:
    """Read the personal-code step: the typed code and the three self-code answers, all optional."""
    from .linking import normalise_personal_code, self_generated_code

    errors: list[FieldError] = []
    code = normalise_personal_code(form.get("personal_code", ""))
    day_typed = form.get("self_day", "").strip()
    day = None
    if day_typed:
        day = whole_number(day_typed) or 0
        if not 1 <= day <= 31:
            label = words(definition, "self_day", language)
            errors.append(
                FieldError(
                    "self_day",
                    words(
                        definition, "number_range", language, question=label, minimum=1, maximum=31
                    ),
                )
            )
    self_code = self_generated_code(form.get("self_initial", ""), day, form.get("self_street", ""))
    return {
        PERSONAL_CODE_KEY: code or None,
        CODE_FROM_PAGE_KEY: bool(code),
        SELF_CODE_KEY: self_code,
    }, errors


def parse_page(
    definition: SurveyDefinition,
    page: Page,
    answers: Mapping[str, Any],
    form: Form,
    language: str,
) -> tuple[dict[str, Any], list[str], list[FieldError]]:
    """Read a posted page: (answers given, question ids left blank, errors)."""
    band = age_band(definition, answers)
    given: dict[str, Any] = {}
    blank: list[str] = []
    errors: list[FieldError] = []
    for asked in shown_questions(page, answers):
        question = asked.for_band(band)
        label = question.text.get(language)
        value, problem = _parse_question(definition, question, form, language, label)
        if problem:
            errors.append(FieldError(question.id, problem))
        elif value is None:
            if question.required:
                errors.append(
                    FieldError(
                        question.id, words(definition, "choose_one", language, question=label)
                    )
                )
            else:
                blank.append(question.id)
        else:
            given[question.id] = value
    return given, blank, errors


def _parse_question(
    definition: SurveyDefinition,
    question: Question,
    form: Form,
    language: str,
    label: str,
) -> tuple[Any, str | None]:
    special = form.get(f"{question.id}--special", "")
    if special:
        if special in question.special_options():
            return special, None
        return None, words(definition, "choose_valid", language, question=label)
    if question.is_choice:
        allowed = {option.id for option in question.options} | set(question.special_options())
        if question.kind == MULTIPLE_CHOICE:
            chosen = [value for value in form.getlist(question.id) if value]
            if not chosen:
                return None, None
            if any(value not in allowed for value in chosen) or len(chosen) > len(allowed):
                return None, words(definition, "choose_valid", language, question=label)
            specials = [value for value in chosen if value in SPECIAL_OPTIONS]
            # "I don't know" beside real choices means the real choices.
            real = [value for value in dict.fromkeys(chosen) if value not in SPECIAL_OPTIONS]
            return (real or specials[:1]), None
        chosen_one = form.get(question.id, "")
        if not chosen_one:
            return None, None
        if chosen_one not in allowed or len(form.getlist(question.id)) > 1:
            return None, words(definition, "choose_valid", language, question=label)
        return chosen_one, None
    raw = form.get(question.id, "")
    if question.kind == NUMBER:
        raw = raw.strip()
        if not raw:
            return None, None
        number = whole_number(raw, allow_negative=(question.minimum or 0) < 0)
        if number is None:
            return None, words(definition, "whole_number", language, question=label)
        low = question.minimum if question.minimum is not None else -(10**9)
        high = question.maximum if question.maximum is not None else 10**9
        if not low <= number <= high:
            return None, words(
                definition, "number_range", language, question=label, minimum=low, maximum=high
            )
        return number, None
    text = normalise_text(raw).replace("\r\n", "\n").strip()
    if not text:
        return None, None
    if len(text) > question.max_length:
        return None, words(
            definition, "too_long", language, question=label, maximum=question.max_length
        )
    return text, None


# Plain ASCII digits only: int() would also take "1_0", "+5", "-0", "٣" and "５", which a child
# did not mean as those numbers and which a reader of the counts would not expect.
_WHOLE_NUMBER = re.compile(r"[0-9]{1,9}")
_NEGATIVE_NUMBER = re.compile(r"-[1-9][0-9]{0,8}")


def whole_number(typed: str, allow_negative: bool = False) -> int | None:
    """The number typed as plain ASCII digits (a leading minus only where allowed), or None."""
    if _WHOLE_NUMBER.fullmatch(typed) or (allow_negative and _NEGATIVE_NUMBER.fullmatch(typed)):
        return int(typed)
    return None


def face_position(question: Question, option_index: int) -> int:
    """Where a face sits on a 5-point mood line (0 saddest .. 4 happiest)."""
    if question.kind != FACE_SCALE:
        return 2
    count = len(question.options)
    return round(option_index * 4 / (count - 1)) if count > 1 else 2


def sendable_version(
    definition: SurveyDefinition, answers: Mapping[str, Any], concerns: Sequence[int]
) -> int | None:
    """The survey version at which Send may save a draft holding answers as it is, in one
    statement, for the worker to open (`respondent.submission`): every required question
    answered, no concern raised (Send ties those to the response), and a survey without waves
    (whose personal code Send makes and shows). None: Send opens the draft itself. A draft is
    sendable only at the version it was checked against, so a survey changed since is checked
    again."""
    if definition.waves or concerns or missing_required(definition, answers) is not None:
        return None
    return definition.version


def missing_required(definition: SurveyDefinition, answers: Mapping[str, Any]) -> str | None:
    """The first step with a required question left unanswered, if any."""
    # The steps in `steps`' order, each page's shown questions worked out once.
    if definition.age_bands and AGE_KEY not in answers:
        return AGE_STEP
    # LINK_STEP: the code is optional; without one, answers are simply not paired.
    wave = str(answers.get(WAVE_KEY, ""))
    for page in definition.pages:
        for question in page.questions:
            if (
                question.required
                and question.id not in answers
                and _is_shown(question, answers, wave)
            ):
                return page.id
    return None
