"""Protecting every question of a group together, and a region row built from council rows.

Questions interact in two ways that a table on its own does not show:

- Skip logic. A question shown only after certain answers ("Why not?" after "no") has a base
  no bigger than the count of those answers, and its counts bound it from below. Where any of
  those answers' counts is hidden or not shown, the later question is not shown either
  (`FOLLOWS_HIDDEN`), whatever its own base; with cell keys only where the earlier question
  is not shown at all (every figure is perturbed, the later base too).
- The region row. Region minus the other councils is one council, so a region figure must never
  let a hidden council figure be worked out:
  * a council whose figures for a question are not shown is left out of the region's figures for
    that question (`REGION_LEAVES_OUT`), otherwise the region minus the others would show them;
  * a region count is hidden wherever any included council's count for that option is hidden.
  The published region row is then a sum of published council figures and of council totals
  that are already known, so it tells a reader nothing the council rows do not. (A joint
  suppression across councils could publish more region counts; this keeps the proof simple.)
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace

from . import notes
from .cellkey import KEY_RANGE, perturbed_counts, summed_keys
from .rules import DisclosureRules
from .tables import (
    PublishedCell,
    PublishedQuestion,
    QuestionCounts,
    protect_question,
    withheld_question,
)


@dataclass(frozen=True)
class Condition:
    """A question is asked only when `question` was answered with one of `any_of`."""

    question: str
    any_of: tuple[str, ...]


def protect_group(
    questions: Sequence[QuestionCounts],
    size: int,
    rules: DisclosureRules,
    conditions: Mapping[str, Condition] | None = None,
    forced: Mapping[str, frozenset[str]] | None = None,
    protect: Callable[..., PublishedQuestion] = protect_question,
) -> list[PublishedQuestion]:
    """Every question of one group (in survey order) in publishable form.

    size: the number of responses in the group; below the minimum base nothing is broken down.
    conditions: skip logic, by the id of the question that is asked conditionally.
    forced: options to hide per question because of tables already published (`cells`).
    protect: how one question is protected (`publishing.Protection`).
    """
    conditions = conditions or {}
    forced = forced or {}
    published: dict[str, PublishedQuestion] = {}
    result = []
    for counted in questions:
        reason = ""
        condition = conditions.get(counted.question)
        if size < rules.minimum_base:
            reason = notes.SMALL_BASE
        elif condition is not None:
            parent = published.get(condition.question)
            if parent is None or not parent.shown:
                reason = notes.FOLLOWS_HIDDEN
            elif counted.keys is None and not all(parent.publishes(o) for o in condition.any_of):
                # Exact counts: the later question's base would give the hidden ones away.
                # With cell keys that base is perturbed like any count (by the keys of the
                # same responses), so it tells no more than the parent's perturbed counts.
                reason = notes.FOLLOWS_HIDDEN
        question = protect(
            replace(counted, group_size=size),
            rules,
            withhold=reason,
            forced=forced.get(counted.question, frozenset()),
        )
        published[counted.question] = question
        result.append(question)
    return result


def merged_options(
    counts: Mapping[str, int], councils: Sequence[QuestionCounts]
) -> tuple[str, ...]:
    """The options of the councils' tables, in the order they first appear."""
    return tuple(dict.fromkeys(option for council in councils for option in council.options))


def protect_region(
    councils: Sequence[tuple[QuestionCounts, PublishedQuestion]],
    rules: DisclosureRules,
    options_of: Callable[[Mapping[str, int], Sequence[QuestionCounts]], tuple[str, ...]] = (
        merged_options
    ),
) -> tuple[QuestionCounts, PublishedQuestion]:
    """One question for the region: the sum of the councils whose figures for it are shown.

    councils: each council's exact counts and published form of this question.
    options_of: the region's options from its summed counts (e.g. the numbers seen, in order).
    Returns the region's exact counts and its published form.
    """
    if not councils:
        raise ValueError("A region needs at least one council.")
    included = [(counted, shown) for counted, shown in councils if shown.shown]
    left_out = len(included) < len(councils)
    first = councils[0][0]
    totals: Counter[str] = Counter()
    for counted, _ in included:
        totals.update({option: int(value) for option, value in counted.counts.items()})
    keys = summed_keys([counted.keys for counted, _ in included]) if included else None
    region = QuestionCounts(
        question=first.question,
        options=options_of(totals, [counted for counted, _ in councils]),
        counts=dict(totals),
        base=sum(counted.base for counted, _ in included),
        multiple=first.multiple,
        exclusive=first.exclusive,
        keys=keys,
        base_key=(
            sum(counted.base_key or 0 for counted, _ in included) % KEY_RANGE
            if keys is not None
            else None
        ),
    )
    if not included:
        return region, withheld_question(region, notes.REGION_LEAVES_OUT)
    hidden = frozenset().union(*(shown.hidden_options() for _, shown in included))
    # With cell keys the region's counts are perturbed by their own keys (the sums of the
    # councils' keys), as a table of the region's responses asked for directly would be.
    shown_form = perturbed_counts(region) if keys is not None else region
    # Each council included was shown, so the region answered by at least the minimum: a base
    # perturbed below it (down to 0 from a base of 10, rarely) is shown at the minimum, as a
    # council's is, and never divides a percentage by nothing.
    base = max(shown_form.base, rules.minimum_base)
    cells = []
    for option in region.options:
        value = int(shown_form.counts.get(option, 0))
        if option in hidden or rules.is_small(value):
            cells.append(PublishedCell(option, notes.HIDDEN, "", notes.SMALL_COUNT))
        else:
            cells.append(
                PublishedCell(
                    option,
                    rules.rounded(value),
                    rules.published_percent(value, base),
                    "",
                )
            )
    remark = notes.REGION_LEAVES_OUT if left_out else ""
    return region, PublishedQuestion(
        region.question, rules.rounded(base), tuple(cells), remark=remark
    )
