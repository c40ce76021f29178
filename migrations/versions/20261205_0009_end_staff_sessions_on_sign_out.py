"""Give each staff account a session version, so signing out, a new password or deactivation ends
every session signed in before it; mark sign-in attempts refused during a lockout, so they do
not extend it.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMN (no table copy on SQLite): rows elsewhere refer to users, and copying
    # the table would break those references with foreign keys enforced.
    op.add_column(
        "users", sa.Column("session_version", sa.Integer(), nullable=False, server_default="0")
    )
    op.add_column(
        "login_attempts",
        sa.Column("during_lockout", sa.Boolean(), nullable=False, server_default=sa.false()),
    )


def downgrade() -> None:
    # DROP COLUMN in place (SQLite 3.35+), for the same reason.
    op.drop_column("login_attempts", "during_lockout")
    op.drop_column("users", "session_version")
