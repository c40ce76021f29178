"""Anonymise a complaint's or compliment's service as its words are: the service a council's log
gives is typed by staff and can hold a name ("Jo Pemberton's team"), so it is kept sealed
(service_ciphertext) until the worker has anonymised it, and `service` holds only the redaction.

Services imported before this were kept as typed and may hold a name; nothing here can
anonymise them (the key and the staff list are outside the database), so, failing closed, they
are cleared, here and on the theme items read from them (which then show the item's type, as an
item without a service always has).

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Cleared first: the new rule says a service waiting for the worker has no redaction yet.
    op.execute(
        "UPDATE theme_items SET prompt = CASE (SELECT kind FROM feedback_items"
        " WHERE 'feedback:' || CAST(feedback_items.id AS VARCHAR(20)) = theme_items.ref)"
        " WHEN 'complaint' THEN 'Complaint' WHEN 'compliment' THEN 'Compliment'"
        " ELSE 'Comment' END"
        " WHERE source = 'feedback'"
    )
    op.execute("UPDATE feedback_items SET service = ''")
    with op.batch_alter_table("feedback_items", schema=None) as batch_op:
        # Text: a redaction can be longer than the service as typed ("Ely" is "[LOCATION]").
        batch_op.alter_column(
            "service", existing_type=sa.String(length=200), type_=sa.Text(), existing_nullable=False
        )
        batch_op.add_column(sa.Column("service_ciphertext", sa.LargeBinary(), nullable=True))
        batch_op.create_check_constraint(
            "service_raw_or_redacted", "service_ciphertext is null or service = ''"
        )


def downgrade() -> None:
    # A service still sealed cannot be opened here: it is dropped with its column.
    with op.batch_alter_table("feedback_items", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_feedback_items_service_raw_or_redacted"), type_="check")
        batch_op.drop_column("service_ciphertext")
        batch_op.alter_column(
            "service", existing_type=sa.Text(), type_=sa.String(length=200), existing_nullable=False
        )
