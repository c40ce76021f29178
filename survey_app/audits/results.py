"""Case-file audit results per council and closed period, through the one publishing unit of
work (the audits' own cell keys, small counts hidden, recorded), as figures, headline sentences
a report can use ("... recorded: in 20 of about 30 records audited") and CSV."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import periods
from ..definitions.model import Question, SurveyDefinition
from ..downloads.csv_text import csv_lines
from ..models import CaseAudit, Council
from ..privacy.disclosure import (
    DisclosureRules,
    PublishedQuestion,
    QuestionCounts,
    footnotes,
    notes,
    publishing,
)
from .recording import choice_questions

# The answer a criterion is met by.
MET = "yes"
KEY_RANGE = 1 << 31

# Results -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CouncilAudits:
    """One council's audit results for one period, as published: each criterion's published
    question (counts perturbed, small ones hidden, rounded), or nothing if too few records."""

    council: str
    period: str
    questions: tuple[PublishedQuestion, ...]

    def question(self, question_id: str) -> PublishedQuestion | None:
        """One criterion's published figures, if shown."""
        return next((q for q in self.questions if q.question == question_id), None)


def audit_results(
    session: Session,
    definition: SurveyDefinition,
    council_ids: Sequence[int] | None,
    period: periods.Period,
    requested_by_id: int | None,
    *,
    region: bool = False,
) -> list[CouncilAudits]:
    """Each council's results (council_ids: those the reader may see, None = all) for one
    closed period, through the one publishing unit of work (settled against what was published
    before, perturbed by the audits' cell keys, small counts hidden, recorded); with region,
    one result for all those councils' audits together. The caller picks a closed period
    (`closed_period`) and commits."""
    statement = select(CaseAudit, Council.name).join(Council, Council.id == CaseAudit.council_id)
    statement = statement.where(
        CaseAudit.survey_id == definition.id, CaseAudit.period == period.key
    )
    if council_ids is not None:
        statement = statement.where(CaseAudit.council_id.in_(list(council_ids)))
    by_council: dict[str, list[CaseAudit]] = {}
    for audit, name in session.execute(statement.order_by(Council.name, CaseAudit.id)):
        by_council.setdefault(notes.REGION if region else name, []).append(audit)
    rules = DisclosureRules.of(definition)
    results = []
    with publishing(session, definition.id, rules, requested_by_id) as unit:
        for name, audits in by_council.items():
            scope = f"case audits {definition.id} {name} {period.key}"
            settled = unit.settle(frozenset(a.id for a in audits), scope)
            if settled.refused or not settled.members:
                results.append(CouncilAudits(name, period.key, ()))
                continue
            members = [a for a in audits if a.id in settled.members]
            counted = [_counts(question, members) for question in choice_questions(definition)]
            protected = unit.protect_group(
                settled.members, scope, counted, size=len(settled.members)
            )
            results.append(CouncilAudits(name, period.key, tuple(protected)))
    return results


def _counts(question: Question, audits: Sequence[CaseAudit]) -> QuestionCounts:
    options = question.all_option_ids()
    counts = dict.fromkeys(options, 0)
    keys = dict.fromkeys(options, 0)
    base = base_key = 0
    for audit in audits:
        given = audit.answers.get(question.id)
        if given not in counts:
            continue
        counts[given] += 1
        keys[given] = (keys[given] + audit.cell_key) % KEY_RANGE
        base += 1
        base_key = (base_key + audit.cell_key) % KEY_RANGE
    return QuestionCounts(
        question.id,
        options,
        counts,
        base,
        keys=keys,
        base_key=base_key,
        group_size=len(audits),
    )


