"""aggregates.csv: counts per group (each council, and the region) and question, protected.

Answers that mean different things are never added together: a survey with waves is published
per wave (no council or region figure sums across waves), and a question whose age bands are
shown other options, or the same ids in other words, is published per band in that band's
words; across bands it is published only as the directions the survey declares (negative,
neutral, positive), or not at all.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace

from sqlalchemy.orm import Session

from ..answers import (
    DIRECTION_WORDS,
    collapsed_counts,
    collapsed_question,
    is_collapsed,
    option_ids,
    option_label,
    question_counts,
    skip_logic,
)
from ..definitions.model import Question, SurveyDefinition
from ..privacy.disclosure import (
    KEY_RANGE,
    Audit,
    DisclosureRules,
    MemberSet,
    PublishedCell,
    PublishedQuestion,
    Publishing,
    QuestionCounts,
    Settlement,
    notes,
    publishing,
    union_of,
)
from .counting import Bases, Counts, counts_from_answers, group_counts, keys_by_question
from .groups import (
    CouncilGroup,
    GroupFilter,
    councils_for,
    counted_parts,
    requested_download,
    requested_groups,
)
from .problems import Refused

AGGREGATE_COLUMNS = [
    "survey",
    "council",
    "wave",
    "age_band",
    "question",
    "option",
    "direction",
    "count",
    "base",
    "percent",
    "question_text",
    "option_label",
    "note",
]
ANY_ANSWER = "(any answer)"
# The age_band of a row about every age band together (only directions, for a banded scale).
ALL_AGES = "all"


@dataclass(frozen=True)
class PublishedTable:
    """One group's rows: its label, its questions in publishable form and a note for them all.

    wave, age_band: the part of the council (or region) the figures are about; "" for every
    wave (a survey without waves) or every age band (ALL_AGES rows: banded scales there are
    directions only).
    """

    label: str
    questions: list[PublishedQuestion]
    remark: str = ""
    # The responses the figures are about (empty when the group is below the minimum base).
    members: frozenset[int] = frozenset()
    wave: str = ""
    age_band: str = ""

    @property
    def title(self) -> str:
        """The group and its part, short enough for a spreadsheet's sheet name."""
        label = "Region" if self.label == notes.REGION else self.label
        return ", ".join(part for part in (label, self.wave, self.age_band) if part)


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
    every council is asked for). Tables per wave, and per age band beside every age band's
    directions (`aggregate_tables`).
    Raises FilterError, UnknownGroup or Refused, having recorded nothing.
    """
    rules = DisclosureRules.of(definition)
    with publishing(session, definition.id, rules, requested_by_id, audit=audit) as unit:
        return aggregate_tables(unit, definition, council_ids, chosen, per_part=True)


Part = tuple[str, str]  # (wave, age band)


def aggregate_tables(
    unit: Publishing,
    definition: SurveyDefinition,
    council_ids: Iterable[int] | None,
    chosen: GroupFilter,
    *,
    per_part: bool = False,
) -> list[PublishedTable]:
    """The counts download's tables, settled and protected in an open unit of work (which
    records them when it closes).

    Without waves: one table per council (and the region) about all its responses, banded
    scales as directions. per_part adds a table per council and age band in that band's words;
    with waves every table is per wave, and there is none across waves.
    """
    session = unit.session
    visible = None if council_ids is None else list(council_ids)
    scope = f"{chosen.describe_period(definition.publication)} (counts)"
    by_wave = bool(definition.waves)
    if by_wave and per_part:
        # No figure across waves: not even settled, so each wave's group stands on its own.
        councils, distribution_id = councils_for(session, definition, visible, chosen)
        groups = [
            # Counted whole (each wave is settled on its own below, never the council).
            CouncilGroup(g.council_id, g.name, g.requested, Settlement(g.requested), g.version)
            for g in requested_groups(session, definition, councils, chosen, distribution_id)
        ]
    else:
        groups, distribution_id = requested_download(unit, definition, visible, chosen, scope)
    counts, bases, keys = group_counts(session, definition, groups, chosen, distribution_id)
    exact = _Exact(_by_part_and_question(counts), bases, *keys_by_question(keys))
    region_wanted = visible is None and chosen.council is None and chosen.distribution is None

    tables: list[PublishedTable] = []
    if not (by_wave and per_part):
        tables += _whole_councils(unit, definition, groups, exact, scope)
        if region_wanted:
            tables += _region_of(unit, definition, groups, tables, scope)
    if per_part and (by_wave or definition.age_bands):
        parts = _parts(
            unit,
            definition,
            groups,
            exact,
            scope,
            chosen,
            distribution_id,
            # A wave or band too close to what was published (the council's before/after
            # group, an earlier download) is left out with its reason, not the whole download.
            refuse=False,
        )
        tables += parts
        if region_wanted:
            for part in dict.fromkeys((t.wave, t.age_band) for t in parts):
                of_part = [t for t in parts if (t.wave, t.age_band) == part]
                part_groups = [_group_of(t, groups) for t in of_part]
                tables += _region_of(unit, definition, part_groups, of_part, scope, part=part)
    return tables


def _by_part_and_question(counts: Counts) -> dict[tuple[object, str], dict[str, int]]:
    grouped: dict[tuple[object, str], dict[str, int]] = defaultdict(dict)
    for (part, question_id, option), value in counts.items():
        grouped[(part, question_id)][option] = value
    return grouped


@dataclass(frozen=True)
class _Exact:
    """Exact counts by (part, question) and option, the bases, and their cell keys alike."""

    per_question: Mapping[tuple[object, str], Mapping[str, int]]
    bases: Bases
    keys: Mapping[tuple[object, str], Mapping[str, int]]
    base_keys: Mapping[tuple[object, str], int]

    def of(self, question: Question, key: object) -> QuestionCounts:
        """One part's exact counts of a question, with their cell keys."""
        return question_counts(
            question,
            self.per_question.get((key, question.id), {}),
            self.bases.get((key, question.id), 0),  # type: ignore[call-overload]
            self.keys.get((key, question.id), {}),
            self.base_keys.get((key, question.id), 0),
        )


