"""Track exports of anonymised responses that workers build into files

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28 18:08:18.760404
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('exports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('survey_id', sa.String(length=100), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=False),
    sa.Column('format', sa.String(length=10), nullable=False),
    sa.Column('council', sa.String(length=200), nullable=True),
    sa.Column('submitted_from', sa.Date(), nullable=True),
    sa.Column('submitted_to', sa.Date(), nullable=True),
    sa.Column('distribution', sa.String(length=32), nullable=True),
    sa.Column('scope', sa.String(length=300), nullable=False),
    sa.Column('council_ids', sa.JSON(), nullable=False),
    sa.Column('distribution_id', sa.Integer(), nullable=True),
    sa.Column('published_responses', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), server_default='queued', nullable=False),
    sa.Column('attempts', sa.Integer(), server_default='0', nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=True),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.Column('rows', sa.Integer(), nullable=True),
    sa.Column('file_size', sa.BigInteger(), nullable=True),
    sa.Column('file_name', sa.String(length=200), nullable=True),
    sa.Column('error', sa.Text(), server_default='', nullable=False),
    sa.CheckConstraint("format in ('csv', 'xlsx')", name=op.f('ck_exports_format')),
    sa.CheckConstraint("status in ('queued', 'running', 'ready', 'failed', 'expired')", name=op.f('ck_exports_status')),
    sa.ForeignKeyConstraint(['distribution_id'], ['distributions.id'], name=op.f('fk_exports_distribution_id_distributions')),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_exports_requested_by_id_users')),
    sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'], name=op.f('fk_exports_survey_id_surveys')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exports'))
    )
    with op.batch_alter_table('exports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_exports_requested_by_id'), ['requested_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_exports_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_exports_survey_id'), ['survey_id'], unique=False)

    op.create_table('export_publications',
    sa.Column('export_id', sa.Integer(), nullable=False),
    sa.Column('publication_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['export_id'], ['exports.id'], name=op.f('fk_export_publications_export_id_exports'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['publication_id'], ['publications.id'], name=op.f('fk_export_publications_publication_id_publications')),
    sa.PrimaryKeyConstraint('export_id', 'publication_id', name=op.f('pk_export_publications'))
    )


def downgrade() -> None:
    op.drop_table('export_publications')
    with op.batch_alter_table('exports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_exports_survey_id'))
        batch_op.drop_index(batch_op.f('ix_exports_status'))
        batch_op.drop_index(batch_op.f('ix_exports_requested_by_id'))

    op.drop_table('exports')
