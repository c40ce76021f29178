"""Record "you said, we did" actions for a council or the region, with their child-friendly words
per language, which children see only once a council lead or admin has approved them.

Revision ID: 0018
Revises: 0014
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "actions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("council_id", sa.Integer(), nullable=True),
        sa.Column("you_said", sa.Text(), nullable=False),
        sa.Column("we_did", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False, server_default="planned"),
        sa.Column("themes", sa.JSON(), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False, server_default=""),
        sa.Column("owner_role", sa.String(length=200), nullable=False, server_default=""),
        sa.Column("acted_on", sa.Date(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("measure_survey_id", sa.String(length=100), nullable=True),
        sa.Column("measure_question", sa.String(length=100), nullable=False, server_default=""),
        sa.Column("measure_option", sa.String(length=100), nullable=False, server_default=""),
        sa.Column("created_on", sa.Date(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("approved_on", sa.Date(), nullable=True),
        sa.Column("approved_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("status in ('planned', 'doing', 'done')", name=op.f("ck_actions_status")),
        sa.CheckConstraint(
            "(approved_on is null) = (approved_by_id is null)",
            name=op.f("ck_actions_approved_by_someone"),
        ),
        sa.ForeignKeyConstraint(
            ["council_id"], ["councils.id"], name=op.f("fk_actions_council_id_councils")
        ),
        sa.ForeignKeyConstraint(
            ["measure_survey_id"],
            ["surveys.id"],
            name=op.f("fk_actions_measure_survey_id_surveys"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_actions_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["approved_by_id"], ["users.id"], name=op.f("fk_actions_approved_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_actions")),
    )
    op.create_index(op.f("ix_actions_council_id"), "actions", ["council_id"])
    op.create_index(op.f("ix_actions_approved_on"), "actions", ["approved_on"])
    op.create_table(
        "action_texts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=12), nullable=False),
        sa.Column("you_said", sa.Text(), nullable=False),
        sa.Column("we_did", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_id"],
            ["actions.id"],
            name=op.f("fk_action_texts_action_id_actions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_texts")),
        sa.UniqueConstraint("action_id", "language", name="uq_action_texts_language"),
    )
    op.create_index(op.f("ix_action_texts_action_id"), "action_texts", ["action_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_action_texts_action_id"), table_name="action_texts")
    op.drop_table("action_texts")
    op.drop_index(op.f("ix_actions_approved_on"), table_name="actions")
    op.drop_index(op.f("ix_actions_council_id"), table_name="actions")
    op.drop_table("actions")
