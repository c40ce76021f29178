"""prepost.csv: how practitioners' ratings changed, per council (and the region) and item.

The figures come from `analysis.prepost` (pairing) and `analysis.paired` (the statistics); this
module decides what of them may leave the service, through `privacy.disclosure`:

- Each council's group is the same set of responses its counts download is about (all of the
  survey's counted responses in that council), so publishing both is a repeat, never a
  difference. It is checked against what was published before and recorded like any download.
- A council, or an item, with fewer pairs than the minimum base shows nothing but that it is too
  small. Pairs and the improved / same / worse counts are protected like any counts (1 to 7
  hidden, the rest rounded, one more hidden where the total would give a hidden one away); the
  medians, shift, interval, p-value and effect size are worked out from the exact figures.
- Answers that could not be paired are compared as two separate groups (`unpaired_rows`), each
  side shown only at or above the minimum base.
- The look-back items ("how would you now rate yourself before the programme?") are compared
  with the same people's meeting-one ratings, as response shift rows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..analysis.paired import PairedChange, UnpairedComparison
from ..analysis.prepost import (
    WaveAnswer,
    item_results,
    rated_items,
    retrospective_items,
    unpaired_results,
)
from ..definitions.model import SurveyDefinition
from ..models import Distribution, Response
from ..privacy.disclosure import (
    DisclosureRules,
    PublishedGroup,
    QuestionCounts,
    notes,
    protect_question,
    settle_group,
)
from ..privacy.disclosure.cells import CellRecord, clashing_options, shown_cells
from ..privacy.disclosure.differencing import overlapping_records
from ..privacy.disclosure.ledger import lock_publishing, published_groups, record_publications
from ..privacy.disclosure.members import union_of
from .groups import CouncilGroup, GroupFilter, councils_for, requested_groups, settle_groups
from .problems import FilterError, Refused

PREPOST_COLUMNS = [
    "council",
    "item",
    "pairs",
    "median_before",
    "median_after",
    "improved",
    "same",
    "worse",
    "hl_shift",
    "ci_low",
    "ci_high",
    "wilcoxon_p",
    "rank_biserial",
    "note",
]
UNPAIRED_COLUMNS = [
    "council",
    "item",
    "responses_before",
    "responses_after",
    "median_before",
    "median_after",
    "mann_whitney_p",
    "note",
]
CHANGE_PARTS = ("improved", "same", "worse")
RESPONSE_SHIFT = (
    "response shift: 'before' is the rating given at {first}, 'after' the rating the same "
    "people gave their earlier selves looking back at {last}"
)
TOO_SMALL = "too small: fewer than {minimum} {what}, so nothing is shown"
NO_WAVES = (
    "This survey has no waves (meeting one and a later meeting), so there is nothing to pair."
)


@dataclass(frozen=True)
class ChangeRow:
    """One item's change in one group, as it may be published."""

    group: str
    item: str
    kind: str  # "change" or "response_shift"
    shown: bool
    pairs: int | str
    median_before: float | None
    median_after: float | None
    improved: int | str
    same: int | str
    worse: int | str
    change: PairedChange | None
    note: str

    def cells(self) -> list[object]:
        change = self.change if self.shown else None
        return [
            self.group,
            self.item,
            self.pairs,
            _number(self.median_before),
            _number(self.median_after),
            self.improved,
            self.same,
            self.worse,
            _number(change.hodges_lehmann if change else None),
            _number(change.interval_low if change else None),
            _number(change.interval_high if change else None),
            _p(change.p_value if change else None),
            _number(change.rank_biserial if change else None, 3),
            self.note,
        ]


@dataclass(frozen=True)
class UnpairedRow:
    """One item's unpaired answers in one group, as they may be published."""

    group: str
    item: str
    shown: bool
    responses_before: int | str
    responses_after: int | str
    comparison: UnpairedComparison | None
    note: str

    def cells(self) -> list[object]:
        comparison = self.comparison if self.shown else None
        return [
            self.group,
            self.item,
            self.responses_before,
            self.responses_after,
            _number(comparison.median_before if comparison else None),
            _number(comparison.median_after if comparison else None),
            _p(comparison.p_value if comparison else None),
            self.note,
        ]


