"""Pairing meeting one with meeting four, and the per-item results for each council and region.

Pairing uses the keyed hash of the personal code first; people who did not give a code at both
waves are paired by their self-generated code when it is unique on both sides (a self-code shared
by two people pairs nobody, rather than the wrong people). Superseded answers (an earlier answer
to the same wave with the same code) are never used.

Across publication periods: a pair belongs to the closed period in which its later (last-wave)
answer was sent, and pairs with the same code's first-wave answer from that period or any
earlier one. The earlier answers are passed in `carried` (see `WaveAnswer.carried`): they are
used only as the "before" side of a pair, and never counted in the period as answers of their
own (not as unpaired answers either), as they are already in an earlier period's tables.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..definitions.model import SCALE, Question, SurveyDefinition
from .paired import PairedChange, UnpairedComparison, paired_change, response_shift
from .paired import unpaired_comparison as compare_unpaired

REGION = "Region (all councils)"


@dataclass(frozen=True)
class WaveAnswer:
    """One practitioner's answers at one wave, with the hashes that link them."""

    council: str
    wave: str
    link_hash: str | None
    self_link_hash: str | None
    answers: dict[str, Any]
    # A first-wave answer sent in an earlier, closed period than the one being published: it
    # can be the "before" of a pair whose later answer is in this period, and is otherwise left
    # out (it is counted in its own period).
    carried: bool = False
    # The response's secret cell key (never shown): counts of pairs are perturbed by keys made
    # from both answers' keys (`privacy.disclosure.pair_cell_key`).
    cell_key: int = 0


@dataclass(frozen=True)
class RatedPair:
    """One person's two ratings of an item, in the order they are compared (the change is
    `second - first`), with the secret keys of the two answers they come from."""

    first: float
    second: float
    first_key: int
    second_key: int


@dataclass(frozen=True)
class Pairing:
    pairs: tuple[tuple[WaveAnswer, WaveAnswer], ...]
    unpaired_before: tuple[WaveAnswer, ...]
    unpaired_after: tuple[WaveAnswer, ...]


@dataclass(frozen=True)
class ItemResult:
    """The before/after result for one item in one group (a council or the region)."""

    group: str
    item: str
    change: PairedChange
    kind: str = "change"  # or "response_shift"
    # The pairs behind `change`, for counts that must be protected pair by pair.
    rated: tuple[RatedPair, ...] = ()


def pair_waves(answers: Sequence[WaveAnswer], first: str, last: str) -> Pairing:
    """Match each person's first-wave answer with their last-wave answer (a carried first-wave
    answer, from an earlier period, only as the before of a pair: never left over unpaired)."""
    before = [a for a in answers if a.wave == first]
    after = [a for a in answers if a.wave == last and not a.carried]
    # Latest wins if the same code answered twice (the worker supersedes within a period; an
    # answer of an earlier period stays in that period's tables, and the later one pairs).
    by_code = {a.link_hash: a for a in before if a.link_hash}
    pairs: list[tuple[WaveAnswer, WaveAnswer]] = []
    used_before: set[int] = set()
    left_after: list[WaveAnswer] = []
    for answer in after:
        match = by_code.get(answer.link_hash) if answer.link_hash else None
        if match is not None and id(match) not in used_before:
            pairs.append((match, answer))
            used_before.add(id(match))
        else:
            left_after.append(answer)
    left_before = [a for a in before if id(a) not in used_before]
    before_by_self = _unique_by_self_code(left_before)
    after_by_self = _unique_by_self_code(left_after)
    for code, answer in after_by_self.items():
        match = before_by_self.get(code)
        if match is not None:
            pairs.append((match, answer))
            used_before.add(id(match))
            left_after.remove(answer)
    return Pairing(
        tuple(pairs),
        tuple(a for a in before if id(a) not in used_before and not a.carried),
        tuple(left_after),
    )


def _unique_by_self_code(answers: Sequence[WaveAnswer]) -> dict[str, WaveAnswer]:
    groups: dict[str, list[WaveAnswer]] = defaultdict(list)
    for answer in answers:
        if answer.self_link_hash:
            groups[answer.self_link_hash].append(answer)
    return {code: found[0] for code, found in groups.items() if len(found) == 1}


def rated_items(definition: SurveyDefinition) -> list[Question]:
    """Scale items asked at every wave: the ones that can change."""
    return [
        question
        for question in definition.questions
        if question.kind == SCALE and not question.waves and not question.retrospective_of
    ]


def retrospective_items(definition: SurveyDefinition) -> list[Question]:
    return [question for question in definition.questions if question.retrospective_of]


def _rating(answers: dict[str, Any], item: str) -> float | None:
    value = answers.get(item)
    try:
        return float(value) if value is not None else None
    except (TypeError, ValueError):
        return None  # "I'd rather not say" and the like are not ratings


def item_results(
    definition: SurveyDefinition, answers: Sequence[WaveAnswer], include_region: bool
) -> list[ItemResult]:
    """Per council (and the region, when allowed), per item: the paired change; then the
    response shift of each look-back item."""
    if len(definition.waves) < 2:
        return []
    first, last = definition.waves[0].id, definition.waves[-1].id
    groups: dict[str, list[WaveAnswer]] = defaultdict(list)
    for answer in answers:
        groups[answer.council].append(answer)
    ordered = sorted(groups.items())
    if include_region:
        ordered.append((REGION, list(answers)))
    results: list[ItemResult] = []
    for group, members in ordered:
        pairing = pair_waves(members, first, last)
        for item in rated_items(definition):
            rated = _paired_ratings(pairing, item.id, item.id)
            before, after = [r.first for r in rated], [r.second for r in rated]
            results.append(ItemResult(group, item.id, paired_change(before, after), rated=rated))
        for look_back in retrospective_items(definition):
            assert look_back.retrospective_of is not None
            rated = _paired_ratings(pairing, look_back.retrospective_of, look_back.id)
            then, now_looking_back = [r.first for r in rated], [r.second for r in rated]
            results.append(
                ItemResult(
                    group,
                    look_back.retrospective_of,
                    response_shift(now_looking_back, then),
                    kind="response_shift",
                    rated=rated,
                )
            )
    return results


def _paired_ratings(pairing: Pairing, before_item: str, after_item: str) -> tuple[RatedPair, ...]:
    rated = []
    for first, last in pairing.pairs:
        rated_then, rated_now = (
            _rating(first.answers, before_item),
            _rating(last.answers, after_item),
        )
        if rated_then is not None and rated_now is not None:
            rated.append(RatedPair(rated_then, rated_now, first.cell_key, last.cell_key))
    return tuple(rated)


def unpaired_results(
    definition: SurveyDefinition, answers: Sequence[WaveAnswer]
) -> list[tuple[str, UnpairedComparison]]:
    """For answers that could not be paired: the two waves compared as separate groups."""
    if len(definition.waves) < 2:
        return []
    pairing = pair_waves(answers, definition.waves[0].id, definition.waves[-1].id)
    results = []
    for item in rated_items(definition):
        before = [r for a in pairing.unpaired_before if (r := _rating(a.answers, item.id))]
        after = [r for a in pairing.unpaired_after if (r := _rating(a.answers, item.id))]
        results.append((item.id, compare_unpaired(before, after)))
    return results
