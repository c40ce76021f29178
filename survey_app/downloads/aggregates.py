"""aggregates.csv: counts per group (each council, and the region) and question, protected."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from sqlalchemy.orm import Session

from ..answers import option_ids, option_label, question_counts, skip_logic
from ..definitions.model import Question, SurveyDefinition
from ..privacy.disclosure import (
    DisclosureRules,
    PublishedCell,
    PublishedGroup,
    PublishedQuestion,
    QuestionCounts,
    notes,
    protect_group,
    protect_region,
    settle_group,
)
from ..privacy.disclosure.cells import CellRecord, clashing_options, forced_hidden, shown_cells
from ..privacy.disclosure.differencing import overlapping_records
from ..privacy.disclosure.ledger import lock_publishing, published_groups, record_publications
from ..privacy.disclosure.members import union_of
from ..privacy.disclosure.tables import withheld_question
from .counting import by_question, group_counts
from .groups import CouncilGroup, GroupFilter, councils_for, requested_groups, settle_groups
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
) -> list[PublishedTable]:
    """Check, protect and record the counts a user asked for; the caller commits.

    council_ids: the councils the user may see (None: all, which adds the region's rows when
    every council is asked for).
    Raises FilterError, UnknownGroup or Refused, having recorded nothing.
    """
    rules = DisclosureRules.of(definition)
    lock_publishing(session, definition.id)
    visible = None if council_ids is None else list(council_ids)
    councils, distribution_id = councils_for(session, definition, visible, chosen)
    groups = requested_groups(session, definition, councils, chosen, distribution_id)
    earlier = published_groups(session, definition.id)
    scope = f"{chosen.describe()} (counts)"
    groups = settle_groups(groups, earlier, rules, scope)
    counts, bases = group_counts(session, definition, groups, chosen, distribution_id)
    conditions = skip_logic(definition)

    per_question = by_question(counts)

    tables: list[PublishedTable] = []
    exact: list[list[QuestionCounts]] = []
    recorded_cells: list[CellRecord] = []
    for group in groups:
        counted = [
            question_counts(
                question,
                per_question.get((group.council_id, question.id), {}),
                bases.get((group.council_id, question.id), 0),
            )
            for question in definition.questions
        ]
        exact.append(counted)
        size = len(group.members) if group.members else len(group.requested)
        remark = notes.HELD_BACK if group.settlement.held_back else ""
        forced = forced_hidden(counted, overlapping_records(group.members, earlier), rules)
        protected = protect_group(counted, size, rules, conditions, forced)
        recorded_cells.append(shown_cells(counted, protected))
        shown_members = group.members if len(group.members) >= rules.minimum_base else frozenset()
        tables.append(PublishedTable(group.name, protected, remark, shown_members))

    region_wanted = visible is None and chosen.council is None and chosen.distribution is None
    included = [
        index for index, group in enumerate(groups) if len(group.members) >= rules.minimum_base
    ]
    published = [
        (f"{groups[i].name}, {scope}", groups[i].members, recorded_cells[i]) for i in included
    ]
    if region_wanted and included:
        region, region_members, region_cells = _region(
            definition, groups, tables, exact, included, earlier, rules, scope
        )
        tables.append(region)
        published.append((f"{notes.REGION}, {scope}", region_members, region_cells))
    # Only now that every group has passed: a refusal above has recorded nothing.
    record_publications(
        session,
        definition.id,
        requested_by_id,
        [(members, described, cells) for described, members, cells in published],
    )
    return tables


def _region(
    definition: SurveyDefinition,
    groups: list[CouncilGroup],
    tables: list[PublishedTable],
    exact: list[list[QuestionCounts]],
    included: list[int],
    earlier: list[PublishedGroup],
    rules: DisclosureRules,
    scope: str,
) -> tuple[PublishedTable, frozenset[int], CellRecord]:
    """The region's rows and response ids: the sum of the councils shown, never holding back on
    its own (it must stay the sum of the council rows beside it)."""
    members = union_of(groups[i].members for i in included)
    described = f"{notes.REGION}, {scope}"
    settlement = settle_group(members, described, earlier, rules, hold_back_new=False)
    if settlement.conflict is not None:
        raise Refused(settlement.conflict, rules)
    records = overlapping_records(members, earlier)
    questions = []
    region_counts = []
    for position, question in enumerate(definition.questions):
        counted, published = protect_region(
            [(exact[i][position], tables[i].questions[position]) for i in included],
            rules,
            lambda totals, _councils, question=question: option_ids(question, totals),
        )
        if published.shown and clashing_options(counted, records, rules) & {
            cell.option for cell in published.cells if isinstance(cell.count, int)
        }:
            # The region's figures are sums of the councils' and cannot hide more on their own
            # without breaking that; the question is not shown for the region instead.
            published = withheld_question(counted, notes.DIFFERENCING)
        region_counts.append(counted)
        questions.append(published)
    held_back = any(groups[i].settlement.held_back for i in included)
    table = PublishedTable(notes.REGION, questions, notes.HELD_BACK if held_back else "", members)
    return table, members, shown_cells(region_counts, questions)


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
