"""Link an action's "you said" to the approved quotes and the published figures that showed it
(action_quotes, action_figures); the free-text evidence stays as a note.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "action_quotes",
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_id"],
            ["actions.id"],
            name=op.f("fk_action_quotes_action_id_actions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["theme_items.id"],
            name=op.f("fk_action_quotes_item_id_theme_items"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("action_id", "item_id", name=op.f("pk_action_quotes")),
    )
    op.create_index(op.f("ix_action_quotes_item_id"), "action_quotes", ["item_id"])
    op.create_table(
        "action_figures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("survey_id", sa.String(length=100), nullable=False),
        sa.Column("question_id", sa.String(length=100), nullable=False),
        sa.Column("option", sa.String(length=100), nullable=False),
        sa.Column("period", sa.String(length=10), server_default="", nullable=False),
        sa.ForeignKeyConstraint(
            ["action_id"],
            ["actions.id"],
            name=op.f("fk_action_figures_action_id_actions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["survey_id"], ["surveys.id"], name=op.f("fk_action_figures_survey_id_surveys")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_figures")),
        sa.UniqueConstraint(
            "action_id", "survey_id", "question_id", "option", "period", name="uq_action_figures"
        ),
    )
    op.create_index(op.f("ix_action_figures_action_id"), "action_figures", ["action_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_action_figures_action_id"), table_name="action_figures")
    op.drop_table("action_figures")
    op.drop_index(op.f("ix_action_quotes_item_id"), table_name="action_quotes")
    op.drop_table("action_quotes")
