"""Give each response a secret random cell key, and keep each precomputed count's sum of its
responses' keys, so published counts can be perturbed by the cell key method

Existing responses get fresh random keys (from the operating system's random source, in
batches), and the sums are worked out again from the counted responses' answers.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05 20:00:00
"""

from __future__ import annotations

import json
import secrets
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KEY_RANGE = 1 << 31
BATCH = 5000


def upgrade() -> None:
    with op.batch_alter_table("responses", schema=None) as batch_op:
        batch_op.add_column(sa.Column("cell_key", sa.Integer(), nullable=True))
    for table in ("answer_counts", "question_bases"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column("key_sum", sa.BigInteger(), server_default="0", nullable=False)
            )
    connection = op.get_bind()
    _give_keys(connection)
    _sum_keys(connection)
    with op.batch_alter_table("responses", schema=None) as batch_op:
        batch_op.alter_column("cell_key", existing_type=sa.Integer(), nullable=False)


def _give_keys(connection: Any) -> None:
    """A random key for every response, a batch of ids at a time."""
    last = 0
    while True:
        ids = [
            row[0]
            for row in connection.execute(
                sa.text("SELECT id FROM responses WHERE id > :last ORDER BY id LIMIT :batch"),
                {"last": last, "batch": BATCH},
            )
        ]
        if not ids:
            return
        connection.execute(
            sa.text("UPDATE responses SET cell_key = :key WHERE id = :id"),
            [{"id": response_id, "key": secrets.randbelow(KEY_RANGE)} for response_id in ids],
        )
        last = ids[-1]


def _sum_keys(connection: Any) -> None:
    """Each precomputed count's key sum, from the responses it counts (counted, not replaced),
    counted as the workers count them (each option a response gave, each question answered),
    per distribution, age band and wave (the counts' key since 0012)."""
    cells: dict[tuple[int, str, str, str, str], int] = defaultdict(int)
    bases: dict[tuple[int, str, str, str], int] = defaultdict(int)
    rows = connection.execute(
        sa.text(
            "SELECT distribution_id, age_band, wave, answers, cell_key FROM responses "
            "WHERE aggregated AND NOT superseded"
        )
    )
    for distribution_id, age_band, wave, answers, key in rows:
        if isinstance(answers, str):
            answers = json.loads(answers)
        split = (distribution_id, age_band or "", wave or "")
        for question_id, value in (answers or {}).items():
            chosen = value if isinstance(value, list) else [value]
            for option in dict.fromkeys(map(str, chosen)):
                cells[(*split, question_id, option)] += key
            bases[(*split, question_id)] += key
    if cells:
        connection.execute(
            sa.text(
                "UPDATE answer_counts SET key_sum = :total WHERE distribution_id = :d "
                "AND age_band = :band AND wave = :wave AND question_id = :q AND option = :o"
            ),
            [
                {"d": d, "band": band, "wave": wave, "q": q, "o": o, "total": total}
                for (d, band, wave, q, o), total in cells.items()
            ],
        )
    if bases:
        connection.execute(
            sa.text(
                "UPDATE question_bases SET key_sum = :total WHERE distribution_id = :d "
                "AND age_band = :band AND wave = :wave AND question_id = :q"
            ),
            [
                {"d": d, "band": band, "wave": wave, "q": q, "total": total}
                for (d, band, wave, q), total in bases.items()
            ],
        )


def downgrade() -> None:
    for table in ("question_bases", "answer_counts"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("key_sum")
    with op.batch_alter_table("responses", schema=None) as batch_op:
        batch_op.drop_column("cell_key")
