"""Exact counts for each group: from the precomputed totals when they serve (the running totals,
or a closed period's `PeriodCount` rows), else from each response's answers (counted as the
workers count them, `answers.answer_cells`)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..answers import answer_cells
from ..definitions.model import SurveyDefinition
from ..models import (
    AnswerCount,
    Distribution,
    DistributionTotal,
    PeriodCount,
    PeriodCountKind,
    QuestionBase,
    SurveyResponse,
)
from ..privacy.disclosure import KEY_RANGE
from .groups import CouncilGroup, GroupFilter, counted_tokens, responses_query

# Keyed by council id (or age band, or a council's part: (council id, wave, age band)),
# question and option; bases by the first two.
Key = Any
Counts = dict[tuple[Key, str, str], int]
Bases = dict[tuple[Key, str], int]
# The sums of the counted responses' secret cell keys, keyed like the counts, and like the
# bases with the option None (privacy.disclosure.cellkey); taken modulo KEY_RANGE.
Keys = dict[tuple[Key, str, str | None], int]


def precomputed_counts(
    session: Session,
    definition: SurveyDefinition,
    council_ids: list[int],
    *,
    by_age_band: bool = False,
    by_part: bool = False,
) -> tuple[Counts, Bases, dict[int, int], Keys]:
    """Counts and bases from the totals, keyed by council (or, by_age_band, by age band: for one
    council; or, by_part, by (council, wave, age band)), the number of responses counted per
    council, and the cells' key sums."""
    counts: Counts = defaultdict(int)
    bases: Bases = defaultdict(int)
    totals: dict[int, int] = defaultdict(int)
    keys: Keys = {}
    if not council_ids:
        return counts, bases, totals, keys
    if by_part:
        answers_by: Any = (AnswerCount.council_id, AnswerCount.wave, AnswerCount.age_band)
        bases_by: Any = (QuestionBase.council_id, QuestionBase.wave, QuestionBase.age_band)
    elif by_age_band:
        answers_by, bases_by = (AnswerCount.age_band,), (QuestionBase.age_band,)
    else:
        answers_by, bases_by = (AnswerCount.council_id,), (QuestionBase.council_id,)
    width = len(answers_by)
    for found in session.execute(
        select(
            *answers_by,
            AnswerCount.question_id,
            AnswerCount.option,
            func.sum(AnswerCount.count),
            func.sum(AnswerCount.key_sum),
        )
        .where(AnswerCount.survey_id == definition.id, AnswerCount.council_id.in_(council_ids))
        .group_by(*answers_by, AnswerCount.question_id, AnswerCount.option)
    ):
        key = tuple(found[:width]) if by_part else found[0]
        counts[(key, found[width], found[width + 1])] = int(found[width + 2])
        keys[(key, found[width], found[width + 1])] = int(found[width + 3] or 0) % KEY_RANGE
    for found in session.execute(
        select(
            *bases_by,
            QuestionBase.question_id,
            func.sum(QuestionBase.base),
            func.sum(QuestionBase.key_sum),
        )
        .where(QuestionBase.survey_id == definition.id, QuestionBase.council_id.in_(council_ids))
        .group_by(*bases_by, QuestionBase.question_id)
    ):
        key = tuple(found[:width]) if by_part else found[0]
        bases[(key, found[width])] = int(found[width + 1])
        keys[(key, found[width], None)] = int(found[width + 2] or 0) % KEY_RANGE
    for council_id, total in session.execute(
        select(Distribution.council_id, func.sum(DistributionTotal.responses))
        .join(DistributionTotal, DistributionTotal.distribution_id == Distribution.id)
        .where(Distribution.survey_id == definition.id, Distribution.council_id.in_(council_ids))
        .group_by(Distribution.council_id)
    ):
        totals[council_id] = int(total or 0)
    return counts, bases, totals, keys


def by_question(counts: Counts) -> dict[tuple[int | str, str], dict[str, int]]:
    """The counts regrouped: (council or band, question) -> option -> count."""
    grouped: dict[tuple[int | str, str], dict[str, int]] = defaultdict(dict)
    for (key, question_id, option), value in counts.items():
        grouped[(key, question_id)][option] = value
    return grouped