@dataclass(frozen=True)
class GroupAnswers:
    """One published group (a council or the region) and its current wave answers."""

    label: str
    members: frozenset[int]
    answers: tuple[WaveAnswer, ...]
    ids: tuple[int, ...]  # the response id of each answer, in the same order
    shown: bool
    held_back: int = 0


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
) -> PublishedPrepost:
    """Check, work out and record the before/after results a user asked for; the caller
    commits. Raises FilterError, UnknownGroup or Refused, having recorded nothing."""
    if len(definition.waves) < 2:
        raise FilterError(NO_WAVES)
    if chosen.distribution is not None:
        raise FilterError(
            "Before and after compares two waves, each with its own links: choose a council "
            "or dates, not one distribution."
        )
    rules = DisclosureRules.of(definition)
    lock_publishing(session, definition.id)
    visible = None if council_ids is None else list(council_ids)
    councils, _ = councils_for(session, definition, visible, chosen)
    groups = requested_groups(session, definition, councils, chosen, None)
    earlier = published_groups(session, definition.id)
    scope = f"{chosen.describe()} (before and after)"
    groups = settle_groups(groups, earlier, rules, scope)
    answers = _wave_answers(session, definition, groups)

    published: list[GroupAnswers] = []
    for group in groups:
        shown = len(group.members) >= rules.minimum_base
        members = group.members if shown else group.requested
        ids, found = answers.get(group.council_id, ((), ()))
        kept = [(i, a) for i, a in zip(ids, found, strict=True) if i in members]
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
    region_wanted = visible is None and chosen.council is None and shown_groups
    if region_wanted:
        published.append(_region(shown_groups, earlier, rules, scope))
    changes: list[ChangeRow] = []
    unpaired: list[UnpairedRow] = []
    recorded: dict[str, CellRecord] = {}
    for group in published:
        cells: CellRecord = {}
        records = overlapping_records(group.members, earlier)
        changes.extend(_change_rows(definition, group, rules, records, cells))
        unpaired.extend(_unpaired_rows(definition, group, rules))
        recorded[group.label] = cells
    # Only now that every group has passed: a refusal above has recorded nothing.
    record_publications(
        session,
        definition.id,
        requested_by_id,
        [
            (group.members, f"{group.label}, {scope}", recorded[group.label])
            for group in published
            if group.shown
        ],
    )
    return PublishedPrepost(definition, rules, tuple(published), tuple(changes), tuple(unpaired))


def _wave_answers(
    session: Session, definition: SurveyDefinition, groups: Sequence[CouncilGroup]
) -> dict[int, tuple[tuple[int, ...], tuple[WaveAnswer, ...]]]:
    """Each council's current (not superseded) answers with their response ids, oldest first."""
    wanted = {group.council_id: group.name for group in groups}
    found: dict[int, tuple[list[int], list[WaveAnswer]]] = defaultdict(lambda: ([], []))
    if not wanted:
        return {}
    query = (
        select(
            Response.id,
            Distribution.council_id,
            Response.wave,
            Response.link_hash,
            Response.self_link_hash,
            Response.answers,
        )
        .join(Distribution, Response.distribution_id == Distribution.id)
        .where(
            Distribution.survey_id == definition.id,
            Distribution.council_id.in_(list(wanted)),
            Response.aggregated.is_(True),
            Response.superseded.is_(False),
        )
        .order_by(Response.id)
    )
    for response_id, council_id, wave, link_hash, self_link_hash, given in session.execute(query):
        ids, answers = found[council_id]
        ids.append(response_id)
        answers.append(WaveAnswer(wanted[council_id], wave, link_hash, self_link_hash, given))
    return {council: (tuple(ids), tuple(a)) for council, (ids, a) in found.items()}


def _region(
    shown: Sequence[GroupAnswers],
    earlier: list[PublishedGroup],
    rules: DisclosureRules,
    scope: str,
) -> GroupAnswers:
    """The region: every council shown, together (never holding back on its own)."""
    members = union_of(group.members for group in shown)
    described = f"{notes.REGION}, {scope}"
    settlement = settle_group(members, described, earlier, rules, hold_back_new=False)
    if settlement.conflict is not None:
        raise Refused(settlement.conflict, rules)
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


