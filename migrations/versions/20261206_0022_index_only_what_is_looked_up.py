"""Index only what is looked up, so Send's insert writes fewer index entries.

Send writes a row in `responses` and one in `free_texts` for each written answer; each index on
those tables costs an entry (and the worker's updates, which change indexed columns, another).
Four indexes were on booleans that are mostly one value, one duplicated a unique index, and one
was never searched:

- `ix_responses_anonymised` and `ix_responses_aggregated` become one partial index,
  `ix_responses_unprocessed`, holding only responses not yet both anonymised and counted (what
  the sweeper, /healthz and the backlog look for);
- `ix_responses_superseded` goes: no query looks for superseded responses by that column alone;
- `ix_responses_link_hash` holds only the practitioners' answers that carry a link hash;
- `ix_responses_self_link_hash` goes: the self-generated code's hash is read, never searched;
- `ix_free_texts_response_id` goes: `uq_free_texts_response_question` starts with the same column;
- `ix_free_texts_held_back` holds only held-back answers.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _where(postgresql: str, sqlite: str) -> dict[str, sa.TextClause]:
    # The same condition as the queries write it on each database, so each planner uses the index.
    return {"postgresql_where": sa.text(postgresql), "sqlite_where": sa.text(sqlite)}


def upgrade() -> None:
    with op.batch_alter_table("responses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_responses_anonymised"))
        batch_op.drop_index(batch_op.f("ix_responses_aggregated"))
        batch_op.drop_index(batch_op.f("ix_responses_superseded"))
        batch_op.drop_index(batch_op.f("ix_responses_self_link_hash"))
        batch_op.drop_index(batch_op.f("ix_responses_link_hash"))
    op.create_index(
        "ix_responses_unprocessed",
        "responses",
        ["id"],
        **_where(
            "anonymised IS false OR aggregated IS false", "anonymised IS 0 OR aggregated IS 0"
        ),
    )
    op.create_index(
        "ix_responses_link_hash",
        "responses",
        ["link_hash"],
        **_where("link_hash IS NOT NULL", "link_hash IS NOT NULL"),
    )
    with op.batch_alter_table("free_texts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_free_texts_response_id"))
        batch_op.drop_index(batch_op.f("ix_free_texts_held_back"))
    op.create_index(
        "ix_free_texts_held_back",
        "free_texts",
        ["response_id"],
        **_where("held_back IS true", "held_back IS 1"),
    )


def downgrade() -> None:
    op.drop_index("ix_free_texts_held_back", table_name="free_texts")
    with op.batch_alter_table("free_texts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_free_texts_held_back"), ["held_back"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_free_texts_response_id"), ["response_id"], unique=False
        )
    op.drop_index("ix_responses_link_hash", table_name="responses")
    op.drop_index("ix_responses_unprocessed", table_name="responses")
    with op.batch_alter_table("responses", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_responses_link_hash"), ["link_hash"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_responses_self_link_hash"), ["self_link_hash"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_responses_superseded"), ["superseded"], unique=False)
        batch_op.create_index(batch_op.f("ix_responses_aggregated"), ["aggregated"], unique=False)
        batch_op.create_index(batch_op.f("ix_responses_anonymised"), ["anonymised"], unique=False)