def keys_by_question(
    keys: Keys,
) -> tuple[dict[tuple[int | str, str], dict[str, int]], dict[tuple[int | str, str], int]]:
    """The key sums regrouped like `by_question`, and the bases' key sums by (group, question)."""
    grouped: dict[tuple[int | str, str], dict[str, int]] = defaultdict(dict)
    bases: dict[tuple[int | str, str], int] = {}
    for (key, question_id, option), value in keys.items():
        if option is None:
            bases[(key, question_id)] = value
        else:
            grouped[(key, question_id)][option] = value
    return grouped, bases


def still_counted(
    session: Session,
    definition: SurveyDefinition,
    read: Mapping[int, tuple[str | None, int]],
    totals: Mapping[int, int],
) -> set[int]:
    """The councils whose precomputed totals, read after their members (version token, number
    of members), count exactly those members.

    PostgreSQL reads each statement afresh, so this is checked after reading the totals: the
    council's version token must be the one its members were read at (no response there has
    been counted since, which also covers one that replaced an earlier answer), and its total
    of counted responses must be the number of members (no answer there has been replaced by one
    counted in another council).
    """
    now = counted_tokens(session, definition.id, list(read))
    return {
        council_id
        for council_id, (version, size) in read.items()
        if version is not None and now.get(council_id) == version and totals.get(council_id) == size
    }


def counts_from_answers(
    session: Session,
    definition: SurveyDefinition,
    groups: list[CouncilGroup],
    chosen: GroupFilter,
    distribution_id: int | None,
    *,
    by_age_band: bool = False,
    by_part: bool = False,
) -> tuple[Counts, Bases, Keys]:
    """Counts, bases and key sums of exactly these groups' members, from each response's
    answers, keyed by council (or, by_age_band, by age band; by_part, by (council, wave, age
    band)) like `precomputed_counts`.

    Counted the way the workers count (`answers.answer_cells`), so both paths agree.
    """
    counts: Counts = defaultdict(int)
    bases: Bases = defaultdict(int)
    keys: Keys = defaultdict(int)
    wanted = {group.council_id: group.members for group in groups}
    if not wanted:
        return counts, bases, keys
    query = responses_query(
        definition,
        list(wanted),
        chosen,
        distribution_id,
        SurveyResponse.id,
        Distribution.council_id,
        SurveyResponse.age_band,
        SurveyResponse.wave,
        SurveyResponse.answers,
        SurveyResponse.superseded,
        SurveyResponse.cell_key,
    ).execution_options(yield_per=1000)
    for response_id, council_id, band, wave, answers, superseded, cell_key in session.execute(
        query
    ):
        if response_id not in wanted[council_id] or superseded:
            # Held back, counted after the group was read, or replaced by the same
            # practitioner's later answer to the same wave (the totals leave it out too).
            continue
        if by_part:
            key: Key = (council_id, wave or "", band or "")
        else:
            key = band if by_age_band else council_id
        cells, questions = answer_cells(answers)
        for question_id, option in cells:
            counts[(key, question_id, option)] += 1
            keys[(key, question_id, option)] = (keys[(key, question_id, option)] + cell_key) % (
                KEY_RANGE
            )
        for question_id in questions:
            bases[(key, question_id)] += 1
            keys[(key, question_id, None)] = (keys[(key, question_id, None)] + cell_key) % KEY_RANGE
    return counts, bases, keys


