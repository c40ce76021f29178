"""Keep which responses each council has had counted as bitmaps, filled from the responses.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BLOCK_BITS = 16
BLOCK_BYTES = 1 << (BLOCK_BITS - 3)


def upgrade() -> None:
    counted = op.create_table(
        "counted_members",
        sa.Column("survey_id", sa.String(length=100), nullable=False),
        sa.Column("council_id", sa.Integer(), nullable=False),
        sa.Column("block", sa.Integer(), nullable=False),
        sa.Column("bits", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["council_id"], ["councils.id"]),
        sa.ForeignKeyConstraint(["survey_id"], ["surveys.id"]),
        sa.PrimaryKeyConstraint("survey_id", "council_id", "block"),
    )
    blocks: dict[tuple[str, int, int], bytearray] = defaultdict(lambda: bytearray(BLOCK_BYTES))
    rows = op.get_bind().execute(
        sa.text(
            "select r.id, d.survey_id, d.council_id from responses r "
            "join distributions d on d.id = r.distribution_id where r.aggregated"
        )
    )
    for response_id, survey_id, council_id in rows:
        block = blocks[(survey_id, council_id, response_id >> BLOCK_BITS)]
        offset = response_id & ((1 << BLOCK_BITS) - 1)
        block[offset >> 3] |= 1 << (offset & 7)
    if blocks:
        op.bulk_insert(
            counted,
            [
                {"survey_id": s, "council_id": c, "block": b, "bits": bytes(bits)}
                for (s, c, b), bits in blocks.items()
            ],
        )


def downgrade() -> None:
    op.drop_table("counted_members")
