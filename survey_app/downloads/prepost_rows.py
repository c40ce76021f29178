"""The rows of prepost.csv, as they may be published: one item's change in the same people,
or its unpaired comparison, in one group; and what each column means.

Counts: each pair (two answers of one person) has a secret key, a hash of its two answers'
keys (`privacy.disclosure.pair_cell_key`); pairs and improved / same / worse are perturbed by
their pairs' keys like every other count (`change_counts`, protected in the output's unit of
work), and an item is withheld on its perturbed pairs.

Statistics: worked out from the exact pairs, the medians, shift, interval, p-value and effect
size pin down the split of improved / same / worse (issue 10, attack 4: exactly one split fits)
and would undo the perturbation of every count they rest on, to an insider who sent some of
the pairs above all (30 known pairs and the exact medians give away a 31st person's ratings).
Hiding them where a count is hidden, or rounding them, leaves that open. So they are worked
out from perturbed counts only (`perturbed_change`): how many pairs changed by each amount and
gave each rating, each count perturbed by its pairs' keys and never shown. Every statistic is
a function of perturbed counts and tells no more than they would, so it is shown wherever the
item's pairs are, whether or not a count is shown as `c`. The cost: the statistics describe
the perturbed pairs (a perturbed empty cell adds changes nobody made), so they are rougher
for small groups; the method notes and README say so.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any

from ..analysis.paired import PairedChange, UnpairedComparison, paired_change
from ..analysis.prepost import (
    RatedPair,
    WaveAnswer,
    item_results,
    rated_items,
    retrospective_items,
    unpaired_results,
)
from ..definitions.model import SurveyDefinition
from ..privacy.disclosure import (
    DisclosureRules,
    PublishedQuestion,
    QuestionCounts,
    cell_key,
    notes,
    pair_cell_key,
    perturbed_counts,
)

# Protects one group's tables in the output's unit of work (`Publishing.protect_tables`).
ProtectTables = Callable[[Sequence[QuestionCounts]], list[PublishedQuestion]]

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
# The columns in words, for spreadsheets and reports (the CSV keeps the ids: scripts read them).
COLUMN_WORDS = {
    "council": "Council",
    "item": "Question",
    "pairs": "Pairs",
    "median_before": "Middle rating before",
    "median_after": "Middle rating after",
    "improved": "Rated higher",
    "same": "Rated the same",
    "worse": "Rated lower",
    "hl_shift": "Typical change",
    "ci_low": "95% CI from",
    "ci_high": "95% CI to",
    "wilcoxon_p": "p-value (Wilcoxon)",
    "rank_biserial": "Effect size",
    "note": "Notes",
    "responses_before": "Answers before",
    "responses_after": "Answers after",
    "mann_whitney_p": "p-value (Mann-Whitney)",
}
CHANGE_PARTS = ("improved", "same", "worse")
RESPONSE_SHIFT = (
    "response shift: 'before' is the rating given at {first}, 'after' the rating the same "
    "people gave their earlier selves looking back at {last}"
)
TOO_SMALL = "too small: fewer than {minimum} {what}, so nothing is shown"


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
class ChangeRow:
    """One item's change in one group, as it may be published."""

    group: str
    item: str
    kind: str  # "change" or "response_shift"
    shown: bool  # the statistics are shown (every count they rest on is shown)
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