def _whole_counts(
    definition: SurveyDefinition, council_id: int, exact: _Exact
) -> list[QuestionCounts]:
    """A council's counts over all its parts: by option where every band shares the words,
    as directions where the bands' scales differ (withheld later when none are declared).
    Cell keys are summed the same way: a direction's members are its options' members."""
    counted = []
    for question in definition.questions:
        totals: dict[str, int] = defaultdict(int)
        keys: dict[str, int] = defaultdict(int)
        base = base_key = 0
        for (part, question_id), by_option in exact.per_question.items():
            if question_id != question.id or part[0] != council_id:  # type: ignore[index]
                continue
            band = part[2]  # type: ignore[index]
            keyed = exact.keys.get((part, question_id), {})
            if is_collapsed(question):
                by_option = collapsed_counts(question, band, by_option)
                keyed = collapsed_counts(question, band, keyed)
            for option, value in by_option.items():
                totals[option] += value
            for option, value in keyed.items():
                keys[option] = (keys[option] + value) % KEY_RANGE
        for (part, question_id), value in exact.bases.items():
            if question_id == question.id and part[0] == council_id:  # type: ignore[index]
                base += value
                base_key = (base_key + exact.base_keys.get((part, question_id), 0)) % KEY_RANGE
        shown_as = collapsed_question(question) if is_collapsed(question) else question
        counted.append(question_counts(shown_as, totals, base, keys, base_key))
    return counted


def _withhold_undeclared(
    definition: SurveyDefinition, questions: list[PublishedQuestion]
) -> list[PublishedQuestion]:
    """Across age bands, a banded scale without declared directions shows nothing (the ledger
    keeps what was protected: more than is shown, never less)."""
    shown = []
    for question, published in zip(definition.questions, questions, strict=True):
        if is_collapsed(question) and not question.has_directions:
            cells = tuple(
                PublishedCell(cell.option, notes.NOT_SHOWN, "", notes.BANDS_DIFFER)
                for cell in published.cells
            )
            published = PublishedQuestion(
                published.question, notes.NOT_SHOWN, cells, withheld=notes.BANDS_DIFFER
            )
        shown.append(published)
    return shown


def _whole_councils(
    unit: Publishing,
    definition: SurveyDefinition,
    groups: list[CouncilGroup],
    exact: _Exact,
    scope: str,
) -> list[PublishedTable]:
    conditions = skip_logic(definition)
    all_ages = ALL_AGES if definition.age_bands else ""
    tables = []
    for group in groups:
        counted = _whole_counts(definition, group.council_id, exact)
        size = len(group.members) if group.members else len(group.requested)
        remark = notes.HELD_BACK if group.settlement.held_back else ""
        protected = unit.protect_group(
            group.members, f"{group.name}, {scope}", counted, size=size, conditions=conditions
        )
        shown_members = (
            group.members if len(group.members) >= unit.rules.minimum_base else frozenset()
        )
        tables.append(
            _Table(
                group.name,
                _withhold_undeclared(definition, protected),
                remark,
                shown_members,
                age_band=all_ages,
                counted=counted,
            )
        )
    return tables