def _change_rows(
    definition: SurveyDefinition,
    group: GroupAnswers,
    rules: DisclosureRules,
    records: Sequence[CellRecord] = (),
    cells: CellRecord | None = None,
) -> Iterator[ChangeRow]:
    """The group's rows; `records` are earlier tables about overlapping groups (their counts
    must not differ from these by a small number), and `cells` collects what this one shows."""
    first, last = definition.waves[0], definition.waves[-1]
    shift_note = RESPONSE_SHIFT.format(first=first.label.en, last=last.label.en)
    if not group.shown:
        note = TOO_SMALL.format(minimum=rules.minimum_base, what="responses in this council")
        for item in rated_items(definition):
            yield _withheld_change(group.label, item.id, "change", note)
        for item in retrospective_items(definition):
            yield _withheld_change(group.label, item.id, "response_shift", f"{shift_note}; {note}")
        return
    held = f"; {notes.HELD_BACK}" if group.held_back else ""
    # item_results names the look-back rows by the item they look back on: name them by the
    # look-back question, so the two kinds of row never share an item id.
    looks_back = {item.retrospective_of: item.id for item in retrospective_items(definition)}
    # One group, paired within itself (the region pairs across its councils).
    answers = [replace(answer, council=group.label) for answer in group.answers]
    for result in item_results(definition, answers, include_region=False):
        change = result.change
        kind = result.kind
        item = looks_back[result.item] if kind == "response_shift" else result.item
        prefix = f"{shift_note}; " if kind == "response_shift" else ""
        if change.pairs < rules.minimum_base:
            note = TOO_SMALL.format(minimum=rules.minimum_base, what="pairs")
            yield _withheld_change(group.label, item, kind, f"{prefix}{note}")
            continue
        counted = QuestionCounts(
            f"{kind}:{item}",  # never the same name as a question's own counts
            CHANGE_PARTS,
            {"improved": change.improved, "same": change.same, "worse": change.worse},
            change.pairs,
        )
        protected = protect_question(
            counted, rules, forced=clashing_options(counted, records, rules)
        )
        if cells is not None:
            cells.update(shown_cells([counted], [protected]))
        parts: dict[str, int | str] = {}
        codes: list[str] = []
        for cell in protected.cells:
            parts[cell.option] = cell.count
            if cell.note:
                codes.append(cell.note)
        if protected.withheld:
            parts = {part: notes.NOT_SHOWN for part in CHANGE_PARTS}
            codes.append(protected.withheld)
        words = [w for w in (prefix.rstrip("; "), change.note or "") if w]
        words += list(dict.fromkeys(codes))
        yield ChangeRow(
            group.label,
            item,
            kind,
            True,
            rules.rounded(change.pairs),
            change.median_before,
            change.median_after,
            parts["improved"],
            parts["same"],
            parts["worse"],
            change,
            "; ".join(words) + held,
        )


def _withheld_change(group: str, item: str, kind: str, note: str) -> ChangeRow:
    x = notes.NOT_SHOWN
    return ChangeRow(group, item, kind, False, x, None, None, x, x, x, None, note)


def _unpaired_rows(
    definition: SurveyDefinition, group: GroupAnswers, rules: DisclosureRules
) -> Iterator[UnpairedRow]:
    x = notes.NOT_SHOWN
    if not group.shown:
        note = TOO_SMALL.format(minimum=rules.minimum_base, what="responses in this council")
        for item in rated_items(definition):
            yield UnpairedRow(group.label, item.id, False, x, x, None, note)
        return
    for item, comparison in unpaired_results(definition, group.answers):
        sides = (comparison.responses_before, comparison.responses_after)
        if min(sides) < rules.minimum_base:
            note = TOO_SMALL.format(
                minimum=rules.minimum_base, what="unpaired answers on each side"
            )
            yield UnpairedRow(group.label, item, False, x, x, None, note)
            continue
        yield UnpairedRow(
            group.label,
            item,
            True,
            rules.rounded(comparison.responses_before),
            rules.rounded(comparison.responses_after),
            comparison,
            comparison.note,
        )


def _number(value: Any, digits: int = 2) -> int | float | str:
    """A figure as a number (so spreadsheets read it as one): whole numbers without decimals,
    others rounded to `digits` places; blank when there is none."""
    if value is None:
        return ""
    value = float(value)
    if value.is_integer():
        return int(value)
    return round(value, digits)


def _p(value: float | None) -> float | str:
    """A p-value to 4 significant figures (never shown as a bare 0)."""
    if value is None:
        return ""
    if value < 0.0001:
        return "<0.0001"
    return float(f"{value:.4g}")


def method_notes(definition: SurveyDefinition, rules: DisclosureRules) -> tuple[str, ...]:
    """What each column means and how it was worked out, for the page and spreadsheet."""
    first, last = definition.waves[0].label.en, definition.waves[-1].label.en
    return (
        f"pairs: people who answered at both {first} and {last} with the same personal code "
        "(or, without one, the same self-made code), and rated the item both times; rounded "
        f"to the nearest {rules.round_to}.",
        f"median_before / median_after: the middle rating at {first} and at {last} of the "
        "same people.",
        "improved / same / worse: how many of them rated themselves higher, the same or lower "
        f"at {last} (counts protected like every other count).",
        "hl_shift: the Hodges-Lehmann estimate of the typical change (after minus before, in "
        "rating points), with its 95% confidence interval from ci_low to ci_high.",
        "wilcoxon_p: two-sided Wilcoxon signed-rank test (exact; people whose rating did not "
        "change are handled by Pratt's method). Blank with 5 or fewer pairs: too few to test.",
        "rank_biserial: matched-pairs rank-biserial correlation, from -1 (every change was "
        "down) to 1 (every change was up).",
        "Not paired: answers from people who could not be paired, compared as two separate "
        "groups with a two-sided Mann-Whitney test. It cannot show change in the same people.",
    )
