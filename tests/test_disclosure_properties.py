"""Property-based tests: over random data, nothing published reveals a count from 1 to 7.

The attacker here is independent of the code under test: it enumerates every set of counts that
fits what was published (each shown count and the base known exactly, as percentages from exact
counts nearly give them away) and asks which values a hidden count can still take.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Sequence

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from survey_app.privacy.disclosure import (
    DisclosureRules,
    PublishedGroup,
    QuestionCounts,
    footnotes,
    notes,
    protect_question,
    protect_region,
    settle_group,
)
from survey_app.privacy.disclosure.differencing import Overlap
from survey_app.privacy.disclosure.tables import hidden_cells

RULES = DisclosureRules()
SMALL = range(1, RULES.suppress_below)
CODES = {footnote.code for footnote in footnotes(RULES)}
QUICK = settings(max_examples=300, deadline=None, database=None)
SLOW = settings(max_examples=60, deadline=None, database=None)

counts = st.one_of(st.just(0), st.integers(1, 7), st.integers(8, 25), st.integers(26, 400))
small_counts = st.one_of(st.just(0), st.integers(1, 7), st.integers(8, 25))


@st.composite
def ticked(draw: st.DrawFn, max_base: int = 60) -> tuple[list[int], list[bool], int]:
    """A multiple-choice question's counts from real responses: each ticks some real options, or
    gives exactly one exclusive option ("I don't know")."""
    reals = draw(st.integers(1, 4))
    exclusives = draw(st.integers(0, 2))
    base = draw(st.integers(RULES.minimum_base, max_base))
    values = [0] * (reals + exclusives)
    for _ in range(base):
        if exclusives and draw(st.booleans()) and draw(st.booleans()):
            values[reals + draw(st.integers(0, exclusives - 1))] += 1
        else:
            chosen = draw(st.sets(st.integers(0, reals - 1), min_size=1, max_size=reals))
            for option in chosen:
                values[option] += 1
    return values, [False] * reals + [True] * exclusives, base


def single_choice(values: Sequence[int]) -> QuestionCounts:
    options = tuple(f"o{i}" for i in range(len(values)))
    return QuestionCounts("q", options, dict(zip(options, values, strict=True)), sum(values))


def multiple_choice(values: Sequence[int], exclusive: Sequence[bool], base: int) -> QuestionCounts:
    options = tuple(f"o{i}" for i in range(len(values)))
    return QuestionCounts(
        "q",
        options,
        dict(zip(options, values, strict=True)),
        base,
        multiple=True,
        exclusive=frozenset(o for o, flag in zip(options, exclusive, strict=True) if flag),
    )


def splits(total: int, parts: int) -> Iterator[tuple[int, ...]]:
    """Every way to write total as `parts` whole numbers of at least 1."""
    for cuts in itertools.combinations(range(1, total), parts - 1):
        yield tuple(b - a for a, b in zip((0, *cuts), (*cuts, total), strict=True))


def could_be_answers(values: Sequence[int], exclusive: Sequence[bool], base: int) -> bool:
    """Whether some base responses give these multiple-choice counts."""
    ticking = base - sum(v for v, flag in zip(values, exclusive, strict=True) if flag)
    reals = [v for v, flag in zip(values, exclusive, strict=True) if not flag]
    if ticking < 0:
        return False
    if ticking == 0:
        return not any(reals)
    return max(reals, default=0) <= ticking <= sum(reals)


def possible_values(
    values: list[int],
    hidden: frozenset[int],
    fits: Callable[[tuple[int, ...]], bool],
    candidates: Iterator[tuple[int, ...]],
) -> dict[int, set[int]]:
    """For each hidden position, the values it takes over the candidate counts that fit."""
    order = sorted(hidden)
    seen: dict[int, set[int]] = {i: set() for i in order}
    for guess in candidates:
        trial = list(values)
        for position, value in zip(order, guess, strict=True):
            trial[position] = value
        if fits(trial):
            for position, value in zip(order, guess, strict=True):
                seen[position].add(value)
    return seen


# Every published cell ---------------------------------------------------------------------------


@QUICK
@given(values=st.lists(counts, min_size=1, max_size=6))
def test_no_published_single_answer_count_is_from_one_to_seven(values):
    question = protect_question(single_choice(values), RULES)

    for cell, exact in zip(question.cells, values, strict=True):
        if isinstance(cell.count, int):
            assert exact == 0 or exact >= RULES.suppress_below
            assert cell.count % RULES.round_to == 0
            assert cell.count == 0 or cell.count >= RULES.minimum_base
            assert cell.percent
        else:
            assert cell.percent == ""
    if question.shown:
        assert sum(values) >= RULES.minimum_base


@QUICK
@given(question=ticked())
def test_no_published_tick_count_is_from_one_to_seven(question):
    values, exclusive, base = question
    published = protect_question(multiple_choice(values, exclusive, base), RULES)

    for cell, exact in zip(published.cells, values, strict=True):
        if isinstance(cell.count, int):
            assert exact == 0 or exact >= RULES.suppress_below


@QUICK
@given(values=st.lists(counts, min_size=1, max_size=6), question=ticked())
def test_every_hidden_or_withheld_cell_explains_itself_in_a_footnote(values, question):
    tables = [
        protect_question(single_choice(values), RULES),
        protect_question(multiple_choice(*question), RULES),
    ]

    for table in tables:
        for cell in table.cells:
            if cell.count == notes.HIDDEN:
                assert cell.note == notes.SMALL_COUNT
            elif cell.count == notes.NOT_SHOWN:
                assert cell.note == table.withheld
                assert cell.note in CODES
            else:
                assert cell.note == ""


# A reader who knows every shown count and the base ---------------------------------------------


@QUICK
@given(values=st.lists(small_counts, min_size=2, max_size=5))
def test_shown_counts_and_the_base_say_nothing_about_a_hidden_count_but_that_it_is_not_zero(
    values,
):
    hidden = hidden_cells(values, sum(values), RULES)
    assume(hidden and len(hidden) <= 4)
    total = sum(values[i] for i in hidden)

    seen = possible_values(values, hidden, lambda _: True, splits(total, len(hidden)))

    for position in hidden:
        assert set(SMALL) <= seen[position], (values, sorted(hidden), seen)


@SLOW
@given(question=ticked(max_base=20))
def test_shown_ticks_and_the_base_say_nothing_about_a_hidden_tick_count(question):
    values, exclusive, base = question
    hidden = hidden_cells(values, base, RULES, multiple=True, exclusive=exclusive)
    assume(hidden and len(hidden) <= 3)

    seen = possible_values(
        values,
        hidden,
        lambda trial: could_be_answers(trial, exclusive, base),
        itertools.product(range(1, base + 1), repeat=len(hidden)),
    )

    for position in hidden:
        assert set(SMALL) <= seen[position], (values, exclusive, base, sorted(hidden), seen)


# A reader who also knows exactly how cells are chosen -------------------------------------------


@SLOW
@given(values=st.lists(small_counts, min_size=2, max_size=5))
def test_knowing_the_rules_too_never_pins_down_a_hidden_single_answer_count(values):
    hidden = hidden_cells(values, sum(values), RULES)
    assume(hidden and len(hidden) <= 4)
    total = sum(values[i] for i in hidden)

    seen = possible_values(
        values,
        hidden,
        lambda trial: hidden_cells(trial, sum(trial), RULES) == hidden,
        splits(total, len(hidden)),
    )

    for position in hidden:
        if values[position] in SMALL:
            assert len(seen[position]) > 1, (values, sorted(hidden), seen)


@SLOW
@given(question=ticked(max_base=20))
def test_knowing_the_rules_too_never_pins_down_a_hidden_tick_count(question):
    values, exclusive, base = question
    hidden = hidden_cells(values, base, RULES, multiple=True, exclusive=exclusive)
    assume(hidden and len(hidden) <= 3)

    def fits(trial: list[int]) -> bool:
        return could_be_answers(trial, exclusive, base) and (
            hidden_cells(trial, base, RULES, multiple=True, exclusive=exclusive) == hidden
        )

    seen = possible_values(
        values, hidden, fits, itertools.product(range(1, base + 1), repeat=len(hidden))
    )

    for position in hidden:
        if values[position] in SMALL:
            assert len(seen[position]) > 1, (values, exclusive, base, sorted(hidden), seen)


# The region ------------------------------------------------------------------------------------


@QUICK
@given(councils=st.lists(st.lists(counts, min_size=3, max_size=3), min_size=1, max_size=4))
def test_a_region_figure_is_only_ever_a_sum_of_council_figures_already_shown(councils):
    tables = [single_choice(values) for values in councils]
    published = [protect_question(table, RULES) for table in tables]

    region, shown = protect_region(list(zip(tables, published, strict=True)), RULES)

    included = [(t, p) for t, p in zip(tables, published, strict=True) if p.shown]
    if shown.shown:
        assert region.base == sum(t.base for t, _ in included)
    for cell in shown.cells:
        if isinstance(cell.count, int):
            # Every council it adds up publishes this option, so the region reveals nothing more.
            assert all(p.publishes(cell.option) for _, p in included)
            assert region.counts.get(cell.option, 0) == sum(
                t.counts.get(cell.option, 0) for t, _ in included
            )


# Differencing -----------------------------------------------------------------------------------


@st.composite
def requests(draw: st.DrawFn) -> list[frozenset[int]]:
    """Downloads over time: responses arrive one by one (ids in order of arrival, each on a day),
    and each download asks for a range of days, or everything so far."""
    arrivals = draw(st.lists(st.integers(0, 1), min_size=20, max_size=120))
    day_of = list(itertools.accumulate(arrivals))  # the day response i arrived
    asked = []
    for _ in range(draw(st.integers(2, 12))):
        so_far = draw(st.integers(1, len(day_of)))
        first = draw(st.integers(0, day_of[so_far - 1]))
        last = draw(st.integers(first, day_of[so_far - 1]))
        asked.append(
            frozenset(i for i in range(so_far) if first <= day_of[i] <= last)
            if draw(st.booleans())
            else frozenset(range(so_far))
        )
    return asked


@QUICK
@given(asked=requests())
def test_no_two_published_groups_can_be_subtracted_to_isolate_one_to_seven_responses(asked):
    ledger: list[PublishedGroup] = []
    for requested in asked:
        if len(requested) < RULES.minimum_base:
            continue  # no breakdown at all for a small group, so nothing is recorded
        settled = settle_group(requested, "group", ledger, RULES)
        if settled.refused:
            continue
        assert settled.members <= requested
        assert len(requested) - len(settled.members) < RULES.suppress_below
        ledger.append(PublishedGroup(settled.members, "group"))

    for first, second in itertools.combinations(ledger, 2):
        overlap = Overlap.between(first.members, second.members)
        for part in (overlap.only_requested, overlap.only_earlier, overlap.both):
            assert part == 0 or part >= RULES.suppress_below, overlap


@QUICK
@given(asked=requests(), answers=st.lists(st.integers(0, 2), min_size=120, max_size=120))
def test_a_held_back_download_publishes_nothing_that_was_not_published_before(asked, answers):
    ledger: list[PublishedGroup] = []
    tables: dict[frozenset[int], list[object]] = {}
    for requested in asked:
        if len(requested) < RULES.minimum_base:
            continue
        settled = settle_group(requested, "group", ledger, RULES)
        if settled.refused:
            continue
        values = [sum(1 for i in settled.members if answers[i] == k) for k in range(3)]
        table = [c.count for c in protect_question(single_choice(values), RULES).cells]
        if settled.held_back:
            assert tables[settled.members] == table
        tables[settled.members] = table
        ledger.append(PublishedGroup(settled.members, "group"))