@dataclass(frozen=True)
class _Table(PublishedTable):
    """A table with the exact counts behind it, for the region's sums (never published)."""

    counted: list[QuestionCounts] | None = None
    group: CouncilGroup | None = None


def _parts(
    unit: Publishing,
    definition: SurveyDefinition,
    groups: list[CouncilGroup],
    exact_counts: _Exact,
    scope: str,
    chosen: GroupFilter,
    distribution_id: int | None,
    *,
    refuse: bool,
) -> list[PublishedTable]:
    """A table per council, wave and age band, each settled as a group of its own.

    refuse: raise Refused when a part may not be published; otherwise the part is left out
    with its reason (`too-close`) and the rest of the download goes ahead."""
    split = counted_parts(unit.session, definition.id, [g.council_id for g in groups])
    order = {wave: i for i, wave in enumerate(definition.wave_ids())}
    bands = {band: i for i, band in enumerate(definition.band_ids())}
    conditions = skip_logic(definition)
    tables: list[PublishedTable] = []
    for group in groups:
        within = group.members if group.members else group.requested
        found = sorted(
            split.get(group.council_id, {}).items(),
            key=lambda item: (order.get(item[0][0], len(order)), bands.get(item[0][1], len(bands))),
        )
        for (wave, band), ids in found:
            requested = MemberSet.of(ids) & MemberSet.of(within)
            if not requested or (band == "" and definition.age_bands and not definition.waves):
                # A child who gave no age band is counted in the council's figures only.
                continue
            described = f"{group.name}, {_part_words(definition, wave, band)}, {scope}"
            # Settled as the bitmap it is: as a frozenset, every comparison with an earlier
            # group (a bitmap) converted it again, in time linear in the responses.
            settlement = unit.settle(requested, described)  # type: ignore[arg-type]
            part_group = CouncilGroup(
                group.council_id,
                group.name,
                requested,
                settlement,  # type: ignore[arg-type]
            )
            key = (group.council_id, wave, band)
            counted = [
                exact_counts.of(question.for_band(band), key) for question in definition.questions
            ]
            if settlement.conflict is not None:
                if refuse:
                    raise Refused(settlement.conflict, unit.rules)
                tables.append(
                    _Table(
                        group.name,
                        [_not_shown(c, notes.TOO_CLOSE) for c in counted],
                        wave=wave,
                        age_band=band,
                    )
                )
                continue
            members = settlement.members
            settled = CouncilGroup(group.council_id, group.name, requested, settlement)  # type: ignore[arg-type]
            exact = _counted_members_only(
                unit, definition, counted, settled, chosen, distribution_id
            )
            protected = unit.protect_group(
                members,
                described,
                exact,
                size=len(members),
                conditions=conditions,
            )
            shown = members if len(members) >= unit.rules.minimum_base else frozenset()
            # Held back with the council it is part of, or on its own.
            held_back = settlement.held_back or group.settlement.held_back
            remark = notes.HELD_BACK if held_back else ""
            tables.append(
                _Table(
                    group.name,
                    protected,
                    remark,
                    shown,  # type: ignore[arg-type]
                    wave=wave,
                    age_band=band,
                    counted=exact,
                    group=part_group,
                )
            )
    return tables


def _counted_members_only(
    unit: Publishing,
    definition: SurveyDefinition,
    counted: list[QuestionCounts],
    part_group: CouncilGroup,
    chosen: GroupFilter,
    distribution_id: int | None,
) -> list[QuestionCounts]:
    """The part's exact counts: those read for the council when the part is published whole,
    else (recent responses held back from it) counted afresh from its members' answers."""
    if len(part_group.members) == len(part_group.requested):
        return counted
    counts, bases, keys = counts_from_answers(
        unit.session, definition, [part_group], chosen, distribution_id, by_part=True
    )
    # One part only: every key below is the same (council, wave, age band).
    exact = []
    for question, before in zip(definition.questions, counted, strict=True):
        mine = {o: value for (_, q, o), value in counts.items() if q == question.id}
        mine_keys = {
            o: value for (_, q, o), value in keys.items() if q == question.id and o is not None
        }
        base = sum(value for (_, q), value in bases.items() if q == question.id)
        base_key = sum(value for (_, q, o), value in keys.items() if q == question.id and o is None)
        exact.append(
            replace(before, counts=mine, base=base, keys=mine_keys, base_key=base_key % KEY_RANGE)
        )
    return exact


