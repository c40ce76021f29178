"""Published counts under three protections, on the same data: the old one (exact counts,
suppressed and rounded), the cell key method (the default now) and differential privacy from
OpenDP (discrete Laplace noise, one child's answers in one period as the privacy unit, a stated
epsilon per period split evenly over every table that period publishes). Rounding and
suppression are applied on top of each, as presentation.

Prints, for demo-sized and council-sized data:
- attack success: how often an insider who sent 9 answers into the distribution and period of
  one child ends up sure of that child's answer (posterior of 99% or more for the true answer,
  knowing the mechanism; the old protection pins it outright), and how often the LP audit over
  everything published pins a hidden or perturbed count to 1-7 or a target's answer (random
  small datasets, an attacker who knows a random share of the answers);
- information loss: mean absolute error of the published counts against the exact ones (over
  the counts shown as numbers) and the share of counts hidden (`c` or `x`);
- publishing cost: milliseconds per table of protection (the pure step each output adds).

    python bench/disclosure.py [--quick]
"""

from __future__ import annotations

import math
import random
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import opendp.prelude as dp  # noqa: E402

from survey_app.privacy.disclosure import (  # noqa: E402
    KEY_RANGE,
    PERTURBATION,
    DisclosureRules,
    PublishedCell,
    PublishedQuestion,
    QuestionCounts,
    notes,
    protect_question,
    protect_with_cell_keys,
)
from tests.disclosure_audit import LinearAudit  # noqa: E402

dp.enable_features("contrib")

RULES = DisclosureRules()
OPTIONS = ("yes", "no", "not_sure", "dont_know")
SHARES = (0.55, 0.25, 0.15, 0.05)
QUESTIONS = 8  # a child survey's choice questions
LEVELS = 4  # distribution, council, region, age band in council: tables a child is in
EPSILON_PER_PERIOD = 1.0


@dataclass(frozen=True)
class Response:
    id: int
    distribution: int
    council: int
    band: int
    answer: str
    key: int


def dataset(councils: int, distributions: int, per_distribution: int, seed: int) -> list[Response]:
    draw = random.Random(seed)
    found = []
    for council in range(councils):
        for number in range(distributions):
            size = max(0, int(draw.gauss(per_distribution, per_distribution / 3)))
            for _ in range(size):
                answer = draw.choices(OPTIONS, SHARES)[0]
                found.append(
                    Response(
                        len(found),
                        council * 100 + number,
                        council,
                        draw.randrange(2),
                        answer,
                        draw.randrange(KEY_RANGE),
                    )
                )
    return found


def counted(members: Sequence[Response], question: str = "went") -> QuestionCounts:
    counts = Counter(member.answer for member in members)
    keys = {
        option: sum(m.key for m in members if m.answer == option) % KEY_RANGE for option in counts
    }
    return QuestionCounts(
        question,
        OPTIONS,
        dict(counts),
        len(members),
        keys=keys,
        base_key=sum(m.key for m in members) % KEY_RANGE,
        group_size=len(members),
    )


def tables_of(data: Sequence[Response]) -> list[list[Response]]:
    """Every table a period publishes about the question: each distribution, council, age band
    in each council, and the region; groups below the minimum base are not broken down."""
    groups: dict[tuple, list[Response]] = {}
    for member in data:
        for name in (
            ("distribution", member.distribution),
            ("council", member.council),
            ("band", member.council, member.band),
            ("region",),
        ):
            groups.setdefault(name, []).append(member)
    return list(groups.values())


# The protections ----------------------------------------------------------------------------


def old(counts: QuestionCounts) -> PublishedQuestion:
    return protect_question(replace(counts, keys=None, base_key=None), RULES)


def cell_key(counts: QuestionCounts) -> PublishedQuestion:
    return protect_with_cell_keys(counts, RULES)


