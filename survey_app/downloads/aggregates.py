"""aggregates.csv: counts per group (each council, and the region) and question, protected."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from sqlalchemy.orm import Session

from ..answers import option_ids, option_label, question_counts, skip_logic
from ..definitions.model import Question, SurveyDefinition
from ..privacy.disclosure import (
    Audit,
    DisclosureRules,
    PublishedCell,
    PublishedQuestion,
    Publishing,
    QuestionCounts,
    notes,
    publishing,
    union_of,
)
from .counting import by_question, group_counts, keys_by_question
from .groups import CouncilGroup, GroupFilter, requested_download
from .problems import Refused

AGGREGATE_COLUMNS = [
    "survey",
    "council",
    "question",
    "option",
    "count",
    "base",
    "percent",
    "question_text",
    "option_label",
    "note",
]
ANY_ANSWER = "(any answer)"


@dataclass(frozen=True)
class PublishedTable:
    """One group's rows: its label, its questions in publishable form and a note for them all."""

    label: str
    questions: list[PublishedQuestion]
    remark: str = ""
    # The responses the figures are about (empty when the group is below the minimum base).
    members: frozenset[int] = frozenset()


def publish_aggregates(
    session: Session,
    definition: SurveyDefinition,
    council_ids: Iterable[int] | None,
    chosen: GroupFilter,
    requested_by_id: int | None,
    *,
    audit: Audit | None = None,
) -> list[PublishedTable]:
    """Check, protect and record the counts a user asked for; the caller commits.

    council_ids: the councils the user may see (None: all, which adds the region's rows when
    every council is asked for).
    Raises FilterError, UnknownGroup or Refused, having recorded nothing.
    """
    rules = DisclosureRules.of(definition)
    with publishing(session, definition.id, rules, requested_by_id, audit=audit) as unit:
        return aggregate_tables(unit, definition, council_ids, chosen)


def aggregate_tables(
    unit: Publishing,
    definition: SurveyDefinition,
    council_ids: Iterable[int] | None,
    chosen: GroupFilter,
) -> list[PublishedTable]:
    """The counts download's tables, settled and protected in an open unit of work (which
    records them when it closes)."""
    session, rules = unit.session, unit.rules
    visible = None if council_ids is None else list(council_ids)
    scope = f"{chosen.describe()} (counts)"
    groups, distribution_id = requested_download(unit, definition, visible, chosen, scope)
    counts, bases, keys = group_counts(session, definition, groups, chosen, distribution_id)
    conditions = skip_logic(definition)
    per_question = by_question(counts)
    keys_per_question, base_keys = keys_by_question(keys)

    tables: list[PublishedTable] = []
    exact: list[list[QuestionCounts]] = []
    for group in groups:
        counted = [
            question_counts(
                question,
                per_question.get((group.council_id, question.id), {}),
                bases.get((group.council_id, question.id), 0),
                keys_per_question.get((group.council_id, question.id), {}),
                base_keys.get((group.council_id, question.id), 0),
            )
            for question in definition.questions
        ]
        exact.append(counted)
        size = len(group.members) if group.members else len(group.requested)
        remark = notes.HELD_BACK if group.settlement.held_back else ""
        protected = unit.protect_group(
            group.members, f"{group.name}, {scope}", counted, size=size, conditions=conditions
        )
        shown_members = group.members if len(group.members) >= rules.minimum_base else frozenset()
        tables.append(PublishedTable(group.name, protected, remark, shown_members))

    region_wanted = visible is None and chosen.council is None and chosen.distribution is None
    included = [
        index for index, group in enumerate(groups) if len(group.members) >= rules.minimum_base
    ]
    if region_wanted and included:
        tables.append(_region(unit, definition, groups, tables, exact, included, scope))
    return tables


def _region(
    unit: Publishing,
    definition: SurveyDefinition,
    groups: list[CouncilGroup],
    tables: list[PublishedTable],
    exact: list[list[QuestionCounts]],
    included: list[int],
    scope: str,
) -> PublishedTable:
    """The region's rows: the sum of the councils shown, never holding back on its own (it must
    stay the sum of the council rows beside it)."""
    members = union_of(groups[i].members for i in included)
    described = f"{notes.REGION}, {scope}"
    settlement = unit.settle(members, described, hold_back_new=False)
    if settlement.conflict is not None:
        raise Refused(settlement.conflict, unit.rules)
    questions = unit.protect_region(
        members,
        described,
        [
            [(exact[i][position], tables[i].questions[position]) for i in included]
            for position in range(len(definition.questions))
        ],
        [
            lambda totals, _councils, question=question: option_ids(question, totals)
            for question in definition.questions
        ],
    )
    held_back = any(groups[i].settlement.held_back for i in included)
    return PublishedTable(notes.REGION, questions, notes.HELD_BACK if held_back else "", members)


def aggregate_rows(
    definition: SurveyDefinition, tables: Iterable[PublishedTable]
) -> Iterator[list[object]]:
    """One row per group, question and option, with its note codes."""
    for table in tables:
        for question, published in zip(definition.questions, table.questions, strict=True):
            for option, label, cell in _question_rows(question, published):
                codes = (cell.note, published.remark, table.remark)
                yield [
                    definition.id,
                    table.label,
                    question.id,
                    option,
                    cell.count,
                    published.base,
                    cell.percent,
                    question.text.en,
                    label,
                    " ".join(code for code in dict.fromkeys(codes) if code),
                ]


def _question_rows(
    question: Question, published: PublishedQuestion
) -> Iterator[tuple[str, str, PublishedCell]]:
    """(option, its words, its cell) for each row of a question. A number question that is not
    shown is one row: listing the values children gave would tell what some of them said."""
    if not published.shown and not (question.is_choice or question.is_text):
        yield "", ANY_ANSWER, PublishedCell("", notes.NOT_SHOWN, "", published.withheld)
        return
    for cell in published.cells:
        yield cell.option, option_label(question, cell.option), cell