def _not_shown(counted: QuestionCounts, reason: str) -> PublishedQuestion:
    cells = tuple(PublishedCell(option, notes.NOT_SHOWN, "", reason) for option in counted.options)
    return PublishedQuestion(counted.question, notes.NOT_SHOWN, cells, withheld=reason)


def _part_words(definition: SurveyDefinition, wave: str, band: str) -> str:
    words = []
    for found in definition.waves:
        if found.id == wave:
            words.append(found.label.en)
    for found in definition.age_bands:
        if found.id == band:
            words.append(f"aged {found.label.en}")
    return ", ".join(words) or "no wave or age band"


def _group_of(table: PublishedTable, groups: list[CouncilGroup]) -> CouncilGroup:
    if isinstance(table, _Table) and table.group is not None:
        return table.group
    return next(g for g in groups if g.name == table.label)


def _region_of(
    unit: Publishing,
    definition: SurveyDefinition,
    groups: list[CouncilGroup],
    tables: list[PublishedTable],
    scope: str,
    *,
    part: Part | None = None,
) -> list[PublishedTable]:
    """The region's rows: the sum of the councils shown, never holding back on its own (it must
    stay the sum of the council rows beside it)."""
    included = [
        index
        for index, table in enumerate(tables)
        if len(table.members) >= unit.rules.minimum_base
        and isinstance(table, _Table)
        and table.counted is not None
    ]
    if not included:
        return []
    wave, band = part if part is not None else ("", ALL_AGES if definition.age_bands else "")
    members = union_of(tables[i].members for i in included)
    words = _part_words(definition, wave, band) if part is not None else ""
    described = f"{notes.REGION}, {words + ', ' if words else ''}{scope}"
    settlement = unit.settle(members, described, hold_back_new=False)  # type: ignore[arg-type]
    if settlement.conflict is not None:
        if part is None:
            raise Refused(settlement.conflict, unit.rules)
        return []
    exact = [tables[i].counted for i in included]  # type: ignore[attr-defined]
    shown_as = [
        question.for_band(band) if part is not None else _across_bands(question)
        for question in definition.questions
    ]
    questions = unit.protect_region(
        members,  # type: ignore[arg-type]
        described,
        [
            [(exact[n][position], tables[i].questions[position]) for n, i in enumerate(included)]
            for position in range(len(definition.questions))
        ],
        [
            lambda totals, _councils, question=question: option_ids(question, totals)
            for question in shown_as
        ],
    )
    if part is None:
        questions = _withhold_undeclared(definition, questions)
    held_back = any(tables[i].remark == notes.HELD_BACK for i in included)
    return [
        PublishedTable(
            notes.REGION,
            questions,
            notes.HELD_BACK if held_back else "",
            members,  # type: ignore[arg-type]
            wave=wave,
            age_band=band,
        )
    ]


def _across_bands(question: Question) -> Question:
    return collapsed_question(question) if is_collapsed(question) else question


def aggregate_rows(
    definition: SurveyDefinition, tables: Iterable[PublishedTable]
) -> Iterator[list[object]]:
    """One row per group, part, question and option, with its note codes, in the words of the
    band the row is about."""
    for table in tables:
        band = "" if table.age_band == ALL_AGES else table.age_band
        for question, published in zip(definition.questions, table.questions, strict=True):
            across = table.age_band == ALL_AGES and is_collapsed(question)
            asked = question.for_band(band) if band else question
            for option, label, cell in _question_rows(asked, published, across=across):
                # Across bands a banded scale is its directions, and its rows say so.
                as_directions = notes.BY_DIRECTION if across and published.shown else ""
                codes = (cell.note, published.remark, as_directions, table.remark)
                direction = (
                    option
                    if across and option in DIRECTION_WORDS
                    else str(asked.direction(option, band) or "")
                )
                yield [
                    definition.id,
                    table.label,
                    table.wave,
                    table.age_band,
                    question.id,
                    option,
                    direction,
                    cell.count,
                    published.base,
                    cell.percent,
                    asked.text.en,
                    label,
                    " ".join(code for code in dict.fromkeys(codes) if code),
                ]


def _question_rows(
    question: Question, published: PublishedQuestion, *, across: bool = False
) -> Iterator[tuple[str, str, PublishedCell]]:
    """(option, its words, its cell) for each row of a question. A number question that is not
    shown is one row: listing the values children gave would tell what some of them said."""
    if not published.shown and not (question.is_choice or question.is_text):
        yield "", ANY_ANSWER, PublishedCell("", notes.NOT_SHOWN, "", published.withheld)
        return
    shown_as = collapsed_question(question) if across else question
    for cell in published.cells:
        yield cell.option, option_label(shown_as, cell.option), cell
