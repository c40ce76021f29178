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
        if isinstance(self.count, int) and isinstance(self.base, int):
            return f"{self.count} of {self.base} ({self.percent}%)"
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


def period_tables(
    unit: Publishing,
    definition: SurveyDefinition,
    visible: Collection[int] | None,
    council: str | None,
    now: dt.datetime,
    most: int = PERIODS_SHOWN,
) -> list[tuple[Period, downloads.PublishedTable | None]]:
    """The latest `most` closed periods of the survey, oldest first, each with the published
    table of one council (or, council None with every council visible, the region), settled and
    protected in an open publishing unit of work (which records what it shows)."""
    label = council if council is not None else notes.REGION
    found = []
    for period in reversed(recent_published(definition.publication, now, most)):
        chosen = GroupFilter(
            council=council, submitted_from=period.start, submitted_to=period.end, asked_at=now
        )
        try:
            tables = downloads.aggregate_tables(unit, definition, visible, chosen)
        except downloads.DownloadProblem:
            # Nothing to count, or too close to figures already published: nothing shown.
            tables = []
        found.append((period, next((t for t in tables if t.label == label), None)))
    return found


def measure_points(
    action: Action, tables: list[tuple[Period, downloads.PublishedTable | None]]
) -> list[MeasurePoint]:
    """The action's measure in each period's published table."""
    if action.acted_on is None or not action.measure_question:
        return []
    points = []
    for period, table in tables:
        count: int | str = notes.NOT_SHOWN
        base: int | str = notes.NOT_SHOWN
        percent = ""
        questions = table.questions if table is not None else []
        question = next((q for q in questions if q.question == action.measure_question), None)
        if question is not None:
            cell = next((c for c in question.cells if c.option == action.measure_option), None)
            if cell is not None and isinstance(cell.count, int) and isinstance(question.base, int):
                count, base, percent = cell.count, question.base, cell.percent
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
