"""Keep each publication period's counts and cell key sums per distribution, wave, age band,
question and option (period_counts), filled from the responses already counted, so a closed
period's download reads a few hundred rows instead of every answer.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from survey_app.answers import answer_cells

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    bind = op.get_bind()
    period_counts = op.create_table(
        "period_counts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("distribution_id", sa.Integer(), nullable=False),
        sa.Column("council_id", sa.Integer(), nullable=False),
        sa.Column("survey_id", sa.String(length=100), nullable=False),
        sa.Column("period", sa.String(length=10), nullable=False),
        sa.Column("wave", sa.String(length=40), server_default="", nullable=False),
        sa.Column("age_band", sa.String(length=40), server_default="", nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("question_id", sa.String(length=100), server_default="", nullable=False),
        sa.Column("option", sa.String(length=100), server_default="", nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("key_sum", sa.BigInteger(), server_default="0", nullable=False),
        sa.ForeignKeyConstraint(
            ["distribution_id"],
            ["distributions.id"],
            name=op.f("fk_period_counts_distribution_id_distributions"),
        ),
        sa.ForeignKeyConstraint(
            ["council_id"], ["councils.id"], name=op.f("fk_period_counts_council_id_councils")
        ),
        sa.ForeignKeyConstraint(
            ["survey_id"], ["surveys.id"], name=op.f("fk_period_counts_survey_id_surveys")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_period_counts")),
        sa.UniqueConstraint(
            "distribution_id",
            "period",
            "wave",
            "age_band",
            "kind",
            "question_id",
            "option",
            name="uq_period_counts_cell",
        ),
    )
    op.create_index(
        "ix_period_counts_survey_period",
        "period_counts",
        ["survey_id", "period", "council_id"],
    )
    # The responses counted in time so far, counted as the worker counts them
    # (`answers.answer_cells`); a replaced answer is among the responses but not the cells.
    counted = sa.text(
        "select r.id, r.distribution_id, d.council_id, d.survey_id, r.period, r.wave, "
        "r.age_band, r.answers, r.superseded, r.cell_key from responses r "
        "join distributions d on d.id = r.distribution_id "
        "where r.aggregated and not r.late and r.id > :after order by r.id limit 5000"
    )
    totals: dict[tuple[object, ...], list[int]] = defaultdict(lambda: [0, 0])
    after = 0
    while True:
        rows = bind.execute(counted, {"after": after}).all()
        if not rows:
            break
        for found in rows:
            after = found.id
            answers = found.answers
            if isinstance(answers, str):  # SQLite hands JSON back as text here
                answers = json.loads(answers)
            place = (
                found.distribution_id,
                found.council_id,
                found.survey_id,
                found.period,
                found.wave or "",
                found.age_band or "",
            )
            cell_key = int(found.cell_key or 0)
            cells: list[tuple[str, str, str]] = [("responses", "", "")]
            if not found.superseded:
                answered, questions = answer_cells(answers or {})
                cells += [("cell", question, option) for question, option in answered]
                cells += [("base", question, "") for question in questions]
            for kind, question, option in cells:
                total = totals[(*place, kind, question, option)]
                total[0] += 1
                total[1] += cell_key
    if totals:
        op.bulk_insert(
            period_counts,
            [
                {
                    "distribution_id": key[0],
                    "council_id": key[1],
                    "survey_id": key[2],
                    "period": key[3],
                    "wave": key[4],
                    "age_band": key[5],
                    "kind": key[6],
                    "question_id": key[7],
                    "option": key[8],
                    "count": count,
                    "key_sum": key_sum,
                }
                for key, (count, key_sum) in totals.items()
            ],
        )


def downgrade() -> None:
    op.drop_index("ix_period_counts_survey_period", table_name="period_counts")
    op.drop_table("period_counts")
