"""The cell key method: each response's secret key, the sums the worker keeps, the migration
that gives existing responses keys, and the perturbation table's promises."""

from __future__ import annotations

import random
import uuid
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from flask import Flask
from sqlalchemy import select

from survey_app.answers import answer_cells
from survey_app.cli import PROJECT_ROOT, migrate_database
from survey_app.db import make_engine
from survey_app.models import AnswerCount, QuestionBase, SurveyResponse
from survey_app.privacy.disclosure import (
    KEY_RANGE,
    PERTURBATION,
    SPREAD,
    DisclosureRules,
    QuestionCounts,
    perturbation,
    protect_with_cell_keys,
)
from survey_app.respondent.journey import PERSONAL_CODE_KEY, WAVE_KEY
from tests.programmes import ITEM, SHIPPED, WAVES, wave_distribution
from tests.submissions import submit

# The perturbation table ----------------------------------------------------------------------


def test_no_row_of_the_table_can_publish_a_negative_count_and_each_adds_up_to_one():
    for row in PERTURBATION:
        assert min(row.perturbations) >= -row.count
        assert max(abs(p) for p in row.perturbations) <= SPREAD.largest
        assert sum(row.chances) == pytest.approx(1)


def test_every_count_above_zero_is_perturbed_without_bias_and_zero_only_upwards():
    for row in PERTURBATION[1:]:
        assert row.mean() == pytest.approx(0, abs=1e-9)
    assert PERTURBATION[0].mean() == pytest.approx(SPREAD.zero_mean) and SPREAD.zero_mean > 0
    assert SPREAD.variance == pytest.approx(PERTURBATION[-1].variance())


def test_a_zero_may_be_published_as_a_small_count_and_a_one_or_two_as_zero():
    zero, one, two = PERTURBATION[:3]
    assert {p for p, chance in zip(zero.perturbations, zero.chances, strict=True) if chance} >= {
        1,
        2,
        3,
    }
    assert -1 in one.perturbations and -2 in two.perturbations


def counts(yes: list[int], no: list[int]) -> QuestionCounts:
    return QuestionCounts(
        "went",
        ("yes", "no"),
        {"yes": len(yes), "no": len(no)},
        len(yes) + len(no),
        keys={"yes": sum(yes) % KEY_RANGE, "no": sum(no) % KEY_RANGE},
        base_key=(sum(yes) + sum(no)) % KEY_RANGE,
        group_size=len(yes) + len(no),
    )


def test_the_same_responses_always_publish_the_same_counts():
    draw = random.Random(3)
    yes = [draw.randrange(KEY_RANGE) for _ in range(30)]
    no = [draw.randrange(KEY_RANGE) for _ in range(12)]

    first = protect_with_cell_keys(counts(yes, no), DisclosureRules())
    # The same responses read in another order, in another output.
    again = protect_with_cell_keys(counts(yes[::-1], no[::-1]), DisclosureRules())

    assert first == again


def test_one_response_more_moves_the_perturbation_unpredictably():
    """Adding a response with an unknown key makes the next perturbation nearly independent of
    the last: as often the same as two draws from the table would be."""
    draw = random.Random(4)
    same = 0
    trials = 4000
    for _ in range(trials):
        keys = [draw.randrange(KEY_RANGE) for _ in range(20)]
        before = perturbation(20, sum(keys) % KEY_RANGE)
        after = perturbation(21, (sum(keys) + draw.randrange(KEY_RANGE)) % KEY_RANGE)
        same += before == after
    expected = sum(chance**2 for chance in PERTURBATION[-1].chances)
    assert same / trials == pytest.approx(expected, abs=0.03)


# The keys, as the service keeps them ---------------------------------------------------------


@pytest.fixture
def app_settings() -> dict[str, Any]:
    return {"SURVEY_DIR": str(SHIPPED)}


@pytest.fixture
def app(app_each_db: Flask) -> Flask:
    """The shipped surveys on SQLite, and again on PostgreSQL."""
    return app_each_db


def sums_from_responses(app: Flask) -> tuple[dict, dict]:
    """Each cell's and each base's key sum, from the counted responses themselves."""
    cells: dict[tuple[int, str, str], int] = defaultdict(int)
    bases: dict[tuple[int, str], int] = defaultdict(int)
    with app.extensions["database"].session() as session:
        for distribution_id, answers, key in session.execute(
            select(SurveyResponse.distribution_id, SurveyResponse.answers, SurveyResponse.cell_key)
            .where(SurveyResponse.aggregated.is_(True))
            .where(SurveyResponse.superseded.is_(False))
        ):
            found, questions = answer_cells(answers)
            for question, option in found:
                cells[(distribution_id, question, option)] += key
            for question in questions:
                bases[(distribution_id, question)] += key
    return (
        {cell: total % KEY_RANGE for cell, total in cells.items()},
        {cell: total % KEY_RANGE for cell, total in bases.items()},
    )


