"""What a cell-key-protected count should show, worked out in the tests from the responses'
secret keys and the perturbation table, apart from the code that publishes it."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Collection
from dataclasses import dataclass

from sqlalchemy import select

from survey_app.db import Database
from survey_app.models import Council, Distribution, SurveyResponse
from survey_app.privacy.disclosure import PERTURBATION, DisclosureRules

RANGE = 1 << 31


def perturbed(exact: int, key: int) -> int:
    """exact plus the table's perturbation at the key's fraction of the range."""
    row = PERTURBATION[min(exact, len(PERTURBATION) - 1)]
    fraction, total = key / RANGE, 0.0
    for change, chance in zip(row.perturbations, row.chances, strict=True):
        total += chance
        if fraction < total:
            return exact + change
    return exact + row.perturbations[-1]


def empty_key(base_key: int, question: str, option: str) -> int:
    text = f"{base_key}\x00{question}\x00{option}".encode()
    return int.from_bytes(hashlib.blake2b(text, digest_size=8).digest(), "little") % RANGE


def shown(value: int, rules: DisclosureRules | None = None) -> str:
    rules = rules or DisclosureRules()
    if 0 < value < rules.suppress_below:
        return "c"
    return str((2 * value + rules.round_to) // (2 * rules.round_to) * rules.round_to)


def expected_counts(
    database: Database,
    council: str | Collection[str],
    question: str,
    options: Collection[str],
    only: Collection[int] | None = None,
    rules: DisclosureRules | None = None,
    *,
    age_band: str | None = None,
    period: str | None = None,
    as_option: Callable[[str, str], str | None] | None = None,
) -> dict[str, str]:
    """Each option's published count for a council's counted responses (or several councils'
    together, as the region; or those in `only`; of one age band or one period when given).
    Late responses (counted after their period closed) are in no table. as_option: what an
    answer counts as, given the child's band (a direction, across bands), None for nothing."""
    members, base = _members(
        database, council, question, only, age_band=age_band, period=period, as_option=as_option
    )
    found = {}
    for option in options:
        keys = members.get(option, [])
        key = sum(keys) % RANGE if keys else empty_key(sum(base) % RANGE, question, option)
        found[option] = shown(perturbed(len(keys), key), rules)
    return found


def expected_base(
    database: Database,
    council: str | Collection[str],
    question: str,
    only: Collection[int] | None = None,
    rules: DisclosureRules | None = None,
    *,
    age_band: str | None = None,
    period: str | None = None,
) -> str:
    """A question's published base (its answers, perturbed by their keys and rounded), of one
    age band or one period when given."""
    _, base = _members(database, council, question, only, age_band=age_band, period=period)
    return shown(perturbed(len(base), sum(base) % RANGE), rules)


def _members(
    database: Database,
    council: str | Collection[str],
    question: str,
    only: Collection[int] | None,
    *,
    age_band: str | None = None,
    period: str | None = None,
    as_option: Callable[[str, str], str | None] | None = None,
) -> tuple[dict[str, list[int]], list[int]]:
    """The keys of the responses counted in each option, and of those that answered."""
    councils = [council] if isinstance(council, str) else list(council)
    with database.session() as session:
        rows = session.execute(
            select(
                SurveyResponse.id,
                SurveyResponse.answers,
                SurveyResponse.cell_key,
                SurveyResponse.age_band,
            )
            .join(Distribution)
            .join(Council, Distribution.council_id == Council.id)
            .where(
                Council.name.in_(councils),
                SurveyResponse.aggregated.is_(True),
                SurveyResponse.superseded.is_(False),
                SurveyResponse.late.is_(False),
                *([SurveyResponse.age_band == age_band] if age_band is not None else []),
                *([SurveyResponse.period == period] if period is not None else []),
            )
        ).all()
    members: dict[str, list[int]] = {}
    base: list[int] = []
    for response_id, answers, key, band in rows:
        if only is not None and response_id not in only or question not in answers:
            continue
        base.append(key)
        value = answers[question]
        for option in value if isinstance(value, list) else [value]:
            counted = as_option(str(option), band or "") if as_option else str(option)
            if counted is not None:
                members.setdefault(counted, []).append(key)
    return members, base


