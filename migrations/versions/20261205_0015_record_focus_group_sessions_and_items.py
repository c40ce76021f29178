"""Record focus-group sessions (how many took part by age band, that consent was recorded,
never who) and their items (words encrypted until anonymised, counts, photo hashes)

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-05 23:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "focus_group_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("council_id", sa.Integer(), nullable=False),
        sa.Column("guide_id", sa.String(length=100), nullable=False),
        sa.Column("guide_version", sa.Integer(), nullable=False),
        sa.Column("participant_group", sa.String(length=20), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("participants", sa.JSON(), nullable=False),
        sa.Column("consent_recorded", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=10), server_default="open", nullable=False),
        sa.Column("created_on", sa.Date(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("concern_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "consent_recorded", name=op.f("ck_focus_group_sessions_consent_recorded")
        ),
        sa.CheckConstraint(
            "status in ('open', 'closed')", name=op.f("ck_focus_group_sessions_status")
        ),
        sa.ForeignKeyConstraint(
            ["council_id"],
            ["councils.id"],
            name=op.f("fk_focus_group_sessions_council_id_councils"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_focus_group_sessions_created_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["concern_id"],
            ["concerns.id"],
            name=op.f("fk_focus_group_sessions_concern_id_concerns"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_focus_group_sessions")),
    )
    with op.batch_alter_table("focus_group_sessions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_focus_group_sessions_council_id"), ["council_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_focus_group_sessions_guide_id"), ["guide_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_focus_group_sessions_held_on"), ["held_on"], unique=False
        )

    op.create_table(
        "focus_group_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("prompt_id", sa.String(length=100), nullable=True),
        sa.Column("prompt_words", sa.String(length=300), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("added_on", sa.Date(), nullable=False),
        sa.Column("ciphertext", sa.LargeBinary(), nullable=True),
        sa.Column("redacted", sa.Text(), nullable=True),
        sa.Column("raw_destroyed_on", sa.Date(), nullable=True),
        sa.Column("processed", sa.Boolean(), nullable=False),
        sa.Column("held_back", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("processing_attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("counts", sa.JSON(), nullable=True),
        sa.Column("photo_hash", sa.String(length=64), nullable=True),
        sa.CheckConstraint(
            "ciphertext is null or redacted is null",
            name=op.f("ck_focus_group_items_raw_or_redacted"),
        ),
        sa.CheckConstraint(
            "kind in ('note', 'quote', 'sticky_note', 'votes', 'show_of_hands', 'photo')",
            name=op.f("ck_focus_group_items_kind"),
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["focus_group_sessions.id"],
            name=op.f("fk_focus_group_items_session_id_focus_group_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_focus_group_items")),
    )
    with op.batch_alter_table("focus_group_items", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_focus_group_items_session_id"), ["session_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_focus_group_items_processed"), ["processed"], unique=False
        )


def downgrade() -> None:
    op.drop_table("focus_group_items")
    op.drop_table("focus_group_sessions")