def differential_privacy(epsilon_per_table: float) -> Callable[[QuestionCounts], PublishedQuestion]:
    """OpenDP's discrete Laplace on the option counts (L1 sensitivity 1: adding or removing one
    child changes one count by one), the base their sum, then suppression and rounding."""
    measurement = dp.m.make_laplace(
        dp.vector_domain(dp.atom_domain(T=int)), dp.l1_distance(T=int), scale=1 / epsilon_per_table
    )

    def protect(counts: QuestionCounts) -> PublishedQuestion:
        noisy = [max(0, value) for value in measurement(counts.values())]
        base = sum(noisy)
        if counts.base < RULES.minimum_base:
            return protect_question(counts, RULES)  # withheld, as every method does
        cells = tuple(
            PublishedCell(option, notes.HIDDEN, "", notes.SMALL_COUNT)
            if RULES.is_small(value)
            else PublishedCell(option, RULES.rounded(value), "", "")
            for option, value in zip(counts.options, noisy, strict=True)
        )
        return PublishedQuestion(counts.question, RULES.rounded(max(base, 1)), cells)

    return protect


# Information loss and cost ------------------------------------------------------------------


def loss(
    tables: Sequence[Sequence[Response]], protect: Callable[[QuestionCounts], PublishedQuestion]
) -> tuple[float, float, float]:
    """(mean absolute error of counts shown, share of counts hidden, ms per table)."""
    errors, hidden, cells = [], 0, 0
    started = time.perf_counter()
    published = [(counted(members), None) for members in tables]
    shown = [protect(counts) for counts, _ in published]
    elapsed = time.perf_counter() - started
    for (counts, _), table in zip(published, shown, strict=True):
        for cell in table.cells:
            cells += 1
            if isinstance(cell.count, int):
                errors.append(abs(cell.count - int(counts.counts.get(cell.option, 0))))
            else:
                hidden += 1
    mae = sum(errors) / len(errors) if errors else math.nan
    return mae, hidden / max(cells, 1), 1000 * elapsed / max(len(tables), 1)


# Attack success ------------------------------------------------------------------------------


def presented(value: int) -> int | str:
    return notes.HIDDEN if RULES.is_small(value) else RULES.rounded(max(0, value))


def cell_key_likelihood(shown: int | str, exact: int) -> float:
    row = PERTURBATION[min(exact, len(PERTURBATION) - 1)]
    return sum(
        chance
        for change, chance in zip(row.perturbations, row.chances, strict=True)
        if presented(exact + change) == shown
    )


