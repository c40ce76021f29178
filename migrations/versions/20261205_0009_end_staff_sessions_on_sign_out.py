"""Give each staff account a session version, so signing out, a new password or deactivation ends
every session signed in before it; mark sign-in attempts refused during a lockout, so they do
not extend it.

Revision ID: 0009
Revises: 0007
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch_op:
        batch_op.add_column(
            sa.Column("session_version", sa.Integer(), nullable=False, server_default="0")
        )
    with op.batch_alter_table("login_attempts") as batch_op:
        batch_op.add_column(
            sa.Column("during_lockout", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("login_attempts") as batch_op:
        batch_op.drop_column("during_lockout")
    with op.batch_alter_table("users") as batch_op:
        batch_op.drop_column("session_version")
