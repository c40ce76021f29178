"""What staff see of response counts: rounded like published counts, never exact when small."""

from __future__ import annotations

import pytest

from survey_app.overview import counter_in_words
from survey_app.privacy.disclosure import DisclosureRules


@pytest.mark.parametrize("count", [0, 1, 7, 9])
def test_a_count_below_the_minimum_base_is_only_said_to_be_fewer_than_it(count: int) -> None:
    assert counter_in_words(count, DisclosureRules()) == "fewer than 10"


@pytest.mark.parametrize(("count", "shown"), [(10, "10"), (12, "10"), (13, "15"), (36, "35")])
def test_a_count_at_or_above_the_minimum_base_is_rounded_to_the_nearest_five(
    count: int, shown: str
) -> None:
    assert counter_in_words(count, DisclosureRules()) == shown


def test_a_survey_with_stricter_rules_shows_its_own_threshold_and_rounding() -> None:
    stricter = DisclosureRules(minimum_base=20, suppress_below=8, round_to=10)

    assert counter_in_words(19, stricter) == "fewer than 20"
    assert counter_in_words(24, stricter) == "20"
    assert counter_in_words(26, stricter) == "30"
