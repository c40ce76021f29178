"""Create the tables for surveys, distributions, responses, counts and facilitator accounts

Revision ID: 0001
Revises: 
Create Date: 2026-11-28 15:40:08.728400
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0001'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('councils',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_councils')),
    sa.UniqueConstraint('name', name=op.f('uq_councils_name'))
    )
    op.create_table('login_attempts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('attempted_at', sa.DateTime(), nullable=False),
    sa.Column('succeeded', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_attempts'))
    )
    with op.batch_alter_table('login_attempts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_login_attempts_email'), ['email'], unique=False)

    op.create_table('surveys',
    sa.Column('id', sa.String(length=100), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('audience', sa.String(length=20), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('checksum', sa.String(length=64), nullable=False),
    sa.Column('source', sa.Text(), nullable=False),
    sa.CheckConstraint("audience in ('child', 'practitioner')", name=op.f('ck_surveys_audience')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_surveys'))
    )
    op.create_table('worker_heartbeats',
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('seen_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_worker_heartbeats'))
    )
    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('password_hash', sa.String(length=200), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('council_id', sa.Integer(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.CheckConstraint("role != 'council_lead' or council_id is not null", name=op.f('ck_users_council_lead_has_council')),
    sa.CheckConstraint("role in ('admin', 'facilitator', 'council_lead')", name=op.f('ck_users_role')),
    sa.ForeignKeyConstraint(['council_id'], ['councils.id'], name=op.f('fk_users_council_id_councils')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('email', name=op.f('uq_users_email'))
    )
    op.create_table('api_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_on', sa.Date(), nullable=False),
    sa.Column('last_used_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_api_tokens_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_tokens_token_hash'))
    )
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_tokens_user_id'), ['user_id'], unique=False)

    op.create_table('distributions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('survey_id', sa.String(length=100), nullable=False),
    sa.Column('council_id', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=200), nullable=False),
    sa.Column('opens_on', sa.Date(), nullable=True),
    sa.Column('closes_on', sa.Date(), nullable=True),
    sa.Column('created_on', sa.Date(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('opens_on is null or closes_on is null or opens_on <= closes_on', name=op.f('ck_distributions_dates_in_order')),
    sa.ForeignKeyConstraint(['council_id'], ['councils.id'], name=op.f('fk_distributions_council_id_councils')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_distributions_created_by_id_users')),
    sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'], name=op.f('fk_distributions_survey_id_surveys')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_distributions')),
    sa.UniqueConstraint('code', name=op.f('uq_distributions_code'))
    )
    with op.batch_alter_table('distributions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_distributions_council_id'), ['council_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_distributions_survey_id'), ['survey_id'], unique=False)

    op.create_table('answer_counts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('distribution_id', sa.Integer(), nullable=False),
    sa.Column('council_id', sa.Integer(), nullable=False),
    sa.Column('survey_id', sa.String(length=100), nullable=False),
    sa.Column('question_id', sa.String(length=100), nullable=False),
    sa.Column('option', sa.String(length=100), nullable=False),
    sa.Column('age_band', sa.String(length=40), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['council_id'], ['councils.id'], name=op.f('fk_answer_counts_council_id_councils')),
    sa.ForeignKeyConstraint(['distribution_id'], ['distributions.id'], name=op.f('fk_answer_counts_distribution_id_distributions')),
    sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'], name=op.f('fk_answer_counts_survey_id_surveys')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_answer_counts')),
    sa.UniqueConstraint('distribution_id', 'question_id', 'option', 'age_band', name='uq_answer_counts_cell')
    )
    with op.batch_alter_table('answer_counts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_answer_counts_council_id'), ['council_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_answer_counts_survey_id'), ['survey_id'], unique=False)

    op.create_table('distribution_totals',
    sa.Column('distribution_id', sa.Integer(), nullable=False),
    sa.Column('responses', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['distribution_id'], ['distributions.id'], name=op.f('fk_distribution_totals_distribution_id_distributions')),
    sa.PrimaryKeyConstraint('distribution_id', name=op.f('pk_distribution_totals'))
    )
    op.create_table('drafts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('distribution_id', sa.Integer(), nullable=False),
    sa.Column('sealed_answers', sa.LargeBinary(), nullable=False),
    sa.Column('language', sa.String(length=12), nullable=False),
    sa.Column('read_aloud', sa.Boolean(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['distribution_id'], ['distributions.id'], name=op.f('fk_drafts_distribution_id_distributions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_drafts')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_drafts_token_hash'))
    )
    with op.batch_alter_table('drafts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_drafts_distribution_id'), ['distribution_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_drafts_expires_at'), ['expires_at'], unique=False)

    op.create_table('question_bases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('distribution_id', sa.Integer(), nullable=False),
    sa.Column('council_id', sa.Integer(), nullable=False),
    sa.Column('survey_id', sa.String(length=100), nullable=False),
    sa.Column('question_id', sa.String(length=100), nullable=False),
    sa.Column('age_band', sa.String(length=40), nullable=False),
    sa.Column('base', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['council_id'], ['councils.id'], name=op.f('fk_question_bases_council_id_councils')),
    sa.ForeignKeyConstraint(['distribution_id'], ['distributions.id'], name=op.f('fk_question_bases_distribution_id_distributions')),
    sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'], name=op.f('fk_question_bases_survey_id_surveys')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_question_bases')),
    sa.UniqueConstraint('distribution_id', 'question_id', 'age_band', name='uq_question_bases_cell')
    )
    with op.batch_alter_table('question_bases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_question_bases_council_id'), ['council_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_question_bases_survey_id'), ['survey_id'], unique=False)

    op.create_table('responses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('distribution_id', sa.Integer(), nullable=False),
    sa.Column('survey_version', sa.Integer(), nullable=False),
    sa.Column('submitted_on', sa.Date(), nullable=False),
    sa.Column('language', sa.String(length=12), nullable=False),
    sa.Column('age_band', sa.String(length=40), nullable=False),
    sa.Column('answers', sa.JSON(), nullable=False),
    sa.Column('anonymised', sa.Boolean(), nullable=False),
    sa.Column('aggregated', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['distribution_id'], ['distributions.id'], name=op.f('fk_responses_distribution_id_distributions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_responses'))
    )
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_responses_aggregated'), ['aggregated'], unique=False)
        batch_op.create_index(batch_op.f('ix_responses_anonymised'), ['anonymised'], unique=False)
        batch_op.create_index(batch_op.f('ix_responses_distribution_id'), ['distribution_id'], unique=False)

    op.create_table('free_texts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('response_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.String(length=100), nullable=False),
    sa.Column('ciphertext', sa.LargeBinary(), nullable=True),
    sa.Column('redacted', sa.Text(), nullable=True),
    sa.Column('raw_destroyed_on', sa.Date(), nullable=True),
    sa.CheckConstraint('ciphertext is null or redacted is null', name=op.f('ck_free_texts_raw_or_redacted')),
    sa.ForeignKeyConstraint(['response_id'], ['responses.id'], name=op.f('fk_free_texts_response_id_responses'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_free_texts')),
    sa.UniqueConstraint('response_id', 'question_id', name='uq_free_texts_response_question')
    )
    with op.batch_alter_table('free_texts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_free_texts_response_id'), ['response_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('free_texts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_free_texts_response_id'))

    op.drop_table('free_texts')
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_responses_distribution_id'))
        batch_op.drop_index(batch_op.f('ix_responses_anonymised'))
        batch_op.drop_index(batch_op.f('ix_responses_aggregated'))

    op.drop_table('responses')
    with op.batch_alter_table('question_bases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_question_bases_survey_id'))
        batch_op.drop_index(batch_op.f('ix_question_bases_council_id'))

    op.drop_table('question_bases')
    with op.batch_alter_table('drafts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_drafts_expires_at'))
        batch_op.drop_index(batch_op.f('ix_drafts_distribution_id'))

    op.drop_table('drafts')
    op.drop_table('distribution_totals')
    with op.batch_alter_table('answer_counts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_answer_counts_survey_id'))
        batch_op.drop_index(batch_op.f('ix_answer_counts_council_id'))

    op.drop_table('answer_counts')
    with op.batch_alter_table('distributions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_distributions_survey_id'))
        batch_op.drop_index(batch_op.f('ix_distributions_council_id'))

    op.drop_table('distributions')
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_tokens_user_id'))

    op.drop_table('api_tokens')
    op.drop_table('users')
    op.drop_table('worker_heartbeats')
    op.drop_table('surveys')
    with op.batch_alter_table('login_attempts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_login_attempts_email'))

    op.drop_table('login_attempts')
    op.drop_table('councils')
