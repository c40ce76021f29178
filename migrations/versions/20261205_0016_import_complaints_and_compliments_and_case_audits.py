"""Keep complaints and compliments imported from councils' logs (the month only, the words
encrypted until anonymised, a keyed hash per row so a log imported twice adds nothing), and
case-file audits (a keyed hash of the case reference, never the reference); let surveys be
audit forms

Revision ID: 0016
Revises: 0014 (the lead re-chains it after 0015 at merge)
Create Date: 2026-12-05 23:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

AUDIENCES_BEFORE = ("child", "practitioner")
AUDIENCES_AFTER = ("child", "practitioner", "auditor")


def _replace_audiences(audiences: tuple[str, ...]) -> None:
    """The surveys table's rule on which audiences a survey may have."""
    listed = ", ".join(f"'{audience}'" for audience in audiences)

    def replace() -> None:
        with op.batch_alter_table("surveys", schema=None) as batch_op:
            batch_op.drop_constraint(op.f("ck_surveys_audience"), type_="check")
            batch_op.create_check_constraint("audience", f"audience in ({listed})")

    if op.get_bind().dialect.name != "sqlite":
        replace()
        return
    # SQLite changes a constraint by copying the table, and refuses to drop a table that other
    # rows point at while foreign keys are on; the pragma only changes outside a transaction.
    with op.get_context().autocommit_block():
        op.execute("PRAGMA foreign_keys=OFF")
        try:
            replace()
        finally:
            op.execute("PRAGMA foreign_keys=ON")


def upgrade() -> None:
    op.create_table(
        "feedback_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("council_id", sa.Integer(), nullable=False),
        sa.Column("received_month", sa.String(length=7), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("sender", sa.String(length=20), nullable=False),
        sa.Column("service", sa.String(length=200), server_default="", nullable=False),
        sa.Column("row_key", sa.String(length=64), nullable=False),
        sa.Column("ciphertext", sa.LargeBinary(), nullable=True),
        sa.Column("redacted", sa.Text(), nullable=True),
        sa.Column("raw_destroyed_on", sa.Date(), nullable=True),
        sa.Column("held_back", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("processing_attempts", sa.Integer(), server_default="0", nullable=False),
        sa.CheckConstraint(
            "ciphertext is null or redacted is null", name=op.f("ck_feedback_items_raw_or_redacted")
        ),
        sa.CheckConstraint("length(received_month) = 7", name=op.f("ck_feedback_items_month_only")),
        sa.CheckConstraint(
            "kind in ('complaint', 'compliment', 'comment')", name=op.f("ck_feedback_items_kind")
        ),
        sa.CheckConstraint(
            "sender in ('child', 'parent', 'carer', 'advocate', 'professional', 'other')",
            name=op.f("ck_feedback_items_sender"),
        ),
        sa.ForeignKeyConstraint(
            ["council_id"], ["councils.id"], name=op.f("fk_feedback_items_council_id_councils")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback_items")),
        sa.UniqueConstraint("council_id", "row_key", name="uq_feedback_items_row"),
    )
    op.create_index(
        op.f("ix_feedback_items_council_id"), "feedback_items", ["council_id"], unique=False
    )
    op.create_index(op.f("ix_feedback_items_received_month"), "feedback_items", ["received_month"])
    op.create_table(
        "case_audits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("council_id", sa.Integer(), nullable=False),
        sa.Column("survey_id", sa.String(length=100), nullable=False),
        sa.Column("survey_version", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=10), nullable=False),
        sa.Column("case_hash", sa.String(length=64), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("notes_ciphertext", sa.LargeBinary(), nullable=True),
        sa.Column("notes_redacted", sa.Text(), nullable=True),
        sa.Column("raw_destroyed_on", sa.Date(), nullable=True),
        sa.Column("held_back", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("processing_attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("cell_key", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "notes_ciphertext is null or notes_redacted is null",
            name=op.f("ck_case_audits_raw_or_redacted"),
        ),
        sa.ForeignKeyConstraint(
            ["council_id"], ["councils.id"], name=op.f("fk_case_audits_council_id_councils")
        ),
        sa.ForeignKeyConstraint(
            ["survey_id"], ["surveys.id"], name=op.f("fk_case_audits_survey_id_surveys")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_audits")),
        sa.UniqueConstraint(
            "council_id", "survey_id", "period", "case_hash", name="uq_case_audits_once"
        ),
    )
    op.create_index(op.f("ix_case_audits_council_id"), "case_audits", ["council_id"])
    op.create_index(op.f("ix_case_audits_survey_id"), "case_audits", ["survey_id"])
    op.create_index(op.f("ix_case_audits_period"), "case_audits", ["period"])
    _replace_audiences(AUDIENCES_AFTER)


def downgrade() -> None:
    op.drop_table("case_audits")
    op.drop_table("feedback_items")
    # Audit forms (and anything else this revision allowed) go, with what was published about
    # them: those surveys have no distributions or responses, only publications.
    other = "SELECT id FROM surveys WHERE audience NOT IN ('child', 'practitioner')"
    op.execute(f"DELETE FROM publications WHERE survey_id IN ({other})")  # noqa: S608
    op.execute(f"DELETE FROM published_members WHERE survey_id IN ({other})")  # noqa: S608
    op.execute(f"DELETE FROM surveys WHERE id IN ({other})")  # noqa: S608
    _replace_audiences(AUDIENCES_BEFORE)
