"""What a cell-key-protected count should show, worked out in the tests from the responses'
secret keys and the perturbation table, apart from the code that publishes it."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Collection

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
