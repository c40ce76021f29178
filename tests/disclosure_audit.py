"""A test-time audit of everything published about a survey: a linear program (SciPy's HiGHS,
`scipy.optimize.linprog`) finds the least and the most each hidden or perturbed count could be,
given every figure shown, and fails if one is pinned to 1-7 or pins a target child's answer.

The unknowns are each response's answers: x[r, q, o] in [0, 1], "response r gave option o to
question q" (a relaxation of 0 or 1, so what it pins an integer attacker pins too; it may miss
some integer-only inferences). Every figure shown about a group is a constraint on a sum of
them over the group's members:

- a shown count v: the exact count is within the rounding interval of v (rounded to 5: v - 2
  to v + 2), widened by the perturbation's largest step either way when the table was
  perturbed by cell keys (`exact_shown`: the reader knows each figure before rounding, as
  percentages of exact counts once told them);
- a hidden count (`c`): 1 to 7 when counts are exact; 0 to 7 + D when perturbed (a zero can be
  lifted to 1-3). A count hidden because of an earlier table is `c` too, whatever its size, so
  when these bounds cannot all hold the audit drops them (a reader cannot rely on them);
- the base (answers to the question): the same, over all of a member's options; a question
  every member answered is answered exactly once by each (single-answer questions).

An attacker's knowledge is answers fixed to what they are (`known`); `targets` are responses
whose answers must stay uncertain.

A table of a banded scale across age bands counts directions (negative, neutral, positive),
not options: its figures are about the question `<id>/directions`, whose answers
`with_directions` adds to what an attacker knows.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
from scipy.optimize import linprog
from scipy.sparse import lil_matrix

from survey_app.definitions.model import Direction, SurveyDefinition
from survey_app.privacy.disclosure import SPREAD, DisclosureRules, PublishedQuestion, Shown
from survey_app.privacy.disclosure.tables import QuestionCounts
from tests.cellkeys import RANGE, empty_key, perturbed

EPSILON = 1e-6
# How much a hidden count (`c`) is taken to say (`LinearAudit.interval`).
FULLY, NONZERO, NOTHING = 2, 1, 0
DIRECTIONS = "/directions"
_DIRECTION_IDS = frozenset(str(direction) for direction in Direction)


def with_directions(
    definition: SurveyDefinition, answers: Mapping[str, object], band: str
) -> dict[str, object]:
    """A response's answers, and for each choice answer its direction (or the special option
    it is) as the answer to `<question>/directions`."""
    found = dict(answers)
    for question in definition.questions:
        given = answers.get(question.id)
        if not isinstance(given, str) or not question.is_choice:
            continue
        direction = question.direction(given, band)
        if direction is not None:
            found[question.id + DIRECTIONS] = str(direction)
        elif given in question.special_options():
            found[question.id + DIRECTIONS] = given
    return found


@dataclass(frozen=True)
class Figure:
    """One figure shown about a group: a count (option) or the base (option None)."""

    members: frozenset[int]
    question: str
    option: str | None
    shown: int | str
    perturbed: bool
    exact: int
    multiple: bool = False
    # The figure before rounding: the exact count, or the perturbed one with cell keys.
    unrounded: int = 0
    # Counted with keys, but not shown as they give (so read as exact: see `figures_of`).
    not_as_keyed: bool = False


def figures_of(
    members: Iterable[int], counted: QuestionCounts, published: PublishedQuestion
) -> list[Figure]:
    """The figures one published question shows (none when it is withheld)."""
    if not published.shown:
        return []
    group = frozenset(members)
    perturbed = counted.keys is not None
    before = _perturbed(counted) if perturbed else counted
    if _DIRECTION_IDS & set(counted.options):
        counted = replace(counted, question=counted.question + DIRECTIONS)
    found = [
        Figure(
            group,
            counted.question,
            None,
            published.base,
            perturbed,
            counted.base,
            counted.multiple,
            before.base,
        )
    ]
    for cell in published.cells:
        found.append(
            Figure(
                group,
                counted.question,
                cell.option,
                cell.count,
                perturbed,
                int(counted.counts.get(cell.option, 0)),
                counted.multiple,
                int(before.counts.get(cell.option, 0)),
            )
        )
    if perturbed and any(_not_as_keyed(figure) for figure in found):
        # Keys were counted but the figures are not what they give: a reader who sees that
        # reads them as the exact counts they are (each flagged by `findings`).
        found = [replace(figure, perturbed=False, not_as_keyed=True) for figure in found]
    return found


def _not_as_keyed(figure: Figure, rules: DisclosureRules | None = None) -> bool:
    """Whether a figure of a keyed table is shown as no perturbation by its key gives it."""
    rules = rules or DisclosureRules()
    if not isinstance(figure.shown, int):
        return False
    expected = {rules.rounded(figure.unrounded)}
    if figure.option is None:  # a base perturbed below the minimum shows the minimum
        expected.add(rules.rounded(max(figure.unrounded, rules.minimum_base)))
    return figure.shown not in expected


def _perturbed(counted: QuestionCounts) -> QuestionCounts:
    """The counts and base with the perturbations their keys give, worked out with the tests'
    own arithmetic (tests/cellkeys.py), apart from the service's."""
    keys = counted.keys or {}
    base_key = (counted.base_key or 0) % RANGE
    counts = {}
    for option in counted.options:
        exact = int(counted.counts.get(option, 0))
        key = keys[option] if exact else empty_key(base_key, counted.question, option)
        counts[option] = max(0, perturbed(exact, key))
    base = max(0, perturbed(counted.base, base_key)) if counted.base else 0
    return replace(counted, counts=counts, base=base)