def closed_period(
    definition: SurveyDefinition, now: dt.datetime, key: str | None = None
) -> periods.Period:
    """The closed period asked for by key ("2026-Q3"), or the latest closed one; refuses
    (periods.PeriodError) a period of another length or one not closed yet."""
    if not key:
        return periods.last_published(definition.publication, now)
    period = periods.Period.parse(key)
    if period.kind != definition.publication.period:
        raise periods.PeriodError(
            f"Audit results are published per {definition.publication.period.value}: ask for "
            f"a period like {periods.last_published(definition.publication, now).key}."
        )
    return periods.published_period(definition.publication, now, period.start, period.end)


@dataclass(frozen=True)
class CriterionResult:
    """One criterion's published result, for a report's table and chart: how many records met
    it (a number, "c" hidden, or "x" not shown), of how many audited, and in words."""

    criterion: str
    words: str
    met: int | str
    base: int | str
    headline: str

    @property
    def number(self) -> int:
        """The met count as a bar's length (0 when hidden or not shown)."""
        return self.met if isinstance(self.met, int) else 0


def criterion_results(definition: SurveyDefinition, result: CouncilAudits) -> list[CriterionResult]:
    """Each criterion of the form as published for one council (or the region) and period."""
    found = []
    for question in choice_questions(definition):
        published = result.question(question.id)
        met: int | str = notes.NOT_SHOWN
        base: int | str = notes.NOT_SHOWN
        if published is not None and published.shown:
            base = published.base
            cell = next((c for c in published.cells if c.option == MET), None)
            met = cell.count if cell is not None else notes.NOT_SHOWN
        words = _CRITERIA.get(question.id, question.text.en)
        found.append(
            CriterionResult(
                question.id, words, met, base, headline(definition, result, question.id)
            )
        )
    return found


def headline(definition: SurveyDefinition, result: CouncilAudits, question_id: str) -> str:
    """One criterion's result in words, from the published figures only: "children's views
    acted on in 10 of 15 records audited", or "too few records audited to tell"."""
    question = result.question(question_id)
    what = _CRITERIA.get(question_id, definition.question(question_id).text.en)
    if question is None or not question.shown:
        return f"{what}: too few records audited to tell"
    met = next((cell for cell in question.cells if cell.option == MET), None)
    if met is None or not isinstance(met.count, int):
        # Hidden: its perturbed count was small, which says little about the exact one (a
        # perturbed 5 may be an exact 12), so the sentence claims no bound.
        return f"{what}: in too few of about {question.base} records audited to tell"
    return f"{what}: in {met.count} of about {question.base} records audited"


_CRITERIA = {
    "likes_dislikes": "Child's likes and dislikes recorded",
    "close_to": "Who the child is close to recorded",
    "worries": "Child's worries recorded",
    "wants_changed": "What the child wants to change recorded",
    "views_acted_on": "What was done in response to the child's views recorded",
    "plan_with_child": "Plan drawn up with the child",
}

RESULT_COLUMNS = ["council", "period", "question", "answer", "count", "base", "percent", "note"]


def results_csv(definition: SurveyDefinition, results: Sequence[CouncilAudits]) -> Iterator[str]:
    """The published results as CSV lines: one row per council, criterion and answer, then the
    notes that explain the markers."""
    rules = DisclosureRules.of(definition)

    def rows() -> Iterator[list[object]]:
        for result in results:
            if not result.questions:
                for question in choice_questions(definition):
                    yield [
                        result.council,
                        result.period,
                        question.id,
                        "",
                        notes.NOT_SHOWN,
                        notes.NOT_SHOWN,
                        "",
                        notes.SMALL_BASE,
                    ]
                continue
            for published in result.questions:
                for cell in published.cells:
                    note = cell.note or published.withheld
                    yield [
                        result.council,
                        result.period,
                        published.question,
                        cell.option,
                        cell.count,
                        published.base,
                        cell.percent,
                        note,
                    ]
        for footnote in footnotes(rules):
            yield [f"note {footnote.code}: {footnote.text}", "", "", "", "", "", "", ""]

    return csv_lines(RESULT_COLUMNS, rows())
