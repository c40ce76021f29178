"""What a child's pages know of a distribution: read once, kept a while, found by any spelling."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sqlalchemy import update

from survey_app.db import Database
from survey_app.models import Distribution
from survey_app.operations import DistributionFactsCache


def test_facts_are_found_by_the_code_however_it_was_typed(
    database: Database, make_distribution: Callable[..., Distribution]
) -> None:
    made = make_distribution()
    cache = DistributionFactsCache()
    typed = f" {made.code[:5].upper()}-{made.code[5:]} "
    with database.session() as session:
        facts = cache.get(session, typed)
    assert facts is not None
    assert (facts.id, facts.code, facts.survey_id) == (made.id, made.code, "test-child")


def test_a_distribution_made_after_its_code_was_asked_for_is_found_at_once(
    database: Database, make_distribution: Callable[..., Distribution]
) -> None:
    cache = DistributionFactsCache()
    made = make_distribution()  # then given the code a child had already typed
    with database.session() as session:
        assert cache.get(session, "latermade1") is None
        session.execute(update(Distribution).values(code="latermade1"))
        session.commit()
        found = cache.get(session, "latermade1")
    assert found is not None and found.id == made.id


def test_facts_are_kept_for_their_lifetime_then_read_again(
    database: Database, make_distribution: Callable[..., Distribution]
) -> None:
    made = make_distribution()
    kept_a_minute, kept_no_time = DistributionFactsCache(), DistributionFactsCache(seconds=0)
    closing = dt.date(2030, 1, 31)
    with database.session() as session:
        for cache in (kept_a_minute, kept_no_time):
            assert cache.get(session, made.code).closes_on is None  # type: ignore[union-attr]
        session.execute(update(Distribution).values(closes_on=closing))
        session.commit()
        assert kept_a_minute.get(session, made.code).closes_on is None  # type: ignore[union-attr]
        assert kept_no_time.get(session, made.code).closes_on == closing  # type: ignore[union-attr]
