"""Send a finished draft in one statement: the draft says when it may be (`sendable_version`),
and the response keeps it sealed (`sealed_draft`) until the worker opens it into answers and
free texts.

Drafts made before this have no sendable version, so Send opens them itself, as before.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("drafts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sendable_version", sa.Integer(), nullable=True))
    with op.batch_alter_table("responses", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sealed_draft", sa.LargeBinary(), nullable=True))


def downgrade() -> None:
    # A response still sealed cannot be opened here (the key is outside the database): going
    # down is refused while one waits, rather than dropping a child's answers.
    bind = op.get_bind()
    waiting = bind.execute(
        sa.text("SELECT count(*) FROM responses WHERE sealed_draft IS NOT NULL")
    ).scalar()
    if waiting:
        raise RuntimeError(
            f"{waiting} responses are still sealed drafts: run the worker until none is, "
            "then downgrade."
        )
    with op.batch_alter_table("responses", schema=None) as batch_op:
        batch_op.drop_column("sealed_draft")
    with op.batch_alter_table("drafts", schema=None) as batch_op:
        batch_op.drop_column("sendable_version")
