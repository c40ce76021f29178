"""Code every voice's free-text items against one theme codebook: the items (anonymised text,
month, a secret cell key), the suggester's proposals (never counted), each coder's confirmed
codes, approved quotes; and let the codebook have a surveys row to publish theme counts under

Revision ID: 0017
Revises: 0014
Create Date: 2026-12-05 23:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SURVEYS_BEFORE = "audience in ('child', 'practitioner', 'auditor')"
SURVEYS_AFTER = "audience in ('child', 'practitioner', 'auditor', 'codebook')"


def _foreign_keys(on: bool) -> None:
    """On SQLite, changing the check means copying the surveys table and dropping the old one,
    which every table that refers to a survey would refuse while foreign keys are enforced
    (the copy has the same ids, but SQLite counts the drop as deleting them). The pragma only
    takes effect outside a transaction: Alembic's autocommit block commits what came before,
    sets it, and begins again (Alembic's documented recipe). PostgreSQL alters in place."""
    if op.get_bind().dialect.name == "sqlite":
        with op.get_context().autocommit_block():
            op.execute(f"PRAGMA foreign_keys = {'ON' if on else 'OFF'}")


def upgrade() -> None:
    _foreign_keys(on=False)
    with op.batch_alter_table("surveys", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_surveys_audience"), type_="check")
        batch_op.create_check_constraint("audience", SURVEYS_AFTER)
    _foreign_keys(on=True)
    op.create_table(
        "theme_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("ref", sa.String(length=80), nullable=False),
        sa.Column("council_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("prompt", sa.Text(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("cell_key", sa.Integer(), nullable=False),
        sa.Column("suggested", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.CheckConstraint(
            "source in ('survey', 'focus_group', 'feedback', 'audit')",
            name=op.f("ck_theme_items_source"),
        ),
        sa.ForeignKeyConstraint(
            ["council_id"], ["councils.id"], name=op.f("fk_theme_items_council_id_councils")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_theme_items")),
        sa.UniqueConstraint("source", "ref", name="uq_theme_items_source_ref"),
    )
    op.create_index(op.f("ix_theme_items_council_id"), "theme_items", ["council_id"])
    op.create_index(op.f("ix_theme_items_month"), "theme_items", ["month"])
    op.create_index(op.f("ix_theme_items_suggested"), "theme_items", ["suggested"])
    op.create_table(
        "theme_suggestions",
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("theme_id", sa.String(length=60), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["theme_items.id"],
            name=op.f("fk_theme_suggestions_item_id_theme_items"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("item_id", "theme_id", name=op.f("pk_theme_suggestions")),
    )
    op.create_table(
        "theme_codings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("coder_id", sa.Integer(), nullable=False),
        sa.Column("coded_at", sa.DateTime(), nullable=False),
        sa.Column("counted", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["coder_id"], ["users.id"], name=op.f("fk_theme_codings_coder_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["theme_items.id"],
            name=op.f("fk_theme_codings_item_id_theme_items"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_theme_codings")),
        sa.UniqueConstraint("item_id", "coder_id", name="uq_theme_codings_item_coder"),
    )
    op.create_index(op.f("ix_theme_codings_item_id"), "theme_codings", ["item_id"])
    op.create_index(op.f("ix_theme_codings_coder_id"), "theme_codings", ["coder_id"])
    op.create_index(op.f("ix_theme_codings_counted"), "theme_codings", ["counted"])
    op.create_table(
        "theme_codes",
        sa.Column("coding_id", sa.Integer(), nullable=False),
        sa.Column("theme_id", sa.String(length=60), nullable=False),
        sa.ForeignKeyConstraint(
            ["coding_id"],
            ["theme_codings.id"],
            name=op.f("fk_theme_codes_coding_id_theme_codings"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("coding_id", "theme_id", name=op.f("pk_theme_codes")),
    )
    op.create_index(op.f("ix_theme_codes_theme_id"), "theme_codes", ["theme_id"])
    op.create_table(
        "approved_quotes",
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("approved_by_id", sa.Integer(), nullable=False),
        sa.Column("approved_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["approved_by_id"], ["users.id"], name=op.f("fk_approved_quotes_approved_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["theme_items.id"],
            name=op.f("fk_approved_quotes_item_id_theme_items"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("item_id", name=op.f("pk_approved_quotes")),
    )


def downgrade() -> None:
    op.drop_table("approved_quotes")
    op.drop_index(op.f("ix_theme_codes_theme_id"), table_name="theme_codes")
    op.drop_table("theme_codes")
    for name in ("counted", "coder_id", "item_id"):
        op.drop_index(op.f(f"ix_theme_codings_{name}"), table_name="theme_codings")
    op.drop_table("theme_codings")
    op.drop_table("theme_suggestions")
    for name in ("suggested", "month", "council_id"):
        op.drop_index(op.f(f"ix_theme_items_{name}"), table_name="theme_items")
    op.drop_table("theme_items")
    op.execute("DELETE FROM publications WHERE survey_id IN (SELECT id FROM surveys WHERE audience = 'codebook')")
    op.execute("DELETE FROM published_members WHERE survey_id IN (SELECT id FROM surveys WHERE audience = 'codebook')")
    op.execute("DELETE FROM surveys WHERE audience = 'codebook'")
    _foreign_keys(on=False)
    with op.batch_alter_table("surveys", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_surveys_audience"), type_="check")
        batch_op.create_check_constraint("audience", SURVEYS_BEFORE)
    _foreign_keys(on=True)