@dataclass
class Finding:
    figure: Figure | None
    low: float
    high: float
    what: str

    def __str__(self) -> str:
        return f"{self.what}: between {self.low:.2f} and {self.high:.2f}"


@dataclass
class LinearAudit:
    """Collects what was published (as the publishing unit's `Audit`, or figure by figure)
    and, when checked, solves for the range of each hidden or perturbed figure."""

    rules: DisclosureRules = field(default_factory=DisclosureRules)
    known: Mapping[int, Mapping[str, str]] = field(default_factory=dict)
    targets: Collection[int] = ()
    exact_shown: bool = False
    largest: int = SPREAD.largest
    figures: list[Figure] = field(default_factory=list)
    fail_at_once: bool = False

    def __call__(self, survey_id: str, shown: Sequence[Shown]) -> None:
        for group in shown:
            for counted, published in zip(group.counted, group.published, strict=True):
                self.figures.extend(figures_of(group.members, counted, published))
        if self.fail_at_once:
            self.assert_safe()

    def add(
        self, members: Iterable[int], counted: QuestionCounts, published: PublishedQuestion
    ) -> None:
        self.figures.extend(figures_of(members, counted, published))

    # The intervals ----------------------------------------------------------------------

    def _rounding(self, figure: Figure, shown: int) -> tuple[int, int]:
        if self.exact_shown:
            return figure.unrounded, figure.unrounded
        near = range(max(0, shown - self.rules.round_to), shown + self.rules.round_to + 1)
        fits = [value for value in near if self.rules.rounded(value) == shown]
        if not fits:
            return shown, shown  # not a rounded figure: shown as it is
        return min(fits), max(fits)

    def interval(self, figure: Figure, trust_hidden: int = FULLY) -> tuple[float, float] | None:
        """The exact count's bounds from what is shown (None: no constraint).

        trust_hidden: how much a `c` is taken to say. FULLY: a small count (1-7 exact, 0 to
        7 + D perturbed); NONZERO: only that an exact count hidden is not 0 (true of every
        count the old protection hides for being small or to protect another; only one hidden
        because of an earlier table can be 0); NOTHING: nothing at all."""
        top = self.rules.largest_hidden
        spread = self.largest if figure.perturbed else 0
        if figure.shown == "c":
            if trust_hidden == NOTHING:
                return None
            if trust_hidden == NONZERO:
                return (0 if figure.perturbed else 1), len(figure.members)
            return (0, top + spread) if figure.perturbed else (1, top)
        if not isinstance(figure.shown, int):
            return None
        low, high = self._rounding(figure, figure.shown)
        if not figure.perturbed and figure.shown == 0 and figure.option is not None:
            return 0, 0  # an exact zero is shown as it is
        return max(0, low - spread), high + spread

    # The linear program -----------------------------------------------------------------

    def _program(self, trust_hidden: int):  # type: ignore[no-untyped-def]
        responses = sorted({r for figure in self.figures for r in figure.members})
        options: dict[str, list[str]] = {}
        multiple: dict[str, bool] = {}
        for figure in self.figures:
            multiple[figure.question] = figure.multiple
            if figure.option is not None:
                options.setdefault(figure.question, [])
                if figure.option not in options[figure.question]:
                    options[figure.question].append(figure.option)
        index: dict[tuple[int, str, str], int] = {}
        for question, choices in options.items():
            for r in responses:
                for option in choices:
                    index[(r, question, option)] = len(index)
        rows: list[tuple[list[int], float, float]] = []
        for figure in self.figures:
            bounds = self.interval(figure, trust_hidden)
            if bounds is None or figure.question not in options:
                continue
            if figure.option is None:
                if figure.multiple:
                    continue
                columns = [
                    index[(r, figure.question, o)]
                    for r in figure.members
                    for o in options[figure.question]
                ]
            else:
                columns = [index[(r, figure.question, figure.option)] for r in figure.members]
            rows.append((columns, *bounds))
        equal_rows: list[list[int]] = []
        upper_rows: list[list[int]] = []
        answered_by_all = {
            f.question
            for f in self.figures
            if f.option is None and f.exact == len(f.members) and not f.multiple
        }
        for question, choices in options.items():
            if multiple.get(question):
                continue
            for r in responses:
                columns = [index[(r, question, o)] for o in choices]
                (equal_rows if question in answered_by_all else upper_rows).append(columns)
        size = len(index)
        a_ub = lil_matrix((2 * len(rows) + len(upper_rows), size))
        b_ub = []
        line = 0
        for columns, low, high in rows:
            for column in columns:
                a_ub[line, column] = 1
                a_ub[line + 1, column] = -1
            b_ub += [high, -low]
            line += 2
        for columns in upper_rows:
            for column in columns:
                a_ub[line, column] = 1
            b_ub.append(1)
            line += 1
        a_eq = lil_matrix((len(equal_rows), size)) if equal_rows else None
        for number, columns in enumerate(equal_rows):
            for column in columns:
                a_eq[number, column] = 1  # type: ignore[index]
        bounds = [(0.0, 1.0)] * size
        for (r, question, option), column in index.items():
            answer = self.known.get(r, {})
            if question in answer:
                given = answer[question]
                chosen = given if isinstance(given, list) else [given]
                value = 1.0 if option in chosen else 0.0
                bounds[column] = (value, value)
        return (
            index,
            a_ub.tocsr(),
            np.array(b_ub),
            None if a_eq is None else a_eq.tocsr(),
            None if a_eq is None else np.ones(len(equal_rows)),
            bounds,
        )

    def findings(self) -> list[Finding]:
        """Every hidden or perturbed figure pinned to 1-7, and every target answer pinned."""
        program = self._program(trust_hidden=FULLY)
        if not program[0]:
            return []  # nothing was broken down
        if not _feasible(program):
            # A `c` hidden to protect another count, or because of an earlier table, can be
            # large: trust only what every such count still says, then nothing.
            program = self._program(trust_hidden=NONZERO)
            if not _feasible(program):
                program = self._program(trust_hidden=NOTHING)
            assert _feasible(program), "What was published contradicts itself."
        index, a_ub, b_ub, a_eq, b_eq, bounds = program
        found = self._not_as_keyed()
        seen: set[tuple[frozenset[int], str, str | None]] = set()
        for figure in self.figures:
            if figure.option is None and figure.multiple:
                continue
            protected = figure.shown == "c" or (figure.perturbed and figure.shown != "x")
            key = (figure.members, figure.question, figure.option)
            if not protected or key in seen or figure.question not in _questions(index):
                continue
            seen.add(key)
            if all(figure.question in self.known.get(r, {}) for r in figure.members):
                continue  # the attacker knew this count before anything was published
            if figure.option is None:
                options = _questions(index)[figure.question]
                columns = [index[(r, figure.question, o)] for r in figure.members for o in options]
            else:
                columns = [index[(r, figure.question, figure.option)] for r in figure.members]
            low, high = _range(program, columns)
            pinned = high - low < EPSILON
            if pinned and 1 - EPSILON <= low <= self.rules.largest_hidden + EPSILON:
                what = f"{figure.question}={figure.option or 'base'} of {len(figure.members)}"
                found.append(Finding(figure, low, high, f"pinned to a small count ({what})"))
        for target in self.targets:
            for question, options in _questions(index).items():
                for option in options:
                    column = index.get((target, question, option))
                    if column is None:
                        continue
                    low, high = _range(program, [column])
                    if low > 1 - EPSILON:
                        found.append(
                            Finding(None, low, high, f"response {target}'s answer to {question}")
                        )
        return found

    def _not_as_keyed(self) -> list[Finding]:
        """Figures of keyed tables shown as no perturbation by their keys gives them: a release
        that skipped or weakened the perturbation fails here, whatever else it pins."""
        return [
            Finding(
                figure,
                figure.unrounded,
                figure.unrounded,
                f"not as its cell key gives ({figure.question}={figure.option or 'base'} "
                f"of {len(figure.members)})",
            )
            for figure in self.figures
            if figure.not_as_keyed and _not_as_keyed(figure, self.rules)
        ]

    def assert_safe(self) -> None:
        found = self.findings()
        assert not found, "; ".join(map(str, found))


def _questions(index: Mapping[tuple[int, str, str], int]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for _, question, option in index:
        if option not in found.setdefault(question, []):
            found[question].append(option)
    return found


def _feasible(program) -> bool:  # type: ignore[no-untyped-def]
    index, a_ub, b_ub, a_eq, b_eq, bounds = program
    result = linprog(
        np.zeros(len(index)),
        A_ub=a_ub,
        b_ub=b_ub,
        A_eq=a_eq,
        b_eq=b_eq,
        bounds=bounds,
        method="highs",
    )
    return bool(result.status == 0)


def _range(program, columns: Sequence[int]) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    index, a_ub, b_ub, a_eq, b_eq, bounds = program
    cost = np.zeros(len(index))
    for column in columns:
        cost[column] += 1
    ends = []
    for sign in (1, -1):
        result = linprog(
            sign * cost,
            A_ub=a_ub,
            b_ub=b_ub,
            A_eq=a_eq,
            b_eq=b_eq,
            bounds=bounds,
            method="highs",
        )
        assert result.status == 0, result.message
        ends.append(sign * result.fun)
    return ends[0], ends[1]
