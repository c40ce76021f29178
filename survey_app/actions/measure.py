"""The figure an action should move ("felt listened to: yes"), by publication period before and
after the day it took effect, through disclosure control like every published figure.

Each period is one closed publication period of the measure's survey (a quarter for the shipped
child survey), published as the counts download publishes it: the same groups, checked against
everything published before, perturbed by cell keys, small counts hidden. A period whose count
or base is not shown says so: "too few answers to tell".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy.orm import Session

from .. import downloads
from ..definitions.model import SurveyDefinition
from ..downloads.groups import GroupFilter
from ..models import Action
from ..periods import Period, recent_published
from ..privacy.disclosure import DisclosureRules, Publishing, notes
from ..privacy.disclosure import publishing as open_publishing
from .records import measured_question

TOO_FEW = "too few answers to tell"
# How many closed periods the plan looks back over.
PERIODS_SHOWN = 8


class Side(StrEnum):
    """Where a period falls against the action's day."""

    BEFORE = "before"
    DURING = "during"
    AFTER = "after"


@dataclass(frozen=True)
class MeasurePoint:
    """The measure in one closed period: its published count and base, or why not shown."""

    period: str
    side: Side
    count: int | str
    base: int | str
    percent: str

    @property
    def in_words(self) -> str:
        """ "35 of 50 (70.0%)", or "too few answers to tell"."""
        return figure_words(self.count, self.base, self.percent)


def figure_words(count: int | str, base: int | str, percent: str) -> str:
    """A published count of its base in words ("35 of 50 (70.0%)"), or "too few answers to
    tell" where either is not shown."""
    if isinstance(count, int) and isinstance(base, int):
        return f"{count} of {base} ({percent}%)"
    return TOO_FEW


@dataclass(frozen=True)
class Measure:
    """An action's measure over the periods around its day, oldest first."""

    label: str
    points: tuple[MeasurePoint, ...]


def side_of(period: Period, day: dt.date) -> Side:
    """Whether the period is wholly before the day, holds it, or wholly after it."""
    if period.end < day:
        return Side.BEFORE
    if period.start >= day:
        return Side.AFTER
    return Side.DURING


def measure_label(definition: SurveyDefinition, question_id: str, option: str) -> str:
    """The measure in words: the question's English and the answer ("…: Yes")."""
    asked = next(q for q in definition.questions if q.id == question_id)
    question = measured_question(asked)
    words = next((o.label.en for o in question.options if o.id == option), option)
    return f"{question.text.en}: {words}"


def period_table(
    unit: Publishing,
    definition: SurveyDefinition,
    visible: Collection[int] | None,
    council: str | None,
    period: Period,
    now: dt.datetime,
) -> downloads.PublishedTable | None:
    """The published table of one closed period for one council (or, council None with every
    council visible, the region), settled and protected in an open publishing unit of work
    (which records what it shows); None where nothing may be shown."""
    label = council if council is not None else notes.REGION
    chosen = GroupFilter(
        council=council, submitted_from=period.start, submitted_to=period.end, asked_at=now
    )
    try:
        tables = downloads.aggregate_tables(unit, definition, visible, chosen)
    except downloads.DownloadProblem:
        # Nothing to count, or too close to figures already published: nothing shown.
        return None
    return next((t for t in tables if t.label == label), None)


def period_tables(
    unit: Publishing,
    definition: SurveyDefinition,
    visible: Collection[int] | None,
    council: str | None,
    now: dt.datetime,
    most: int = PERIODS_SHOWN,
) -> list[tuple[Period, downloads.PublishedTable | None]]:
    """The latest `most` closed periods of the survey, oldest first, each with its published
    table (`period_table`)."""
    return [
        (period, period_table(unit, definition, visible, council, period, now))
        for period in reversed(recent_published(definition.publication, now, most))
    ]


def published_cell(
    table: downloads.PublishedTable | None, question_id: str, option: str
) -> tuple[int | str, int | str, str]:
    """An answer's published count, its question's base and the percent in a published table;
    "not shown" for both where either is hidden (or there is no table)."""
    questions = table.questions if table is not None else []
    question = next((q for q in questions if q.question == question_id), None)
    if question is not None:
        cell = next((c for c in question.cells if c.option == option), None)
        if cell is not None and isinstance(cell.count, int) and isinstance(question.base, int):
            return cell.count, question.base, cell.percent
    return notes.NOT_SHOWN, notes.NOT_SHOWN, ""


def measure_points(
    action: Action, tables: list[tuple[Period, downloads.PublishedTable | None]]
) -> list[MeasurePoint]:
    """The action's measure in each period's published table."""
    if action.acted_on is None or not action.measure_question:
        return []
    points = []
    for period, table in tables:
        count, base, percent = published_cell(table, action.measure_question, action.measure_option)
        points.append(
            MeasurePoint(period.key, side_of(period, action.acted_on), count, base, percent)
        )
    return points


def action_measures(
    session: Session,
    definitions: Mapping[str, SurveyDefinition],
    actions: Collection[Action],
    visible: Collection[int] | None,
    council: str | None,
    requested_by_id: int | None,
    now: dt.datetime,
) -> dict[int, Measure]:
    """Each measured action's measure (by action id), for one council or the region: one
    publishing unit of work per survey measured; the caller commits what was recorded."""
    by_survey: dict[str, list[Action]] = {}
    for action in actions:
        survey_id = action.measure_survey_id
        if survey_id in definitions and action.acted_on and action.measure_question:
            by_survey.setdefault(str(survey_id), []).append(action)
    found: dict[int, Measure] = {}
    for survey_id, measured in sorted(by_survey.items()):
        definition = definitions[survey_id]
        rules = DisclosureRules.of(definition)
        with open_publishing(session, survey_id, rules, requested_by_id) as unit:
            tables = period_tables(unit, definition, visible, council, now)
        for action in measured:
            label = measure_label(definition, action.measure_question, action.measure_option)
            found[action.id] = Measure(label, tuple(measure_points(action, tables)))
    return found
