"""prepost.csv: how practitioners' ratings changed, per council (and the region) and item.

The figures come from `analysis.prepost` (pairing) and `analysis.paired` (the statistics); what
of them may leave the service is decided in the output's unit of work (`privacy.disclosure`),
and the rows are shaped in `prepost_rows`:

- Each council's group is the same set of responses its counts download is about (the
  survey's counted responses in that council in one closed period), so publishing both is a
  repeat, never a difference. It is checked against what was published before and recorded
  like any download.
- A pair belongs to the closed period in which its later (last-wave) answer was sent, and pairs
  with the same code's first-wave answer from that period or any earlier one (not one counted
  late, which is in no period). So a programme whose meeting one and meeting four straddle
  two quarters shows its pairs in the later quarter. The earlier answer is already in a
  closed, published period: only its rating is read, it is not a member of the later group
  and not counted again there (not as an unpaired answer either), so the later period's
  tables differ from nothing already published by it.
- A council with fewer responses than the minimum base, or an item with fewer pairs once
  perturbed, shows nothing but that it is too small. Pairs and the improved / same / worse
  counts are cell-keyed like any counts (each pair's key made from its two answers' keys,
  perturbed, 1 to 7 hidden, the rest rounded); the statistics are worked out from perturbed
  counts only, never the exact ratings (`prepost_rows`).
- Answers that could not be paired are compared as two separate groups (`unpaired_rows`), each
  side shown only at or above the minimum base.
- The look-back items ("how would you now rate yourself before the programme?") are compared
  with the same people's meeting-one ratings, as response shift rows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..analysis.prepost import WaveAnswer
from ..definitions.model import SurveyDefinition
from ..models import Distribution, SurveyResponse
from ..periods import Period
from ..privacy.disclosure import (
    Audit,
    DisclosureRules,
    Publishing,
    notes,
    publishing,
    union_of,
)
from .groups import CouncilGroup, GroupFilter, requested_download
from .prepost_rows import ChangeRow, GroupAnswers, UnpairedRow, change_rows, unpaired_rows
from .problems import FilterError, Refused

NO_WAVES = (
    "This survey has no waves (meeting one and a later meeting), so there is nothing to pair."
)


@dataclass(frozen=True)
class PublishedPrepost:
    definition: SurveyDefinition
    rules: DisclosureRules
    groups: tuple[GroupAnswers, ...]
    changes: tuple[ChangeRow, ...]
    unpaired: tuple[UnpairedRow, ...]

    def change_rows(self, kind: str | None = None) -> Iterator[list[object]]:
        for row in self.changes:
            if kind is None or row.kind == kind:
                yield row.cells()

    def unpaired_rows(self) -> Iterator[list[object]]:
        for row in self.unpaired:
            yield row.cells()


def publish_prepost(
    session: Session,
    definition: SurveyDefinition,
    council_ids: Iterable[int] | None,
    chosen: GroupFilter,
    requested_by_id: int | None,
    *,
    audit: Audit | None = None,
) -> PublishedPrepost:
    """Check, work out and record the before/after results a user asked for; the caller
    commits. Raises FilterError, UnknownGroup or Refused, having recorded nothing."""
    rules = DisclosureRules.of(definition)
    with publishing(session, definition.id, rules, requested_by_id, audit=audit) as unit:
        return prepost_results(unit, definition, council_ids, chosen)


def prepost_results(
    unit: Publishing,
    definition: SurveyDefinition,
    council_ids: Iterable[int] | None,
    chosen: GroupFilter,
) -> PublishedPrepost:
    """The before/after results, settled and protected in an open unit of work (which records
    them when it closes)."""
    if len(definition.waves) < 2:
        raise FilterError(NO_WAVES)
    if chosen.distribution is not None:
        raise FilterError(
            "Before and after compares two waves, each with its own links: choose a council "
            "or dates, not one distribution."
        )
    rules = unit.rules
    visible = None if council_ids is None else list(council_ids)
    scope = f"{chosen.describe_period(definition.publication)} (before and after)"
    groups, _ = requested_download(unit, definition, visible, chosen, scope)
    period = chosen.period(definition.publication)
    answers = _wave_answers(unit.session, definition, groups, period)

    published: list[GroupAnswers] = []
    for group in groups:
        shown = len(group.members) >= rules.minimum_base
        members = group.members if shown else group.requested
        ids, found = answers.get(group.council_id, ((), ()))
        # This period's answers, and earlier periods' first-wave answers to pair with.
        kept = [(i, a) for i, a in zip(ids, found, strict=True) if i in members or a.carried]
        published.append(
            GroupAnswers(
                group.name,
                group.members,
                tuple(a for _, a in kept),
                tuple(i for i, _ in kept),
                shown,
                group.settlement.held_back,
            )
        )
    shown_groups = [group for group in published if group.shown]
    if visible is None and chosen.council is None and shown_groups:
        published.append(_region(unit, shown_groups, scope))
    changes: list[ChangeRow] = []
    unpaired: list[UnpairedRow] = []
    for answered in published:
        protect = partial(unit.protect_tables, answered.members, f"{answered.label}, {scope}")
        changes.extend(change_rows(definition, answered, rules, protect))
        unpaired.extend(unpaired_rows(definition, answered, rules))
    return PublishedPrepost(definition, rules, tuple(published), tuple(changes), tuple(unpaired))


def _wave_answers(
    session: Session,
    definition: SurveyDefinition,
    groups: Sequence[CouncilGroup],
    period: Period,
) -> dict[int, tuple[tuple[int, ...], tuple[WaveAnswer, ...]]]:
    """Each council's current (not superseded) answers with their response ids, oldest first:
    those of `period` and before, none counted late; first-wave answers of an earlier period
    marked `carried` (the before of a pair whose later answer is in this period), the rest of
    earlier periods left out."""
    wanted = {group.council_id: group.name for group in groups}
    found: dict[int, tuple[list[int], list[WaveAnswer]]] = defaultdict(lambda: ([], []))
    if not wanted:
        return {}
    first = definition.waves[0].id
    periods: dict[str, Period] = {}
    query = (
        select(
            SurveyResponse.id,
            Distribution.council_id,
            SurveyResponse.wave,
            SurveyResponse.link_hash,
            SurveyResponse.self_link_hash,
            SurveyResponse.answers,
            SurveyResponse.period,
            SurveyResponse.cell_key,
        )
        .join(Distribution, SurveyResponse.distribution_id == Distribution.id)
        .where(
            Distribution.survey_id == definition.id,
            Distribution.council_id.in_(list(wanted)),
            SurveyResponse.aggregated.is_(True),
            SurveyResponse.superseded.is_(False),
            SurveyResponse.late.is_(False),
        )
        .order_by(SurveyResponse.id)
    )
    for row in session.execute(query):
        response_id, council_id, wave, link_hash, self_link_hash, given, key, cell_key = row
        sent_in = periods.get(key) or periods.setdefault(key, Period.parse(key))
        if sent_in.end >= period.start:
            if sent_in != period:
                continue  # a later period (or one that overlaps: never expected)
            carried = False
        elif wave == first:
            carried = True
        else:
            continue
        ids, answers = found[council_id]
        ids.append(response_id)
        answers.append(
            WaveAnswer(
                wanted[council_id], wave, link_hash, self_link_hash, given, carried, cell_key
            )
        )
    return {council: (tuple(ids), tuple(a)) for council, (ids, a) in found.items()}


def _region(unit: Publishing, shown: Sequence[GroupAnswers], scope: str) -> GroupAnswers:
    """The region: every council shown, together (never holding back on its own)."""
    members = union_of(group.members for group in shown)
    settlement = unit.settle(members, f"{notes.REGION}, {scope}", hold_back_new=False)
    if settlement.conflict is not None:
        raise Refused(settlement.conflict, unit.rules)
    answers = [
        (response_id, answer)
        for group in shown
        for response_id, answer in zip(group.ids, group.answers, strict=True)
    ]
    answers.sort(key=lambda pair: pair[0])
    return GroupAnswers(
        notes.REGION,
        members,
        tuple(a for _, a in answers),
        tuple(i for i, _ in answers),
        True,
        sum(group.held_back for group in shown),
    )
