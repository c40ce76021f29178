"""Recording, approving and reading "you said, we did" actions: who may do what, which
languages a council's children need, and what children and staff are shown.

Council isolation: a council lead records and approves only their own council's actions; a
child's page shows only its own council's approved actions and the region's.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import cast

from sqlalchemy import Table, bindparam, or_, select
from sqlalchemy.orm import Session, selectinload

from ..access import council_scope
from ..answers import collapsed_question, is_collapsed, option_ids
from ..definitions.languages import direction, language_name
from ..definitions.model import Question, SurveyDefinition
from ..inputs import normalise_text
from ..models import (
    Action,
    ActionFigure,
    ActionQuote,
    ActionStatus,
    ActionText,
    ApprovedQuote,
    Council,
    Distribution,
    Role,
    ThemeItem,
    User,
    today,
)
from ..operations import OperationError, find_council
from ..periods import Period, PeriodError
from ..themes.codebook import Codebook
from .checks import personal_data_kinds, personal_data_problems, reading_warnings

# How many actions a child sees before the first question and on the thank-you page.
NEWEST_FOR_CHILDREN = 3
LONGEST_TEXT = 600
LONGEST_ROLE = 200
# A theme id as the codebook writes them: lower-case words joined by hyphens or underscores.
_THEME_SLUG = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")
# Roles that may record an action (a safeguarding lead reads concerns only).
RECORDERS = (Role.ADMIN, Role.FACILITATOR, Role.COUNCIL_LEAD)
# How many quotes and figures one action may point to (a plan, not a report).
MOST_QUOTES = 20
MOST_FIGURES = 10
# What an action for the whole region says instead of a council's name.
REGION_WORDS = "Whole region"


class ActionError(OperationError):
    """An action that cannot be recorded or approved, with why, for the person who asked."""


class NotAllowed(ActionError):
    """The person asking may not record or approve this action (their role or council)."""


@dataclass(frozen=True)
class FigureRef:
    """A published figure an action points to, as asked for: a survey's question and answer, in
    one publication period ("2026-Q3") or, period empty, the latest closed one."""

    survey: str
    question: str
    option: str
    period: str = ""


@dataclass(frozen=True)
class ActionFields:
    """What someone asks to record, as typed (a form or the API's JSON)."""

    council: str | None
    you_said: str
    we_did: str
    status: str = ActionStatus.PLANNED.value
    themes: Sequence[str] = ()
    evidence: str = ""
    owner_role: str = ""
    acted_on: dt.date | None = None
    due_on: dt.date | None = None
    measure_survey: str = ""
    measure_question: str = ""
    measure_option: str = ""
    # The approved quotes (their item ids, as typed) and the figures that showed it.
    evidence_quotes: Sequence[object] = ()
    evidence_figures: Sequence[FigureRef] = ()
    # {language: (you said, we did)} in words a child of 9 can read.
    child: Mapping[str, tuple[str, str]] = field(default_factory=dict)


def check_themes(themes: Iterable[str], codebook: Codebook | None = None) -> list[str]:
    """The action's theme ids, each a slug, once each, in the order given; each one a theme of
    the codebook that may be given now (not retired), where the deployment has a codebook.

    The one place themes are checked (an action with no themes stands on its own)."""
    found: list[str] = []
    for theme in themes:
        slug = normalise_text(str(theme)).strip()
        if not slug:
            continue
        if not _THEME_SLUG.match(slug) or len(slug) > 100:
            raise ActionError(
                "Each theme is a theme id from the codebook: small letters and numbers joined "
                "by underscores or hyphens (for example told_decisions).",
                field="themes",
            )
        if codebook is not None:
            known = codebook.get(slug)
            if known is None or known.retired:
                why = "is retired" if known is not None else "is not in the theme codebook"
                raise ActionError(
                    f"The theme '{slug}' {why}: use one of the themes on the coding page.",
                    field="themes",
                )
        if slug not in found:
            found.append(slug)
    return found


def may_record(user: User, council: Council | None) -> bool:
    """Whether user may record an action for council (None: the whole region)."""
    if user.role not in RECORDERS:
        return False
    scope = council_scope(user)
    return scope is None or (council is not None and council.id in scope)


def may_approve(user: User, action: Action) -> bool:
    """Whether user may approve the action for children: an admin, or a lead of its council."""
    if user.role == Role.ADMIN:
        return True
    return (
        user.role == Role.COUNCIL_LEAD
        and action.council_id is not None
        and user.council_id == action.council_id
    )


def may_see_action(user: User, action: Action) -> bool:
    """Whether user may see the action: regional staff every one; a council lead their own
    council's and the region's."""
    scope = council_scope(user)
    return scope is None or action.council_id is None or action.council_id in scope


def child_languages(
    session: Session, council_id: int | None, definitions: Mapping[str, SurveyDefinition]
) -> list[str]:
    """The languages the council's child surveys offer (the region's: every council's),
    English first; English alone while it has none."""
    query = select(Distribution.survey_id).distinct()
    if council_id is not None:
        query = query.where(Distribution.council_id == council_id)
    languages = ["en"]
    for survey_id in sorted(session.scalars(query)):
        definition = definitions.get(survey_id)
        if definition is not None and definition.is_for_children:
            languages += [code for code in definition.languages if code not in languages]
    return languages


def record_action(
    session: Session,
    user: User,
    fields: ActionFields,
    definitions: Mapping[str, SurveyDefinition],
    codebook: Codebook | None = None,
) -> Action:
    """Record an action (not yet approved for children); the caller commits. Its themes are
    checked against codebook where the deployment has one."""
    council = None
    if fields.council:
        council = find_council(session, fields.council)
        if council is None:
            raise ActionError(f"There is no council called '{fields.council}'.", field="council")
    elif user.role == Role.COUNCIL_LEAD and user.council is not None:
        council = user.council
    if not may_record(user, council):
        where = council.name if council else "the whole region"
        raise NotAllowed(f"You may not record actions for {where}.", field="council")
    you_said = _text(fields.you_said, "You said", "you_said")
    we_did = _text(fields.we_did, "We did", "we_did")
    try:
        status = ActionStatus(fields.status or ActionStatus.PLANNED.value)
    except ValueError:
        raise ActionError("The status is planned, doing or done.", field="status") from None
    owner_role = normalise_text(fields.owner_role).strip()
    if len(owner_role) > LONGEST_ROLE:
        raise ActionError("The owner's role is too long.", field="owner_role")
    if owner_role and "a name" in personal_data_kinds(owner_role):
        raise ActionError(
            "The owner is a role (for example Conference chairs), not a person's name.",
            field="owner_role",
        )
    if fields.acted_on and fields.due_on and fields.due_on < fields.acted_on:
        raise ActionError("The due date comes before the date it took effect.", field="due_on")
    evidence = normalise_text(fields.evidence or "").strip()
    if len(evidence) > LONGEST_TEXT * 2:
        raise ActionError(
            f"The evidence is longer than {LONGEST_TEXT * 2} characters.", field="evidence"
        )
    measure = _measure(fields, definitions)
    quote_ids = check_quotes(session, council, fields.evidence_quotes)
    figures = check_figures(fields.evidence_figures, definitions)
    action = Action(
        council_id=council.id if council else None,
        you_said=you_said,
        we_did=we_did,
        status=status.value,
        themes=check_themes(fields.themes, codebook),
        evidence=evidence,
        owner_role=owner_role,
        acted_on=fields.acted_on,
        due_on=fields.due_on,
        measure_survey_id=measure[0],
        measure_question=measure[1],
        measure_option=measure[2],
        created_by_id=user.id,
        quote_links=[ActionQuote(item_id=item_id) for item_id in quote_ids],
        figures=[
            ActionFigure(survey_id=survey, question_id=question, option=option, period=period)
            for survey, question, option, period in figures
        ],
    )
    allowed = set(child_languages(session, action.council_id, definitions))
    for language, (child_said, child_did) in sorted(fields.child.items()):
        if language not in allowed:
            raise ActionError(
                f"'{language}' is not a language this council's child surveys offer "
                f"({', '.join(sorted(allowed))}).",
                field="child",
            )
        said = normalise_text(child_said).strip()
        did = normalise_text(child_did).strip()
        if not said and not did:
            continue
        name = language_name(language)
        action.texts.append(
            ActionText(
                language=language,
                you_said=_text(said, f"You said for children ({name})", f"child_{language}"),
                we_did=_text(did, f"We did for children ({name})", f"child_{language}"),
            )
        )
    session.add(action)
    session.flush()
    return action


def _text(words: str, name: str, field_name: str) -> str:
    cleaned = normalise_text(words or "").strip()
    if not cleaned:
        raise ActionError(f"{name} is empty.", field=field_name)
    if len(cleaned) > LONGEST_TEXT:
        raise ActionError(f"{name} is longer than {LONGEST_TEXT} characters.", field=field_name)
    return cleaned


def _measure(
    fields: ActionFields, definitions: Mapping[str, SurveyDefinition]
) -> tuple[str | None, str, str]:
    """The survey, question and option the action should move, checked; none when not given."""
    if not (fields.measure_survey or fields.measure_question or fields.measure_option):
        return None, "", ""
    return _answer(
        definitions,
        FigureRef(fields.measure_survey, fields.measure_question, fields.measure_option),
        "The measure",
        "measure",
    )


def _answer(
    definitions: Mapping[str, SurveyDefinition], asked: FigureRef, what: str, field_name: str
) -> tuple[str, str, str]:
    """The survey, question and option of a figure a council's tables publish, checked."""
    definition = definitions.get(asked.survey)
    if definition is None:
        raise ActionError(f"{what} names a survey that is not loaded.", field=field_name)
    question = next((q for q in definition.questions if q.id == asked.question), None)
    if question is None or not question.is_choice:
        raise ActionError(
            f"{what} names no question with answers to count in {definition.id}.",
            field=field_name,
        )
    measured = measured_question(question)
    if asked.option not in option_ids(measured, ()):
        answers = ", ".join(option.id for option in measured.options)
        raise ActionError(
            f"'{asked.option}' is not an answer to {question.id} that is published "
            f"for the whole council (choose one of: {answers}).",
            field=field_name,
        )
    return definition.id, question.id, asked.option


def check_quotes(session: Session, council: Council | None, given: Iterable[object]) -> list[int]:
    """The quote bank's item ids an action may point to, once each, in the order given: each
    approved now, and said in the action's council (an action for the whole region: in any
    council). Any other is refused, alike whether it does not exist, is not approved or is
    another council's, so that nobody learns of another council's quotes by asking."""
    wanted: list[int] = []
    for value in given:
        text = str(value).strip()
        if not text:
            continue
        if not text.isdigit() or not 0 < int(text) < 2**31:
            raise ActionError(
                "Each quote is the number of a quote in the quote bank.", field="evidence_quotes"
            )
        if int(text) not in wanted:
            wanted.append(int(text))
    if len(wanted) > MOST_QUOTES:
        raise ActionError(
            f"An action points to {MOST_QUOTES} quotes at most.", field="evidence_quotes"
        )
    if not wanted:
        return []
    approved = dict(
        session.execute(
            select(ThemeItem.id, ThemeItem.council_id)
            .join(ApprovedQuote, ApprovedQuote.item_id == ThemeItem.id)
            .where(ThemeItem.id.in_(wanted))
        ).all()
    )
    for item_id in wanted:
        if item_id not in approved or (council is not None and approved[item_id] != council.id):
            whose = f"{council.name}'s approved quotes" if council else "the approved quotes"
            raise ActionError(
                f"Quote {item_id} is not one of {whose}: link only approved quotes of the "
                "action's own council.",
                field="evidence_quotes",
            )
    return wanted


def check_figures(
    given: Iterable[FigureRef], definitions: Mapping[str, SurveyDefinition]
) -> list[tuple[str, str, str, str]]:
    """The figures an action may point to (survey, question, option, period key), once each:
    an answer a council's tables publish, in a whole period of the kind its survey publishes
    (empty: the latest closed one when shown)."""
    found: list[tuple[str, str, str, str]] = []
    for asked in given:
        if not (asked.survey or asked.question or asked.option or asked.period):
            continue
        survey, question, option = _answer(definitions, asked, "A figure", "evidence_figures")
        key = ""
        if asked.period.strip():
            kind = definitions[survey].publication.period
            try:
                period = Period.parse(asked.period)
            except PeriodError as problem:
                raise ActionError(str(problem), field="evidence_figures") from None
            if period.kind != kind:
                example = Period.of(kind, today()).key
                raise ActionError(
                    f"{survey} publishes its figures by {kind.value}: name the period like "
                    f"{example}.",
                    field="evidence_figures",
                )
            key = period.key
        if (survey, question, option, key) not in found:
            found.append((survey, question, option, key))
    if len(found) > MOST_FIGURES:
        raise ActionError(
            f"An action points to {MOST_FIGURES} figures at most.", field="evidence_figures"
        )
    return found


def measured_question(question: Question) -> Question:
    """The question as a council's figures publish it: a question whose answers differ by age
    band only as its directions (negative, neutral, positive), any other as asked."""
    return collapsed_question(question) if is_collapsed(question) else question


def approve_action(
    session: Session,
    action: Action,
    user: User,
    definitions: Mapping[str, SurveyDefinition],
    day: dt.date | None = None,
) -> Action:
    """Approve the action's child words for children to see; refused (ActionError) for anyone
    but an admin or its council's lead, for a language its council's child surveys offer that
    has no words, and for words that hold personal data."""
    if not may_approve(user, action):
        raise NotAllowed(
            "Only a lead of this council, or an admin, may approve what children see."
            if action.council_id is not None
            else "Only an admin may approve an action for the whole region."
        )
    texts = child_texts(action)
    missing = [
        language_name(code)
        for code in child_languages(session, action.council_id, definitions)
        if code not in texts
    ]
    if missing:
        raise ActionError(
            "Children's words are missing in " + ", ".join(missing) + ": add them, then approve.",
            field="child",
        )
    problems = personal_data_problems(texts)
    if problems:
        raise ActionError(" ".join(problems), field="child")
    action.approved_on = day or today()
    action.approved_by_id = user.id
    return action


def set_status(action: Action, status: str) -> Action:
    """Move the action on (planned, doing, done); approval stands: the words have not changed."""
    try:
        action.status = ActionStatus(status).value
    except ValueError:
        raise ActionError("The status is planned, doing or done.", field="status") from None
    return action


def child_texts(action: Action) -> dict[str, tuple[str, str]]:
    """The action's child words by language."""
    return {text.language: (text.you_said, text.we_did) for text in action.texts}


def warnings_for(action: Action) -> list[str]:
    """What staff should know about the child words before approving them (reading age)."""
    return reading_warnings(child_texts(action))


# Reading ---------------------------------------------------------------------------------


def action_by_id(session: Session, action_id: int) -> Action | None:
    """The action, or None (ids too large for the column name nothing)."""
    if not 0 < action_id < 2**31:
        return None
    return session.get(Action, action_id)


def staff_actions(
    session: Session, scope: Collection[int] | None, council_id: int | None = None
) -> list[Action]:
    """Actions staff see, newest first: one council's and the region's (council_id given),
    or all in scope (None: every council)."""
    query = (
        select(Action)
        .options(selectinload(Action.texts), selectinload(Action.figures))
        .order_by(Action.id.desc())
    )
    if council_id is not None:
        query = query.where(or_(Action.council_id == council_id, Action.council_id.is_(None)))
    elif scope is not None:
        query = query.where(or_(Action.council_id.in_(list(scope)), Action.council_id.is_(None)))
    return list(session.scalars(query))


def for_report(
    session: Session, survey_id: str, scope: Collection[int] | None, council_id: int | None
) -> list[Action]:
    """The actions a survey's report lists: one council's and the region's (or, council_id
    None, all in scope), those measured by this survey and those measured by none."""
    return [
        action
        for action in staff_actions(session, scope, council_id)
        if action.measure_survey_id in (None, survey_id)
    ]


@dataclass(frozen=True)
class ChildAction:
    """One approved action as a child reads it, in their language where it is written in it."""

    you_said: str
    we_did: str
    language: str
    direction: str


_ACTIONS = cast(Table, Action.__table__)
_ACTION_TEXTS = cast(Table, ActionText.__table__)
# Built once, as Core on the tables: every welcome and thank-you page a child sees asks it, and
# building the statement (and the ORM's handling of it) cost more than running it.
_FOR_CHILDREN = (
    select(
        _ACTION_TEXTS.c.action_id,
        _ACTION_TEXTS.c.language,
        _ACTION_TEXTS.c.you_said,
        _ACTION_TEXTS.c.we_did,
    )
    .join(_ACTIONS, _ACTIONS.c.id == _ACTION_TEXTS.c.action_id)
    .where(
        _ACTIONS.c.approved_on.is_not(None),
        or_(_ACTIONS.c.council_id == bindparam("council_id"), _ACTIONS.c.council_id.is_(None)),
        _ACTION_TEXTS.c.language.in_(bindparam("languages", expanding=True)),
    )
    .order_by(_ACTIONS.c.approved_on.desc(), _ACTIONS.c.id.desc())
)


def for_children(
    session: Session, council_id: int, language: str, most: int | None = NEWEST_FOR_CHILDREN
) -> list[ChildAction]:
    """The council's and the region's approved actions, newest approval first, in language
    (English, marked as such, where an action has no words in it yet); `most` at most."""
    rows = session.connection().execute(
        _FOR_CHILDREN, {"council_id": council_id, "languages": sorted({language, "en"})}
    )
    chosen: dict[int, ChildAction] = {}
    for action_id, code, you_said, we_did in rows:
        if action_id in chosen and code != language:
            continue
        chosen[action_id] = ChildAction(you_said, we_did, code, direction(code))
    found = list(chosen.values())
    return found if most is None else found[:most]
