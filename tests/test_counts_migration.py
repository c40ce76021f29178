"""Migration 0012 rebuilds the counts tables keyed by wave and age band from the stored
answers, on SQLite and PostgreSQL, and going back down gives the old shape again."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections import Counter
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config

from survey_app.cli import PROJECT_ROOT, migrate_database
from survey_app.db import make_engine
from survey_app.privacy.disclosure import MemberSet

# (id, distribution, age band, wave, answers, superseded): two councils' responses as stored.
RESPONSES = [
    (1, 1, "8-11", "", {"feel": "happy", "went": "yes"}, False),
    (2, 1, "8-11", "", {"feel": "sad"}, False),
    (3, 1, "12-17", "", {"feel": "happy", "why_not": ["school", "scared"]}, False),
    (4, 1, "12-17", "", {"feel": "very_happy"}, False),
    (5, 2, "", "meeting_one", {"item": "2"}, False),
    (6, 2, "", "meeting_one", {"item": "3"}, True),  # replaced by a later answer: not counted
    (7, 3, "", "meeting_four", {"item": "4"}, False),
    (70_000, 3, "", "meeting_four", {"item": "4"}, False),  # in a second block of the bitmap
]


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'counts.db'}"
    return request.getfixturevalue("postgres_server").create_database(
        f"counts_{uuid.uuid4().hex[:8]}"
    )


def _alembic(url: str) -> Config:
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.attributes["database_url"] = url
    config.attributes["configure_logging"] = False
    return config


def _existing_data(url: str) -> None:
    """Responses, and counts as the workers kept them before 0012 (one stale on purpose)."""
    engine = make_engine(url)
    with engine.begin() as connection:
        run = connection.execute
        run(
            sa.text(
                "insert into surveys (id, version, audience, title, checksum, source) values "
                "('child', 1, 'child', 'C', 'x', 'x'), ('staff', 1, 'practitioner', 'S', 'x', 'x')"
            )
        )
        run(sa.text("insert into councils (id, name) values (1, 'Suffolk'), (2, 'Norfolk')"))
        run(
            sa.text(
                "insert into distributions (id, code, survey_id, council_id, label, wave, "
                "created_on) values "
                "(1, 'a', 'child', 1, 'x', '', :on), "
                "(2, 'b', 'staff', 2, 'x', 'meeting_one', :on), "
                "(3, 'c', 'staff', 2, 'x', 'meeting_four', :on)"
            ),
            {"on": dt.date(2026, 11, 1)},
        )
        for number, distribution, band, wave, answers, superseded in RESPONSES:
            run(
                sa.text(
                    "insert into responses (id, distribution_id, survey_version, submitted_on, "
                    "language, age_band, answers, anonymised, aggregated, wave, superseded) "
                    "values (:id, :distribution, 1, :on, 'en', :band, :answers, true, true, "
                    ":wave, :superseded)"
                ),
                {
                    "id": number,
                    "distribution": distribution,
                    "on": dt.date(2026, 11, 2),
                    "band": band,
                    "answers": json.dumps(answers),
                    "wave": wave,
                    "superseded": superseded,
                },
            )
        run(
            sa.text(
                "insert into answer_counts (distribution_id, council_id, survey_id, question_id, "
                "option, age_band, count) values (1, 1, 'child', 'feel', 'happy', '8-11', 99)"
            )
        )
        run(sa.text("insert into distribution_totals (distribution_id, responses) values (1, 99)"))
        run(
            sa.text(
                "insert into counted_members (survey_id, council_id, block, bits) "
                "values ('child', 1, 0, :bits)"
            ),
            {"bits": bytes(8192)},
        )
    engine.dispose()


def test_the_migration_recounts_every_table_by_wave_and_age_band_from_the_answers(database_url):
    command.upgrade(_alembic(database_url), "0010")
    _existing_data(database_url)

    migrate_database(database_url)

    engine = make_engine(database_url)
    with engine.connect() as connection:
        counts = {
            (d, band, wave, q, o): n
            for d, band, wave, q, o, n in connection.execute(
                sa.text(
                    "select distribution_id, age_band, wave, question_id, option, count "
                    "from answer_counts"
                )
            )
        }
        bases = {
            (d, band, wave, q): n
            for d, band, wave, q, n in connection.execute(
                sa.text(
                    "select distribution_id, age_band, wave, question_id, base from question_bases"
                )
            )
        }
        totals = {
            (d, band, wave): n
            for d, band, wave, n in connection.execute(
                sa.text(
                    "select distribution_id, age_band, wave, responses from distribution_totals"
                )
            )
        }
        blocks: dict[tuple[str, int, str, str], list[tuple[int, bytes]]] = {}
        for survey, council, wave, band, block, bits in connection.execute(
            sa.text(
                "select survey_id, council_id, wave, age_band, block, bits from counted_members"
            )
        ):
            blocks.setdefault((survey, council, wave, band), []).append((block, bytes(bits)))
        tokens = connection.execute(sa.text("select count(*) from counted_versions")).scalar()
    engine.dispose()

    # Counted here from RESPONSES, independently of the migration.
    expected: Counter[tuple[object, ...]] = Counter()
    expected_bases: Counter[tuple[object, ...]] = Counter()
    expected_totals: Counter[tuple[object, ...]] = Counter()
    for _, distribution, band, wave, answers, superseded in RESPONSES:
        if superseded:
            continue
        expected_totals[(distribution, band, wave)] += 1
        for question, value in answers.items():
            expected_bases[(distribution, band, wave, question)] += 1
            for option in value if isinstance(value, list) else [value]:
                expected[(distribution, band, wave, question, option)] += 1
    assert counts == dict(expected)
    assert counts[(1, "8-11", "", "feel", "happy")] == 1  # the stale 99 is gone
    assert bases == dict(expected_bases)
    assert totals == dict(expected_totals)
    members = {key: set(MemberSet.from_blocks(found)) for key, found in blocks.items()}
    assert members == {
        ("child", 1, "", "8-11"): {1, 2},
        ("child", 1, "", "12-17"): {3, 4},
        # A replaced answer is still one of the council's counted responses (not counted).
        ("staff", 2, "meeting_one", ""): {5, 6},
        ("staff", 2, "meeting_four", ""): {7, 70_000},
    }
    assert tokens == 2

    command.downgrade(_alembic(database_url), "0010")

    engine = make_engine(database_url)
    with engine.connect() as connection:
        old_totals = dict(
            connection.execute(
                sa.text("select distribution_id, responses from distribution_totals")
            ).all()
        )
        happy = connection.execute(
            sa.text("select count from answer_counts where option = 'happy' and age_band = '8-11'")
        ).scalar()
    engine.dispose()
    assert old_totals == {1: 4, 2: 1, 3: 2}
    assert happy == 1