def within_spread(shown_value: str, exact: int, rules: DisclosureRules | None = None) -> bool:
    """Whether a shown count could come from `exact` under the perturbation table (any key)."""
    row = PERTURBATION[min(exact, len(PERTURBATION) - 1)]
    return shown_value in {
        shown(exact + change, rules)
        for change, chance in zip(row.perturbations, row.chances, strict=True)
        if chance > 0
    }


def pair_key(first: int, second: int) -> int:
    """A pair's key: a hash of its two answers' keys, written here apart from the service."""
    text = f"pair\x00{first}\x00{second}".encode()
    return int.from_bytes(hashlib.blake2b(text, digest_size=8).digest(), "little") % RANGE


@dataclass(frozen=True)
class ExpectedChange:
    """What one item's before/after row should show: its counts as published, and the
    perturbed values its statistics are worked out from (each value as often as its count)."""

    pairs: str
    improved: str
    same: str
    worse: str
    changes: list[float]
    firsts: list[float]
    seconds: list[float]


def expected_change(
    database: Database,
    council: str | Collection[str],
    item: str,
    waves: tuple[str, str],
    *,
    looking_back: str | None = None,
    scale: tuple[int, ...] = (1, 2, 3, 4, 5),
    rules: DisclosureRules | None = None,
) -> ExpectedChange:
    """An item's before/after row for a council's (or councils') counted answers, paired by
    personal code: its improved / same / worse and pairs perturbed by the pairs' keys; with
    `looking_back`, the response shift row of that look-back question."""
    rules = rules or DisclosureRules()
    councils = [council] if isinstance(council, str) else list(council)
    with database.session() as session:
        rows = session.execute(
            select(
                SurveyResponse.wave,
                SurveyResponse.link_hash,
                SurveyResponse.answers,
                SurveyResponse.cell_key,
            )
            .join(Distribution)
            .join(Council, Distribution.council_id == Council.id)
            .where(
                Council.name.in_(councils),
                SurveyResponse.aggregated.is_(True),
                SurveyResponse.superseded.is_(False),
                SurveyResponse.late.is_(False),
            )
        ).all()
    first = {code: (answers, key) for wave, code, answers, key in rows if wave == waves[0] and code}
    rated: list[tuple[float, float, int]] = []
    for wave, code, answers, key in rows:
        if wave != waves[1] or code not in first:
            continue
        then, then_key = first[code]
        try:
            before = float(then[item])
            after = float(answers[looking_back or item])
        except (KeyError, ValueError):
            continue
        rated.append((before, after, pair_key(then_key, key)))
    kind = "response_shift" if looking_back else "change"
    question = f"{kind}:{looking_back or item}"
    base_key = sum(key for _, _, key in rated) % RANGE

    def key_of(name: str, option: str, members: list[int]) -> int:
        return sum(members) % RANGE if members else empty_key(base_key, name, option)

    parts: dict[str, list[int]] = {"improved": [], "same": [], "worse": []}
    for before, after, key in rated:
        parts["improved" if after > before else "worse" if after < before else "same"].append(key)
    published = {
        part: shown(perturbed(len(keys), key_of(question, part, keys)), rules)
        for part, keys in parts.items()
    }
    pairs = max(0, perturbed(len(rated), base_key)) if rated else 0
    pairs_shown = "x" if pairs < rules.minimum_base else shown(pairs, rules)
    if pairs_shown == "x":
        published = {part: "x" for part in parts}

    def spread(name: str, values: list[tuple[float, int]], options: list[float]) -> list[float]:
        found = []
        for option in options:
            members = [key for value, key in values if value == option]
            count = max(0, perturbed(len(members), key_of(name, f"{option:g}", members)))
            found += [option] * count
        return found

    steps = sorted({float(b - a) for a in scale for b in scale})
    ratings = [float(r) for r in scale]
    return ExpectedChange(
        pairs_shown,
        published["improved"],
        published["same"],
        published["worse"],
        spread(f"{question}/changes", [(after - before, k) for before, after, k in rated], steps),
        spread(f"{question}/first", [(before, k) for before, _, k in rated], ratings),
        spread(f"{question}/second", [(after, k) for _, after, k in rated], ratings),
    )
