"""What a child survey's report reads beyond the counts download: each council's age bands and
the responses per month, from the precomputed totals and a few small columns rather than every
response's answers, so a report of a million responses reads a few columns, not a million
answer documents.

The precomputed totals serve a group only when they count exactly its members (the group is
the council's whole counted set, and nothing was counted while they were read); otherwise the
group is counted from its members' own rows, as the downloads do.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, case, extract, func
from sqlalchemy.orm import Session

from ..answers import question_counts
from ..definitions.model import SurveyDefinition
from ..downloads.counting import (
    Bases,
    Counts,
    Keys,
    by_question,
    counts_from_answers,
    keys_by_question,
    precomputed_counts,
    still_counted,
)
from ..downloads.groups import CouncilGroup, GroupFilter, counted_versions, responses_query
from ..models import Distribution, SurveyResponse
from ..privacy.disclosure import MemberSet, QuestionCounts, Settlement

EVERYTHING = GroupFilter()
# Rows read at a time when a group has to be counted from its members' dates.
BATCH = 10_000


@dataclass(frozen=True)
class BandGroup:
    """The responses of one age band within a council's published group, and their counts."""

    band: str
    ids: MemberSet
    counted: list[QuestionCounts]
    size: int  # responses counted (a superseded one is a member but not counted)


def band_groups(
    session: Session, definition: SurveyDefinition, council_id: int, settled: Collection[int]
) -> list[BandGroup]:
    """Each of the survey's age bands among a council's published group `settled`."""
    members: dict[str, list[int]] = defaultdict(list)
    superseded: Counter[str] = Counter()
    for response_id, band, replaced in session.execute(
        _council_responses(
            definition,
            council_id,
            SurveyResponse.id,
            SurveyResponse.age_band,
            SurveyResponse.superseded,
        )
    ):
        if response_id in settled:
            members[band or ""].append(response_id)
            superseded[band or ""] += bool(replaced)
    counts, bases, keys = _band_totals(
        session, definition, council_id, settled
    ) or counts_from_answers(
        session,
        definition,
        [CouncilGroup(council_id, "", settled, Settlement(settled))],  # type: ignore[arg-type]
        EVERYTHING,
        None,
        by_age_band=True,
    )
    per_question = by_question(counts)
    keys_per_question, base_keys = keys_by_question(keys)
    groups = []
    for band in definition.age_bands:
        ids = MemberSet.of(members.get(band.id, ()))
        counted = [
            question_counts(
                # The band's own scale, in its own words.
                question.for_band(band.id),
                per_question.get((band.id, question.id), {}),
                bases.get((band.id, question.id), 0),
                keys_per_question.get((band.id, question.id), {}),
                base_keys.get((band.id, question.id), 0),
            )
            for question in definition.questions
        ]
        groups.append(BandGroup(band.id, ids, counted, len(ids) - superseded[band.id]))
    return groups


def _band_totals(
    session: Session, definition: SurveyDefinition, council_id: int, settled: Collection[int]
) -> tuple[Counts, Bases, Keys] | None:
    """Counts and bases by age band from the precomputed totals, or None when they do not count
    exactly the group `settled`."""
    version, whole = counted_versions(session, definition.id, [council_id]).get(
        council_id, (None, MemberSet())
    )
    if version is None or MemberSet.of(settled) != whole:
        return None
    counts, bases, totals, keys = precomputed_counts(
        session, definition, [council_id], by_age_band=True
    )
    if council_id not in still_counted(
        session, definition, {council_id: (version, len(whole))}, totals
    ):
        return None
    return counts, bases, keys


def _council_responses(definition: SurveyDefinition, council_id: int, *columns: Any) -> Select[Any]:
    return responses_query(definition, [council_id], EVERYTHING, None, *columns)


def responses_per_month(
    session: Session, definition: SurveyDefinition, groups: Mapping[int, Collection[int]]
) -> tuple[Counter[str], Counter[str]]:
    """Counted responses per month ("YYYY-MM") of the published groups, by council id, and
    each month's sum of their cell keys.

    Grouped by the database where a council's rows are exactly its group (every counted
    response is one of its members, so equal numbers mean the same responses); a council whose
    group is an earlier, smaller one is counted from its members' dates.
    """
    months: Counter[str] = Counter()
    keys: Counter[str] = Counter()
    if not groups:
        return months, keys
    year = extract("year", SurveyResponse.submitted_on)
    month = extract("month", SurveyResponse.submitted_on)
    per_council: dict[int, list[tuple[str, int, int]]] = defaultdict(list)
    everyone: Counter[int] = Counter()
    for council_id, y, m, responses, counted, key_sum in session.execute(
        responses_query(
            definition,
            list(groups),
            EVERYTHING,
            None,
            Distribution.council_id,
            year,
            month,
            func.count(),
            func.sum(case((SurveyResponse.superseded.is_(True), 0), else_=1)),
            func.sum(case((SurveyResponse.superseded.is_(True), 0), else_=SurveyResponse.cell_key)),
        ).group_by(Distribution.council_id, year, month)
    ):
        label = f"{int(y):04d}-{int(m):02d}"
        per_council[council_id].append((label, int(counted or 0), int(key_sum or 0)))
        everyone[council_id] += int(responses)
    for council_id, members in groups.items():
        if everyone[council_id] == len(members):
            for label, counted, key_sum in per_council[council_id]:
                if counted:
                    months[label] += counted
                    keys[label] += key_sum
            continue
        for response_id, day, replaced, key in session.execute(
            _council_responses(
                definition,
                council_id,
                SurveyResponse.id,
                SurveyResponse.submitted_on,
                SurveyResponse.superseded,
                SurveyResponse.cell_key,
            ).execution_options(yield_per=BATCH)
        ):
            if not replaced and response_id in members:
                months[f"{day:%Y-%m}"] += 1
                keys[f"{day:%Y-%m}"] += key
    return months, keys
