"""Link a practitioner's answers across waves by keyed hashes of their codes

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 16:24:11.085713
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('distributions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('wave', sa.String(length=40), server_default='', nullable=False))

    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.add_column(sa.Column('wave', sa.String(length=40), server_default='', nullable=False))
        batch_op.add_column(sa.Column('link_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('self_link_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('superseded', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.create_index(batch_op.f('ix_responses_link_hash'), ['link_hash'], unique=False)
        batch_op.create_index(batch_op.f('ix_responses_self_link_hash'), ['self_link_hash'], unique=False)
        batch_op.create_index(batch_op.f('ix_responses_superseded'), ['superseded'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_responses_superseded'))
        batch_op.drop_index(batch_op.f('ix_responses_self_link_hash'))
        batch_op.drop_index(batch_op.f('ix_responses_link_hash'))
        batch_op.drop_column('superseded')
        batch_op.drop_column('self_link_hash')
        batch_op.drop_column('link_hash')
        batch_op.drop_column('wave')

    with op.batch_alter_table('distributions', schema=None) as batch_op:
        batch_op.drop_column('wave')