def change_rows(
    definition: SurveyDefinition,
    group: GroupAnswers,
    rules: DisclosureRules,
    protect: ProtectTables,
) -> list[ChangeRow]:
    """The group's rows. `protect` protects the improved / same / worse counts of every item
    with pairs, together, in the output's unit of work (which records what they show)."""
    first, last = definition.waves[0], definition.waves[-1]
    shift_note = RESPONSE_SHIFT.format(first=first.label.en, last=last.label.en)
    if not group.shown:
        note = TOO_SMALL.format(minimum=rules.minimum_base, what="responses in this council")
        return [
            *(
                _withheld_change(group.label, item.id, "change", note)
                for item in rated_items(definition)
            ),
            *(
                _withheld_change(group.label, item.id, "response_shift", f"{shift_note}; {note}")
                for item in retrospective_items(definition)
            ),
        ]
    held = f"; {notes.HELD_BACK}" if group.held_back else ""
    # item_results names the look-back rows by the item they look back on: name them by the
    # look-back question, so the two kinds of row never share an item id.
    looks_back = {item.retrospective_of: item.id for item in retrospective_items(definition)}
    # One group, paired within itself (the region pairs across its councils).
    answers = [replace(answer, council=group.label) for answer in group.answers]
    results = []
    for result in item_results(definition, answers, include_region=False):
        kind = result.kind
        item = looks_back[result.item] if kind == "response_shift" else result.item
        prefix = f"{shift_note}; " if kind == "response_shift" else ""
        results.append((item, kind, prefix, result.rated))
    # Whether an item is shown is decided on its perturbed pairs (`protect`), never on its
    # exact ones: nine pairs sent in would otherwise tell whether a tenth person rated it.
    # An item nobody rated twice has nothing to perturb (its count of 0 pairs is withheld
    # either way).
    counted = [(item, kind, rated) for item, kind, _, rated in results if rated]
    protected = dict(
        zip(
            [(item, kind) for item, kind, _ in counted],
            protect([change_counts(item, kind, rated) for item, kind, rated in counted]),
            strict=True,
        )
    )
    rows = []
    for item, kind, prefix, rated in results:
        published = protected.get((item, kind))
        if published is None:
            note = TOO_SMALL.format(minimum=rules.minimum_base, what="pairs")
            rows.append(_withheld_change(group.label, item, kind, f"{prefix}{note}"))
            continue
        scale = _scale(definition, item)
        rows.append(
            change_row(group.label, item, kind, prefix, rated, scale, published, rules, held)
        )
    return rows


def change_counts(item: str, kind: str, rated: Sequence[RatedPair]) -> QuestionCounts:
    """An item's improved / same / worse counts over its pairs, with each cell's key made from
    its pairs' keys (`pair_cell_key`), and the pairs as the base."""
    parts: dict[str, list[int]] = {part: [] for part in CHANGE_PARTS}
    for pair in rated:
        direction = (
            "improved"
            if pair.second > pair.first
            else "worse"
            if pair.second < pair.first
            else "same"
        )
        parts[direction].append(pair_cell_key(pair.first_key, pair.second_key))
    return QuestionCounts(
        f"{kind}:{item}",  # never the same name as a question's own counts
        CHANGE_PARTS,
        {part: len(keys) for part, keys in parts.items()},
        len(rated),
        keys={part: cell_key(keys) for part, keys in parts.items() if keys},
        base_key=cell_key([key for keys in parts.values() for key in keys]),
    )


def _histogram(
    question: str, values: Sequence[tuple[float, int]], options: Sequence[float]
) -> QuestionCounts:
    """How many pairs have each value (a rating or a change), with each value's cell key."""
    keys: dict[str, list[int]] = {}
    for value, key in values:
        keys.setdefault(_label(value), []).append(key)
    labels = tuple(_label(option) for option in options)
    return QuestionCounts(
        question,
        labels,
        {label: len(found) for label, found in keys.items()},
        len(values),
        keys={label: cell_key(found) for label, found in keys.items()},
        base_key=cell_key([key for _, key in values]),
    )


def _label(value: float) -> str:
    return f"{value:g}"


def _expanded(counted: QuestionCounts) -> list[float]:
    """The values of a histogram, each as often as its (perturbed) count says."""
    return [float(option) for option in counted.options for _ in range(counted.counts[option])]