def laplace_likelihood(scale: float) -> Callable[[int | str, int], float]:
    """P(shown | exact) under the discrete Laplace (closed form of its distribution function),
    with negative results shown as 0, counts 1-7 hidden and the rest rounded to 5."""
    alpha = math.exp(-1 / scale)

    def at_most(k: int) -> float:  # P(noise <= k)
        return 1 - alpha ** (k + 1) / (1 + alpha) if k >= 0 else alpha ** (-k) / (1 + alpha)

    def likelihood(shown: int | str, exact: int) -> float:
        if shown == notes.HIDDEN:
            low, high = 1, RULES.largest_hidden
        elif shown == 0:
            return at_most(RULES.round_to // 2 - exact)
        else:
            assert isinstance(shown, int)
            low, high = shown - RULES.round_to // 2, shown + (RULES.round_to - 1) // 2
        return at_most(high - exact) - at_most(low - 1 - exact)

    return likelihood


def injection_success(
    protect: Callable[[QuestionCounts], PublishedQuestion],
    likelihood: Callable[[int | str, int], float] | None,
    trials: int,
    seed: int,
) -> float:
    """Share of trials in which the insider is sure (>= 99%) of the child's true answer."""
    draw = random.Random(seed)
    sure = 0
    for _ in range(trials):
        truth = draw.choice(("yes", "no"))
        group = [Response(0, 0, 0, 0, truth, draw.randrange(KEY_RANGE))] + [
            Response(n, 0, 0, 0, "yes", draw.randrange(KEY_RANGE)) for n in range(1, 10)
        ]
        table = protect(counted(group))
        cells = {cell.option: cell.count for cell in table.cells}
        if likelihood is None:  # exact counts: the table either fits an answer or it does not
            fits = {
                answer: all(
                    cells[o] == presented(9 * (o == "yes") + (o == answer))
                    or (cells[o] == notes.HIDDEN and table.shown)
                    for o in OPTIONS
                )
                if table.shown
                else answer == truth  # withheld only when the child said no (see tests)
                for answer in ("yes", "no")
            }
            sure += fits[truth] and not fits["no" if truth == "yes" else "yes"]
            continue
        if not table.shown:
            continue
        weights = {}
        for answer in ("yes", "no"):
            exact = Counter({"yes": 9})
            exact[answer] += 1
            weights[answer] = math.prod(likelihood(cells[o], exact[o]) for o in OPTIONS)
        total = sum(weights.values())
        sure += total > 0 and weights[truth] / total >= 0.99
    return sure / trials


def audit_pins(
    protect: Callable[[QuestionCounts], PublishedQuestion], datasets: int, seed: int
) -> float:
    """Share of random small datasets in which the LP audit pins a small count or a target."""
    draw = random.Random(seed)
    pinned = 0
    for number in range(datasets):
        data = dataset(2, 2, draw.randrange(8, 25), seed * 1000 + number)
        ids = [member.id for member in data]
        draw.shuffle(ids)
        known_ids = set(ids[: int(draw.uniform(0, 0.95) * len(ids))])
        targets = [i for i in ids if i not in known_ids][:2]
        audit = LinearAudit(
            RULES,
            known={m.id: {"went": m.answer} for m in data if m.id in known_ids},
            targets=targets,
        )
        for members in draw.sample(tables_of(data), k=min(4, len(tables_of(data)))):
            counts = counted(members)
            table = protect(counts)
            if protect is old:
                counts = replace(counts, keys=None, base_key=None)
            audit.add((m.id for m in members), counts, table)
        pinned += bool(audit.findings())
    return pinned / datasets


def main() -> None:
    quick = "--quick" in sys.argv
    sizes = {
        "demo (2 councils x 3 distributions x ~40)": (2, 3, 40),
        "council-sized (10 councils x 20 distributions x ~60)": (10, 20, 60),
    }
    methods: dict[str, tuple] = {
        "old (suppress + round)": (old, None),
        "cell key (D=10)": (cell_key, cell_key_likelihood),
    }
    for epsilon in (EPSILON_PER_PERIOD, 10.0):
        per_table = epsilon / (QUESTIONS * LEVELS)
        methods[f"OpenDP eps={epsilon:g}/period"] = (
            differential_privacy(per_table),
            laplace_likelihood(1 / per_table),
        )
        print(
            f"Differential privacy: epsilon {epsilon:g} per period over "
            f"{QUESTIONS} questions x {LEVELS} levels = {per_table:.4f} per table "
            f"(discrete Laplace scale {1 / per_table:.1f})"
        )
    for label, (councils, distributions, size) in sizes.items():
        data = dataset(councils, distributions, size, seed=1)
        tables = tables_of(data)
        print(f"\n{label}: {len(data)} responses, {len(tables)} tables of one question")
        print(f"  {'method':34} {'MAE':>6} {'hidden':>7} {'ms/table':>9}")
        for name, (protect, _) in methods.items():
            mae, hidden, cost = loss(tables, protect)
            print(f"  {name:34} {mae:6.2f} {hidden:7.1%} {cost:9.3f}")
    trials = 200 if quick else 2000
    print(f"\nInsider attacks (injection: {trials} trials; LP audit: random datasets)")
    print(f"  {'method':34} {'injection sure':>15} {'LP audit pins':>14}")
    for name, (protect, likelihood) in methods.items():
        injection = injection_success(protect, likelihood, trials, seed=2)
        lp = audit_pins(protect, 10 if quick else 40, seed=3) if "OpenDP" not in name else math.nan
        print(f"  {name:34} {injection:15.1%} {lp:14.1%}")
    print("  (LP audit for OpenDP: n/a, its noise has no bound to give the program)")


if __name__ == "__main__":
    main()
