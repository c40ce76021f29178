"""Keep safeguarding concerns, the raw words a lead must read, children's contact requests and
the emails about them apart from research data; add the safeguarding lead role; say who did what
to a concern, and when, in the audit log

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05 12:47:44.780471
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('concerns',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('council_id', sa.Integer(), nullable=False),
    sa.Column('distribution_id', sa.Integer(), nullable=True),
    sa.Column('survey_id', sa.String(length=100), nullable=True),
    sa.Column('response_id', sa.Integer(), nullable=True),
    sa.Column('origin', sa.String(length=20), nullable=False),
    sa.Column('level', sa.String(length=10), nullable=False),
    sa.Column('reasons', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=20), server_default='new', nullable=False),
    sa.Column('raised_at', sa.DateTime(), nullable=False),
    sa.Column('acknowledged_at', sa.DateTime(), nullable=True),
    sa.Column('acknowledged_by_id', sa.Integer(), nullable=True),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.Column('closed_by_id', sa.Integer(), nullable=True),
    sa.Column('action_taken', sa.Text(), server_default='', nullable=False),
    sa.Column('escalated_at', sa.DateTime(), nullable=True),
    sa.Column('escalations', sa.Integer(), server_default='0', nullable=False),
    sa.Column('raw_destroyed_on', sa.Date(), nullable=True),
    sa.CheckConstraint("level in ('alert', 'review')", name=op.f('ck_concerns_level')),
    sa.CheckConstraint("origin in ('answer', 'unsafe_link')", name=op.f('ck_concerns_origin')),
    sa.CheckConstraint("status in ('new', 'acknowledged', 'closed')", name=op.f('ck_concerns_status')),
    sa.ForeignKeyConstraint(['acknowledged_by_id'], ['users.id'], name=op.f('fk_concerns_acknowledged_by_id_users')),
    sa.ForeignKeyConstraint(['closed_by_id'], ['users.id'], name=op.f('fk_concerns_closed_by_id_users')),
    sa.ForeignKeyConstraint(['council_id'], ['councils.id'], name=op.f('fk_concerns_council_id_councils')),
    sa.ForeignKeyConstraint(['distribution_id'], ['distributions.id'], name=op.f('fk_concerns_distribution_id_distributions')),
    sa.ForeignKeyConstraint(['response_id'], ['responses.id'], name=op.f('fk_concerns_response_id_responses'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'], name=op.f('fk_concerns_survey_id_surveys')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_concerns')),
    sa.UniqueConstraint('response_id', name=op.f('uq_concerns_response_id'))
    )
    with op.batch_alter_table('concerns', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_concerns_council_id'), ['council_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_concerns_distribution_id'), ['distribution_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_concerns_raised_at'), ['raised_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_concerns_status'), ['status'], unique=False)

    op.create_table('concern_notifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('concern_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('round', sa.Integer(), server_default='0', nullable=False),
    sa.Column('status', sa.String(length=20), server_default='pending', nullable=False),
    sa.Column('attempts', sa.Integer(), server_default='0', nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.Column('last_error', sa.String(length=300), server_default='', nullable=False),
    sa.CheckConstraint("kind in ('alert', 'escalation')", name=op.f('ck_concern_notifications_kind')),
    sa.CheckConstraint("status in ('pending', 'sent')", name=op.f('ck_concern_notifications_status')),
    sa.ForeignKeyConstraint(['concern_id'], ['concerns.id'], name=op.f('fk_concern_notifications_concern_id_concerns'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_concern_notifications_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_concern_notifications')),
    sa.UniqueConstraint('concern_id', 'email', 'round', name='uq_concern_notifications_once')
    )
    with op.batch_alter_table('concern_notifications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_concern_notifications_concern_id'), ['concern_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_concern_notifications_status'), ['status'], unique=False)

    op.create_table('concern_texts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('concern_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.String(length=100), nullable=False),
    sa.Column('ciphertext', sa.LargeBinary(), nullable=False),
    sa.Column('reasons', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['concern_id'], ['concerns.id'], name=op.f('fk_concern_texts_concern_id_concerns'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_concern_texts')),
    sa.UniqueConstraint('concern_id', 'question_id', name='uq_concern_texts_question')
    )
    with op.batch_alter_table('concern_texts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_concern_texts_concern_id'), ['concern_id'], unique=False)

    op.create_table('contact_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('concern_id', sa.Integer(), nullable=False),
    sa.Column('sealed', sa.LargeBinary(), nullable=False),
    sa.Column('created_on', sa.Date(), nullable=False),
    sa.Column('destroy_on', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['concern_id'], ['concerns.id'], name=op.f('fk_contact_requests_concern_id_concerns'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contact_requests')),
    sa.UniqueConstraint('concern_id', name=op.f('uq_contact_requests_concern_id'))
    )
    with op.batch_alter_table('contact_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contact_requests_destroy_on'), ['destroy_on'], unique=False)

    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('actor_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('occurred_at', sa.DateTime(), nullable=True))
        batch_op.create_index(batch_op.f('ix_audit_events_actor_id'), ['actor_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_audit_events_actor_id_users'), 'users', ['actor_id'], ['id'])

    _replace_role_rules(ROLES_AFTER)



ROLES_BEFORE = ("admin", "facilitator", "council_lead")
ROLES_AFTER = ("admin", "facilitator", "council_lead", "safeguarding_lead")


def _replace_role_rules(roles: tuple[str, ...]) -> None:
    """The users table's role rules: which roles exist, and that council roles have a council."""
    listed = ", ".join(f"'{role}'" for role in roles)
    council_roles = ", ".join(f"'{role}'" for role in roles if role.endswith("_lead"))

    def replace() -> None:
        with op.batch_alter_table('users', schema=None) as batch_op:
            batch_op.drop_constraint(op.f('ck_users_role'), type_='check')
            batch_op.drop_constraint(op.f('ck_users_council_lead_has_council'), type_='check')
            batch_op.create_check_constraint('role', f"role in ({listed})")
            batch_op.create_check_constraint(
                'council_lead_has_council',
                f"role not in ({council_roles}) or council_id is not null",
            )

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


def downgrade() -> None:
    op.execute("DELETE FROM users WHERE role = 'safeguarding_lead'")
    _replace_role_rules(ROLES_BEFORE)
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_audit_events_actor_id_users'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_audit_events_actor_id'))
        batch_op.drop_column('occurred_at')
        batch_op.drop_column('actor_id')

    with op.batch_alter_table('contact_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contact_requests_destroy_on'))

    op.drop_table('contact_requests')
    with op.batch_alter_table('concern_texts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_concern_texts_concern_id'))

    op.drop_table('concern_texts')
    with op.batch_alter_table('concern_notifications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_concern_notifications_status'))
        batch_op.drop_index(batch_op.f('ix_concern_notifications_concern_id'))

    op.drop_table('concern_notifications')
    with op.batch_alter_table('concerns', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_concerns_status'))
        batch_op.drop_index(batch_op.f('ix_concerns_raised_at'))
        batch_op.drop_index(batch_op.f('ix_concerns_distribution_id'))
        batch_op.drop_index(batch_op.f('ix_concerns_council_id'))

    op.drop_table('concerns')
