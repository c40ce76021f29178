"""The ledger of published groups stores each distinct group once, and what a web process keeps
between downloads (decoded groups, counted responses, overlaps) is never stale.

Downloads repeat: the same council's aggregates are fetched again and again. Each time is
recorded (a Publication), but the group's ids are stored once (PublishedMembers) with the exact
counts any output showed about it, so reading the ledger costs one row per distinct group.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from flask import Flask
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from survey_app.cli import PROJECT_ROOT, migrate_database
from survey_app.clock import clock_of
from survey_app.db import make_engine
from survey_app.downloads.groups import counted_versions
from survey_app.exports.files import published_members
from survey_app.models import Council, CountedVersion, Publication, PublishedMembers
from survey_app.periods import last_published
from survey_app.privacy.disclosure import Overlap
from survey_app.privacy.disclosure.cells import decode_cells, encode_cells
from survey_app.privacy.disclosure.ledger import (
    KEPT_GROUPS,
    published_groups,
    record_publication,
)
from survey_app.privacy.disclosure.members import FORMAT, MemberSet, encode_members
from tests.cellkeys import expected_counts, within_spread
from tests.conftest import close_periods
from tests.submissions import submit

SURVEY = "test-child"
AGGREGATES = f"/facilitator/surveys/{SURVEY}/aggregates.csv"
EMAIL = "facilitator@example.org"


@pytest.fixture
def app(app_each_db: Flask) -> Flask:
    return app_each_db


def answer(app: Flask, code: str, count: int) -> None:
    for _ in range(count):
        submit(app, code, went="yes", feel="happy")


def closed_period(app: Flask) -> str:
    """The latest closed period's key, by the app's clock."""
    definition = app.extensions["surveys"][SURVEY]
    return last_published(definition.publication, clock_of(app).now()).key


def rows(app: Flask, model: type) -> int:
    with app.extensions["database"].session() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_a_repeated_download_is_recorded_each_time_but_its_groups_stored_once(
    app, facilitator, make_distribution, worker
):
    answer(app, make_distribution(council_name="Suffolk"), 12)
    answer(app, make_distribution(council_name="Norfolk", label="Reviews"), 10)
    worker()
    close_periods(app)

    first = facilitator.get(AGGREGATES)
    assert first.status_code == 200
    groups_after_first = rows(app, PublishedMembers)
    for _ in range(3):
        again = facilitator.get(AGGREGATES)
        assert again.get_data() == first.get_data()

    # Suffolk, Norfolk and the region: three groups, published four times each, and again as
    # their one age band (every child here is 12 to 17: the same groups, stored once).
    assert groups_after_first == 3
    assert rows(app, PublishedMembers) == 3
    assert rows(app, Publication) == 24
    with app.extensions["database"].session() as session:
        stored = session.execute(
            select(PublishedMembers.scope, PublishedMembers.size, PublishedMembers.cells)
        ).all()
    period = closed_period(app)
    assert sorted((scope, size) for scope, size, _ in stored) == [
        (f"Norfolk, period {period} (counts)", 10),
        (f"Region (all councils), period {period} (counts)", 22),
        (f"Suffolk, period {period} (counts)", 12),
    ]
    # Each group keeps the exact counts behind what was shown about it: the 12 "happy" answers,
    # unless their cell key's change took the count to 1-7, when it was hidden, not shown.
    suffolk = next(decode_cells(cells) for scope, _, cells in stored if scope.startswith("Suf"))
    database = app.extensions["database"]
    happy_shown = expected_counts(database, "Suffolk", "feel", ("happy",))["happy"].isdigit()
    assert suffolk is not None
    assert suffolk["feel"].get("happy") == (12 if happy_shown else None), suffolk


def test_the_next_closed_period_makes_a_new_group_and_the_next_download_sees_it(
    app, facilitator, make_distribution, worker
):
    suffolk = make_distribution(council_name="Suffolk")
    answer(app, suffolk, 12)
    worker()
    close_periods(app)
    # 12, perturbed by its cell key within the table's spread, and rounded to 5.
    first = base_of(facilitator.get(AGGREGATES).get_data().decode(), "Suffolk")
    assert within_spread(first, 12)

    # Responses of the next period: shown once it has closed, on their own.
    answer(app, suffolk, 21)
    worker()
    assert base_of(facilitator.get(AGGREGATES).get_data().decode(), "Suffolk") == first
    close_periods(app)
    # 21, perturbed and rounded (the sizes below say which responses were counted).
    assert within_spread(base_of(facilitator.get(AGGREGATES).get_data().decode(), "Suffolk"), 21)
    with app.extensions["database"].session() as session:
        sizes = session.scalars(
            select(PublishedMembers.size)
            .where(PublishedMembers.scope.startswith("Suffolk"))
            .order_by(PublishedMembers.id)
        ).all()
    assert sizes == [12, 21]


def base_of(text: str, council: str) -> str:
    """How many of the council's children said how they felt (rounded to 5), from
    aggregates.csv."""
    for row in csv.DictReader(io.StringIO(text)):
        if row["council"] == council and row["question"] == "feel":
            return row["base"]
    raise AssertionError(f"no row for {council}")


def test_every_count_changes_the_councils_version_and_the_kept_copy_follows(
    app, make_distribution, worker
):
    suffolk = make_distribution(council_name="Suffolk")
    answer(app, suffolk, 3)
    worker()
    database = app.extensions["database"]
    with database.session() as session:
        council_id = session.scalar(select(Council.id).where(Council.name == "Suffolk"))
        token = session.scalar(select(CountedVersion.token))
        before = counted_versions(session, "test-child", [council_id])[council_id][1]
        assert counted_versions(session, "test-child", [council_id])[council_id][1] is before
    answer(app, suffolk, 1)
    worker()
    with database.session() as session:
        assert session.scalar(select(CountedVersion.token)) != token
        after = counted_versions(session, "test-child", [council_id])[council_id][1]
    assert len(before) == 3 and len(after) == 4 and before < after


def test_the_same_new_group_recorded_twice_in_one_output_is_stored_once(
    app, make_distribution, worker
):
    answer(app, make_distribution(council_name="Suffolk"), 12)
    worker()
    with app.extensions["database"].session() as session:
        ids = frozenset(range(1, 13))
        record_publication(session, SURVEY, ids, "first", None, {"feel": {"happy": 12}})
        record_publication(session, SURVEY, ids, "second", None, {"went": {"yes": 12}})
        session.commit()
        groups = session.execute(select(PublishedMembers.scope, PublishedMembers.cells)).all()
    assert [(scope, decode_cells(cells)) for scope, cells in groups] == [
        ("first", {"feel": {"happy": 12}, "went": {"yes": 12}})
    ]
    assert rows(app, Publication) == 2


def test_a_process_that_kept_nothing_reads_the_same_ledger(
    app, facilitator, make_distribution, worker
):
    answer(app, make_distribution(council_name="Suffolk"), 12)
    answer(app, make_distribution(council_name="Norfolk", label="Reviews"), 10)
    worker()
    close_periods(app)
    facilitator.get(AGGREGATES)
    facilitator.get(f"{AGGREGATES}?council=Suffolk")
    with app.extensions["database"].session() as session:
        kept = published_groups(session, SURVEY)
        KEPT_GROUPS.clear()
        fresh = published_groups(session, SURVEY)
    assert [(g.members, g.scope, g.cells) for g in fresh] == [
        (g.members, g.scope, g.cells) for g in kept
    ]
    assert [len(g.members) for g in fresh] == [10, 12, 22]


def test_a_stored_group_that_does_not_match_its_name_is_refused(
    app, facilitator, make_distribution, worker
):
    answer(app, make_distribution(council_name="Suffolk"), 12)
    worker()
    close_periods(app)
    facilitator.get(AGGREGATES)
    with app.extensions["database"].session() as session:
        session.execute(sa.update(PublishedMembers).values(members=encode_members(range(1, 12))))
        session.commit()
        KEPT_GROUPS.clear()
        with pytest.raises(ValueError, match="does not match"):
            published_groups(session, SURVEY)


@settings(max_examples=60, deadline=None)
@given(
    st.frozensets(st.integers(0, 200_000), max_size=60),
    st.frozensets(st.integers(0, 200_000), max_size=60),
)
def test_remembered_overlaps_are_the_overlaps_of_the_sets(first, second):
    expected = Overlap(len(first - second), len(second - first), len(first & second))
    a, b = MemberSet.of(first), MemberSet.of(second)
    assert Overlap.between(a, b) == expected
    assert Overlap.between(MemberSet.of(first), MemberSet.of(second)) == expected  # remembered
    assert Overlap.between(b, a) == Overlap(
        expected.only_earlier, expected.only_requested, expected.both
    )


# Migration 0007 --------------------------------------------------------------------------------


def _alembic(url: str) -> Config:
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.attributes["database_url"] = url
    config.attributes["configure_logging"] = False
    return config


def _old_gaps_format(ids: list[int]) -> bytes:
    """How publications stored their ids before bitmaps (format 1: sorted gaps)."""
    import zlib
    from array import array

    gaps = array("Q", [b - a for a, b in zip([0, *ids[:-1]], ids, strict=True)])
    return bytes([FORMAT]) + zlib.compress(gaps.tobytes())


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'ledger.db'}"
    return request.getfixturevalue("postgres_server").create_database(
        f"migrate_{uuid.uuid4().hex[:8]}"
    )


def test_migration_gathers_publications_into_groups_and_keeps_export_links(database_url):
    command.upgrade(_alembic(database_url), "0006")
    engine = make_engine(database_url)
    suffolk = list(range(1, 40, 2))
    norfolk = list(range(100, 130))
    with engine.begin() as connection:
        run = connection.execute
        run(
            sa.text(
                "insert into surveys (id, version, audience, title, checksum, source) "
                "values ('s', 1, 'child', 'S', 'x', 'x')"
            )
        )
        run(sa.text("insert into councils (id, name) values (1, 'Suffolk'), (2, 'Norfolk')"))
        run(
            sa.text(
                "insert into users (id, email, password_hash, role, active) "
                "values (1, 'a@example.org', 'x', 'admin', true)"
            )
        )
        publications = [
            # The same Suffolk group in the old and the new format, then Norfolk.
            (1, _old_gaps_format(suffolk), "Suffolk, first", encode_cells({"q": {"yes": 9}})),
            (2, encode_members(suffolk), "Suffolk, again", encode_cells({"q": {"no": 11}})),
            (3, encode_members(norfolk), "Norfolk, rows", None),
        ]
        for number, stored, scope, cells in publications:
            run(
                sa.text(
                    "insert into publications (id, survey_id, scope, published_on, "
                    "requested_by_id, group_size, members, cells) "
                    "values (:id, 's', :scope, :on, 1, 20, :members, :cells)"
                ),
                {
                    "id": number,
                    "scope": scope,
                    "on": dt.date(2026, 1, number),
                    "members": stored,
                    "cells": cells,
                },
            )
        run(
            sa.text(
                "insert into exports (id, survey_id, requested_by_id, format, scope, "
                "council_ids, published_responses, status, attempts, created_at, error) "
                "values (1, 's', 1, 'csv', 'x', '[2]', 30, 'ready', 0, :now, '')"
            ),
            {"now": dt.datetime(2026, 1, 3)},
        )
        run(sa.text("insert into export_publications values (1, 3)"))
        run(
            sa.text(
                "insert into counted_members (survey_id, council_id, block, bits) "
                "values ('s', 1, 0, :bits), ('s', 2, 0, :bits), ('s', 2, 1, :bits)"
            ),
            {"bits": bytes(8192)},
        )
    engine.dispose()

    migrate_database(database_url)

    engine = make_engine(database_url)
    with sa.orm.Session(engine) as session:
        groups = session.scalars(select(PublishedMembers).order_by(PublishedMembers.id)).all()
        assert [(g.scope, g.size, g.published_on) for g in groups] == [
            ("Suffolk, first", 20, dt.date(2026, 1, 1)),
            ("Norfolk, rows", 30, dt.date(2026, 1, 3)),
        ]
        assert decode_cells(groups[0].cells) == {"q": {"yes": 9, "no": 11}}
        assert groups[1].cells is None
        assert session.execute(
            select(Publication.id, Publication.group_id).order_by(Publication.id)
        ).all() == [(1, groups[0].id), (2, groups[0].id), (3, groups[1].id)]
        assert frozenset(i for i in range(200) if i in published_members(session, 1)) == frozenset(
            norfolk
        )
        assert sorted(session.scalars(select(CountedVersion.council_id))) == [1, 2]
        KEPT_GROUPS.clear()
        ledger = published_groups(session, "s")
        assert [g.members for g in ledger] == [frozenset(suffolk), frozenset(norfolk)]
    engine.dispose()

    command.downgrade(_alembic(database_url), "0006")
    engine = make_engine(database_url)
    with engine.connect() as connection:
        links = connection.execute(sa.text("select * from export_publications")).all()
        restored = connection.execute(
            sa.text("select id, members from publications order by id")
        ).all()
    engine.dispose()
    assert [tuple(link) for link in links] == [(1, 3)]
    assert [number for number, _ in restored] == [1, 2, 3]