def test_each_response_gets_its_own_secret_key_and_the_worker_sums_them_even_when_replaced(
    app, worker
):
    norfolk = wave_distribution(app, "Norfolk", WAVES[0])
    for rating in "1233":
        submit(app, norfolk, **{WAVE_KEY: WAVES[0], ITEM: rating})
    code = "KT7M4PXD"
    submit(app, norfolk, **{WAVE_KEY: WAVES[0], PERSONAL_CODE_KEY: code, ITEM: "1"})
    worker()
    # The same practitioner answers again: their "1" leaves the counts, key and all.
    submit(app, norfolk, **{WAVE_KEY: WAVES[0], PERSONAL_CODE_KEY: code, ITEM: "5"})
    worker()

    with app.extensions["database"].session() as session:
        keys = list(session.scalars(select(SurveyResponse.cell_key)))
        kept_cells = {
            (d, q, o): total % KEY_RANGE
            for d, q, o, total, count in session.execute(
                select(
                    AnswerCount.distribution_id,
                    AnswerCount.question_id,
                    AnswerCount.option,
                    AnswerCount.key_sum,
                    AnswerCount.count,
                )
            )
            if count
        }
        kept_bases = {
            (d, q): total % KEY_RANGE
            for d, q, total in session.execute(
                select(QuestionBase.distribution_id, QuestionBase.question_id, QuestionBase.key_sum)
            )
        }
    assert len(keys) == 6 and len(set(keys)) == 6
    assert all(0 <= key < KEY_RANGE for key in keys)
    cells, bases = sums_from_responses(app)
    assert kept_cells == cells
    assert kept_bases == bases


# Migration 0014 -----------------------------------------------------------------------------


def _alembic(url: str) -> Config:
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.attributes["database_url"] = url
    config.attributes["configure_logging"] = False
    return config


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'keys.db'}"
    return request.getfixturevalue("postgres_server").create_database(
        f"keys_{uuid.uuid4().hex[:8]}"
    )


def test_migration_gives_existing_responses_secret_keys_and_sums_them_into_the_counts(
    database_url,
):
    command.upgrade(_alembic(database_url), "0010")
    engine = make_engine(database_url)
    answers = [
        ('{"went": "yes"}', True, False),
        ('{"went": "yes"}', True, False),
        ('{"went": "no"}', True, True),  # replaced: not counted
        ('{"went": "no"}', False, False),  # not counted yet
    ]
    with engine.begin() as connection:
        run = connection.execute
        run(
            sa.text(
                "insert into surveys (id, version, audience, title, checksum, source) "
                "values ('s', 1, 'child', 'S', 'x', 'x')"
            )
        )
        run(sa.text("insert into councils (id, name) values (1, 'Suffolk')"))
        run(
            sa.text(
                "insert into distributions (id, code, survey_id, council_id, label, wave, "
                "created_on) values (1, 'ABC', 's', 1, 'D', '', '2026-01-01')"
            )
        )
        for number, (answer, counted, replaced) in enumerate(answers, start=1):
            run(
                sa.text(
                    "insert into responses (id, distribution_id, survey_version, submitted_on, "
                    "language, age_band, answers, anonymised, aggregated, wave, superseded) "
                    "values (:id, 1, 1, '2026-01-02', 'en', '', :answers, true, :counted, '', "
                    ":replaced)"
                ),
                {"id": number, "answers": answer, "counted": counted, "replaced": replaced},
            )
        run(
            sa.text(
                "insert into answer_counts (distribution_id, council_id, survey_id, question_id, "
                "option, age_band, count) values (1, 1, 's', 'went', 'yes', '', 2)"
            )
        )
        run(
            sa.text(
                "insert into question_bases (distribution_id, council_id, survey_id, "
                "question_id, age_band, base) values (1, 1, 's', 'went', '', 2)"
            )
        )
    engine.dispose()

    migrate_database(database_url)

    engine = make_engine(database_url)
    with engine.connect() as connection:
        keys = dict(connection.execute(sa.text("select id, cell_key from responses")).all())
        yes_sum = connection.execute(sa.text("select key_sum from answer_counts")).scalar_one()
        base_sum = connection.execute(sa.text("select key_sum from question_bases")).scalar_one()
    engine.dispose()
    assert len(set(keys.values())) == 4 and all(0 <= key < KEY_RANGE for key in keys.values())
    assert yes_sum == base_sum == keys[1] + keys[2]

    command.downgrade(_alembic(database_url), "0010")
    engine = make_engine(database_url)
    with engine.connect() as connection:
        found = connection.execute(sa.text("select * from responses")).keys()
    engine.dispose()
    assert "cell_key" not in found