def perturbed_change(
    item: str, kind: str, rated: Sequence[RatedPair], scale: Sequence[float]
) -> PairedChange:
    """An item's statistics worked out from perturbed counts, never from exact ones.

    Three tables are counted over the pairs, each cell with its key made from its pairs'
    keys (zeros perturbed too, as in every table): how many changed by each amount (-4 to
    +4 on a 1-5 scale), how many gave each rating the first time and each the second time.
    Each is perturbed by the cell key method and never shown; the typical change, its
    interval, the p-value and the effect size are worked out from the perturbed changes as if
    they were the pairs, and the two middle ratings from the perturbed ratings. So every
    statistic is a function of perturbed counts: it can tell no more about the exact counts
    than those perturbed counts would, to a reader who knows any number of the answers.
    """
    keys = [pair_cell_key(pair.first_key, pair.second_key) for pair in rated]
    steps = sorted({b - a for a in scale for b in scale})
    changes = perturbed_counts(
        _histogram(
            f"{kind}:{item}/changes",
            [(pair.second - pair.first, key) for pair, key in zip(rated, keys, strict=True)],
            steps,
        )
    )
    firsts = perturbed_counts(
        _histogram(
            f"{kind}:{item}/first",
            [(pair.first, key) for pair, key in zip(rated, keys, strict=True)],
            scale,
        )
    )
    seconds = perturbed_counts(
        _histogram(
            f"{kind}:{item}/second",
            [(pair.second, key) for pair, key in zip(rated, keys, strict=True)],
            scale,
        )
    )
    differences = _expanded(changes)
    change = paired_change([0.0] * len(differences), differences)
    first, second = _expanded(firsts), _expanded(seconds)
    return replace(
        change,
        median_before=statistics.median(first) if first else None,
        median_after=statistics.median(second) if second else None,
    )


def _scale(definition: SurveyDefinition, item: str) -> tuple[float, ...]:
    """The ratings an item (and, for a look-back item, the item it looks back on) offers."""
    questions = {question.id: question for question in definition.questions}
    question = questions[item]
    found = set()
    for asked in (question, questions.get(question.retrospective_of or "", question)):
        for option in asked.options:
            try:
                found.add(float(option.id))
            except ValueError:
                continue  # "I'd rather not say" is not a rating
    return tuple(sorted(found))


