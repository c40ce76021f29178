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

from sqlalchemy import case, extract, func, select
from sqlalchemy.orm import Session

from ..definitions.model import SurveyDefinition
from ..downloads.counting import question_counts
from ..downloads.groups import counted_tokens, counted_versions
from ..models import AnswerCount, Distribution, DistributionTotal, QuestionBase, Response
from ..privacy.disclosure import QuestionCounts
from ..privacy.disclosure.members import MemberSet
from ..processing import answer_cells

# Rows read at a time when a group has to be counted from its members' answers.
BATCH = 1000


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
        select(Response.id, Response.age_band, Response.superseded)
        .join(Distribution, Response.distribution_id == Distribution.id)
        .where(
            Distribution.survey_id == definition.id,
            Distribution.council_id == council_id,
            Response.aggregated.is_(True),
        )
    ):
        if response_id in settled:
            members[band or ""].append(response_id)
            superseded[band or ""] += bool(replaced)
    precomputed = _band_totals(session, definition, council_id, settled)
    groups = []
    for band in definition.age_bands:
        ids = MemberSet.of(members.get(band.id, ()))
        if precomputed is not None:
            counts, bases = precomputed
            counted = [
                question_counts(
                    question,
                    counts.get((band.id, question.id), {}),
                    bases.get((band.id, question.id), 0),
                )
                for question in definition.questions
            ]
        else:
            counted = _counted_from_answers(session, definition, council_id, band.id, ids)
        groups.append(BandGroup(band.id, ids, counted, len(ids) - superseded[band.id]))
    return groups


def _band_totals(
    session: Session, definition: SurveyDefinition, council_id: int, settled: Collection[int]
) -> tuple[dict[tuple[str, str], dict[str, int]], dict[tuple[str, str], int]] | None:
    """Counts and bases per (age band, question) from the precomputed totals, or None when they
    do not count exactly the group `settled`."""
    version, whole = counted_versions(session, definition.id, [council_id]).get(
        council_id, (None, MemberSet())
    )
    if version is None or MemberSet.of(settled) != whole:
        return None
    counts: dict[tuple[str, str], dict[str, int]] = defaultdict(dict)
    for band, question_id, option, total in session.execute(
        select(
            AnswerCount.age_band,
            AnswerCount.question_id,
            AnswerCount.option,
            func.sum(AnswerCount.count),
        )
        .where(AnswerCount.survey_id == definition.id, AnswerCount.council_id == council_id)
        .group_by(AnswerCount.age_band, AnswerCount.question_id, AnswerCount.option)
    ):
        counts[(band, question_id)][option] = int(total)
    bases: dict[tuple[str, str], int] = {
        (band, question_id): int(total)
        for band, question_id, total in session.execute(
            select(QuestionBase.age_band, QuestionBase.question_id, func.sum(QuestionBase.base))
            .where(QuestionBase.survey_id == definition.id, QuestionBase.council_id == council_id)
            .group_by(QuestionBase.age_band, QuestionBase.question_id)
        )
    }
    # Read last, as `downloads.counting.group_counts` checks: nothing counted in the council
    # since its members were read (same token), and no answer of theirs replaced from another
    # council (same total).
    total = session.scalar(
        select(func.sum(DistributionTotal.responses))
        .join(Distribution, DistributionTotal.distribution_id == Distribution.id)
        .where(Distribution.survey_id == definition.id, Distribution.council_id == council_id)
    )
    unchanged = counted_tokens(session, definition.id, [council_id]).get(council_id) == version
    return (counts, bases) if unchanged and int(total or 0) == len(whole) else None


def _counted_from_answers(
    session: Session, definition: SurveyDefinition, council_id: int, band: str, ids: MemberSet
) -> list[QuestionCounts]:
    """Counts and bases of exactly these responses, from their answers (superseded left out),
    counted as the workers count."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    bases: Counter[str] = Counter()
    query = (
        select(Response.id, Response.answers, Response.superseded)
        .join(Distribution, Response.distribution_id == Distribution.id)
        .where(
            Distribution.survey_id == definition.id,
            Distribution.council_id == council_id,
            Response.age_band == band,
            Response.aggregated.is_(True),
        )
        .execution_options(yield_per=BATCH)
    )
    for response_id, answers, replaced in session.execute(query):
        if replaced or response_id not in ids:
            continue
        cells, questions = answer_cells(answers)
        for question_id, option in cells:
            counts[question_id][option] += 1
        bases.update(questions)
    return [
        question_counts(question, counts.get(question.id, {}), bases.get(question.id, 0))
        for question in definition.questions
    ]


def responses_per_month(
    session: Session, definition: SurveyDefinition, groups: Mapping[int, Collection[int]]
) -> Counter[str]:
    """Counted responses per month ("YYYY-MM") of the published groups, by council id.

    Grouped by the database where a council's rows are exactly its group (every counted
    response is one of its members, so equal numbers mean the same responses); a council whose
    group is an earlier, smaller one is counted from its members' dates.
    """
    months: Counter[str] = Counter()
    if not groups:
        return months
    year = extract("year", Response.submitted_on)
    month = extract("month", Response.submitted_on)
    per_council: dict[int, list[tuple[str, int]]] = defaultdict(list)
    everyone: Counter[int] = Counter()
    for council_id, y, m, responses, counted in session.execute(
        select(
            Distribution.council_id,
            year,
            month,
            func.count(),
            func.sum(case((Response.superseded.is_(True), 0), else_=1)),
        )
        .join(Distribution, Response.distribution_id == Distribution.id)
        .where(
            Distribution.survey_id == definition.id,
            Distribution.council_id.in_(list(groups)),
            Response.aggregated.is_(True),
        )
        .group_by(Distribution.council_id, year, month)
    ):
        per_council[council_id].append((f"{int(y):04d}-{int(m):02d}", int(counted or 0)))
        everyone[council_id] += int(responses)
    for council_id, members in groups.items():
        if everyone[council_id] == len(members):
            for label, counted in per_council[council_id]:
                if counted:
                    months[label] += counted
            continue
        for response_id, day, replaced in session.execute(
            select(Response.id, Response.submitted_on, Response.superseded)
            .join(Distribution, Response.distribution_id == Distribution.id)
            .where(
                Distribution.survey_id == definition.id,
                Distribution.council_id == council_id,
                Response.aggregated.is_(True),
            )
            .execution_options(yield_per=BATCH * 10)
        ):
            if not replaced and response_id in members:
                months[f"{day:%Y-%m}"] += 1
    return months