def group_counts(
    session: Session,
    definition: SurveyDefinition,
    groups: list[CouncilGroup],
    chosen: GroupFilter,
    distribution_id: int | None,
) -> tuple[Counts, Bases, Keys]:
    """Exact counts, bases and key sums for each council's settled group, keyed by (council,
    wave, age band): answers from different waves or bands are never added together here.

    The precomputed totals serve a council when they count exactly its members
    (`still_counted`: a group read from the councils' bitmaps); a group of closed periods is
    counted from its members' answers.
    """
    shown = [group for group in groups if group.members]
    fast = [
        group for group in shown if group.version is not None and group.members == group.requested
    ]
    counts, bases, totals, keys = precomputed_counts(
        session, definition, [group.council_id for group in fast], by_part=True
    )
    exact = still_counted(
        session, definition, {g.council_id: (g.version, len(g.members)) for g in fast}, totals
    )
    not_exact = [group for group in shown if group.council_id not in exact]
    period_counts, period_bases, period_keys, in_period = closed_period_counts(
        session, definition, not_exact, chosen, distribution_id
    )
    slow = [group for group in not_exact if group.council_id not in in_period]
    slow_counts, slow_bases, slow_keys = counts_from_answers(
        session, definition, slow, chosen, distribution_id, by_part=True
    )
    slow_counts.update(period_counts)
    slow_bases.update(period_bases)
    slow_keys.update(period_keys)
    merged_counts: Counts = defaultdict(int)
    merged_bases: Bases = defaultdict(int)
    merged_keys: Keys = {key: value for key, value in keys.items() if key[0][0] in exact}
    for (part, question_id, option), value in counts.items():
        if part[0] in exact:
            merged_counts[(part, question_id, option)] = value
    for (part, question_id), value in bases.items():
        if part[0] in exact:
            merged_bases[(part, question_id)] = value
    merged_counts.update(slow_counts)
    merged_bases.update(slow_bases)
    merged_keys.update(slow_keys)
    return merged_counts, merged_bases, merged_keys


def closed_period_counts(
    session: Session,
    definition: SurveyDefinition,
    groups: list[CouncilGroup],
    chosen: GroupFilter,
    distribution_id: int | None,
) -> tuple[Counts, Bases, Keys, set[int]]:
    """Counts, bases and key sums keyed by (council, wave, age band), as `counts_from_answers`
    gives them, read from the period's `PeriodCount` rows for each group that is every response
    of its council counted in the period (none held back), and the councils they served.

    A council is served only when its rows count exactly as many responses as its group holds:
    the rows and the group are both every response counted before the period closed, and a
    closed period never changes (`periods.COUNTING_GRACE`); any other council is left to be
    counted from its answers.
    """
    counts: Counts = {}
    bases: Bases = {}
    keys: Keys = {}
    whole = {g.council_id: len(g.requested) for g in groups if g.members == g.requested}
    if chosen.asked_at is None or not whole:
        return counts, bases, keys, set()
    period = chosen.period(definition.publication).key
    query = (
        select(
            PeriodCount.council_id,
            PeriodCount.wave,
            PeriodCount.age_band,
            PeriodCount.kind,
            PeriodCount.question_id,
            PeriodCount.option,
            func.sum(PeriodCount.count),
            func.sum(PeriodCount.key_sum),
        )
        .where(
            PeriodCount.survey_id == definition.id,
            PeriodCount.period == period,
            PeriodCount.council_id.in_(list(whole)),
        )
        .group_by(
            PeriodCount.council_id,
            PeriodCount.wave,
            PeriodCount.age_band,
            PeriodCount.kind,
            PeriodCount.question_id,
            PeriodCount.option,
        )
    )
    if distribution_id is not None:
        query = query.where(PeriodCount.distribution_id == distribution_id)
    responses: dict[int, int] = defaultdict(int)
    for council_id, wave, band, kind, question_id, option, count, key_sum in session.execute(query):
        count, key_sum = int(count or 0), int(key_sum or 0) % KEY_RANGE
        part = (council_id, wave or "", band or "")
        if kind == PeriodCountKind.RESPONSES:
            responses[council_id] += count
        elif count <= 0:
            continue  # every answer there was replaced: counted from answers, it is not there
        elif kind == PeriodCountKind.CELL:
            counts[(part, question_id, option)] = count
            keys[(part, question_id, option)] = key_sum
        else:
            bases[(part, question_id)] = count
            keys[(part, question_id, None)] = key_sum
    served = {c for c, size in whole.items() if size and responses.get(c, 0) == size}
    return (
        {key: value for key, value in counts.items() if key[0][0] in served},
        {key: value for key, value in bases.items() if key[0][0] in served},
        {key: value for key, value in keys.items() if key[0][0] in served},
        served,
    )