def change_row(
    label: str,
    item: str,
    kind: str,
    prefix: str,
    rated: Sequence[RatedPair],
    scale: Sequence[float],
    protected: PublishedQuestion,
    rules: DisclosureRules,
    held: str,
) -> ChangeRow:
    """One item's row: its protected improved / same / worse and pairs, and, where the pairs
    are shown, the statistics worked out from perturbed counts (`perturbed_change`)."""
    parts: dict[str, int | str] = {}
    codes: list[str] = []
    for cell in protected.cells:
        parts[cell.option] = cell.count
        if cell.note:
            codes.append(cell.note)
    if protected.withheld:
        note = TOO_SMALL.format(minimum=rules.minimum_base, what="pairs")
        return _withheld_change(label, item, kind, f"{prefix}{note}{held}")
    change = perturbed_change(item, kind, rated, scale)
    words = [w for w in (prefix.rstrip("; "), change.note or "") if w]
    words += list(dict.fromkeys(codes))
    return ChangeRow(
        label,
        item,
        kind,
        True,
        protected.base,
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


def unpaired_rows(
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


def item_words(definition: SurveyDefinition) -> dict[str, str]:
    """Each rated item's short words, a look-back question taking its item's."""
    words = {q.id: short_label(q.text.en) for q in definition.questions}
    for question in definition.questions:
        if question.retrospective_of:
            words[question.id] = words.get(question.retrospective_of, words[question.id])
    return words


def short_label(text: str) -> str:
    """An item's words without the question's repeated opening (the chart wraps them)."""
    for prefix in ("How would you rate your ", "How would you rate "):
        if text.startswith(prefix):
            text = text[len(prefix) :]
    text = text.rstrip("?")
    return text[:1].upper() + text[1:]


def in_words(cells: Sequence[object], words: dict[str, str]) -> list[object]:
    """A row of prepost.csv for people (a spreadsheet): the item in words, not its id."""
    council, item, *rest = cells
    return [council, words.get(str(item), item), *rest]


def column_key(definition: SurveyDefinition, rules: DisclosureRules) -> tuple[tuple[str, str], ...]:
    """Each column's words and what it means in plain English, in column order (before/after
    columns, then the unpaired comparison's own)."""
    first, last = definition.waves[0].label.en, definition.waves[-1].label.en
    meanings = {
        "council": "The council, or the region (all councils together).",
        "item": "The question people rated themselves on.",
        "pairs": f"People who rated the question at both {first} and {last}, matched by their "
        f"personal code (with a small random change added, then rounded to the nearest "
        f"{rules.round_to}).",
        "median_before": f"The middle rating of those people at {first} (1 to 5).",
        "median_after": f"The middle rating of the same people at {last}.",
        "improved": f"How many of them rated themselves higher at {last}.",
        "same": "How many gave the same rating both times.",
        "worse": f"How many rated themselves lower at {last}.",
        "hl_shift": "The typical change for one person, in rating points (after minus before; "
        "the Hodges-Lehmann estimate). Above 0 means ratings went up.",
        "ci_low": "The lower end of the 95% confidence interval for the typical change: the "
        "change is very likely at least this.",
        "ci_high": "The upper end of that interval: the change is very likely at most this.",
        "wilcoxon_p": "How likely a change this big would be by chance if nothing had changed "
        "(Wilcoxon signed-rank test). Below 0.05 is usually taken as a real change.",
        "rank_biserial": "How one-sided the change was, from -1 (everyone who changed went "
        "down) to 1 (everyone who changed went up).",
        "note": "Anything that affects how to read the row (numbered notes in reports).",
        "responses_before": f"Answers at {first} from people who could not be paired.",
        "responses_after": f"Answers at {last} from people who could not be paired.",
        "mann_whitney_p": "How likely a difference this big between the two separate groups "
        "would be by chance (Mann-Whitney test); it says nothing about change in the same "
        "people.",
    }
    return tuple((COLUMN_WORDS[column], meanings[column]) for column in meanings)


def method_in_words(definition: SurveyDefinition) -> tuple[str, ...]:
    """How the before/after figures were worked out, for a report beside its column key (no
    column ids: a board reads words)."""
    first, last = definition.waves[0].label.en, definition.waves[-1].label.en
    return (
        f"People are paired when they answered at both {first} and {last} with the same "
        "personal code (or, without one, the same self-made code).",
        "The typical change is the Hodges-Lehmann estimate with its 95% confidence interval; "
        "the p-value is from a two-sided Wilcoxon signed-rank test (exact; people whose rating "
        "did not change are handled by Pratt's method). With 5 or fewer pairs there is no "
        "test.",
        "To keep every person unrecognisable, the middle ratings, typical change, interval, "
        "p-value and effect size are worked out from counts of the pairs' changes and ratings "
        "that each have a small random change added (as every count shown does), never from "
        "the exact ratings: worked out exactly, they would give hidden counts away. They are "
        "close to the exact figures for large groups; with fewer than about 40 pairs, read the "
        "interval and p-value as rough.",
        "Not paired: answers from people who could not be paired, compared as two separate "
        "groups with a two-sided Mann-Whitney test. It cannot show change in the same people.",
    )


def method_notes(definition: SurveyDefinition, rules: DisclosureRules) -> tuple[str, ...]:
    """What each column means and how it was worked out, for the page and spreadsheet."""
    first, last = definition.waves[0].label.en, definition.waves[-1].label.en
    return (
        f"pairs: people who answered at both {first} and {last} with the same personal code "
        "(or, without one, the same self-made code), and rated the item both times; perturbed "
        f"like every count, then rounded to the nearest {rules.round_to}.",
        f"median_before / median_after: the middle rating at {first} and at {last} of the "
        "same people.",
        "improved / same / worse: how many of them rated themselves higher, the same or lower "
        f"at {last} (counts protected like every other count: perturbed, 1-7 shown as c, "
        "rounded).",
        "hl_shift: the Hodges-Lehmann estimate of the typical change (after minus before, in "
        "rating points), with its 95% confidence interval from ci_low to ci_high.",
        "wilcoxon_p: two-sided Wilcoxon signed-rank test (exact; people whose rating did not "
        "change are handled by Pratt's method). Blank with 5 or fewer pairs: too few to test.",
        "rank_biserial: matched-pairs rank-biserial correlation, from -1 (every change was "
        "down) to 1 (every change was up).",
        "The medians, shift, interval, p-value and rank-biserial are worked out from counts "
        "of the pairs' changes and ratings perturbed by the cell key method (never shown), not "
        "from the exact ratings, which would give hidden counts away: close to the exact "
        "figures for large groups; with fewer than about 40 pairs, read ci_low, ci_high and "
        "wilcoxon_p as rough.",
        "Not paired: answers from people who could not be paired, compared as two separate "
        "groups with a two-sided Mann-Whitney test. It cannot show change in the same people.",
    )
