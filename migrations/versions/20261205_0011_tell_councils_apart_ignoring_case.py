"""Tell councils apart ignoring case: councils are managed records, and "suffolk" may not be
made beside "Suffolk"

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05 20:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Names were already looked up ignoring case, so clashes are unlikely; if there are any,
    # say which, so an operator can rename one (and move its distributions) before retrying.
    clashes = (
        op.get_bind()
        .execute(
            sa.text(
                "select lower(name) from councils group by lower(name) having count(*) > 1 "
                "order by lower(name)"
            )
        )
        .scalars()
        .all()
    )
    if clashes:
        raise RuntimeError(
            "These council names differ only in case; rename one of each before migrating: "
            + ", ".join(clashes)
        )
    op.create_index(
        "uq_councils_name_lower", "councils", [sa.text("lower(name)")], unique=True
    )


def downgrade() -> None:
    op.drop_index("uq_councils_name_lower", table_name="councils")
