"""account security, web access, audit, images

Canaries, indicators and link checks (account-takeover and phishing signals); trainer
assignments, sessions, API tokens, login attempts, audit log and playbook progress (web
interface); image hashes and counters (leaked images); worker heartbeats (status).
Existing activists keep no images by default.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('counter',
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('value', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('name')
    )
    op.create_table('indicator',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('type', sa.String(length=32), nullable=False),
    sa.Column('value', sa.String(length=512), nullable=False),
    sa.Column('threat', sa.String(length=128), nullable=False),
    sa.Column('origin', sa.String(length=256), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('type', 'value', name='uq_indicator')
    )
    with op.batch_alter_table('indicator', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_indicator_value'), ['value'], unique=False)

    op.create_table('login_attempt',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key_lookup', sa.String(length=64), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('login_attempt', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_login_attempt_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_login_attempt_key_lookup'), ['key_lookup'], unique=False)

    op.create_table('worker',
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('cycles', sa.Integer(), nullable=False),
    sa.Column('last_cycle_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('name')
    )
    op.create_table('canary',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('activist_id', sa.Integer(), nullable=False),
    sa.Column('token_lookup', sa.String(length=64), nullable=False),
    sa.Column('token_enc', sa.LargeBinary(), nullable=False),
    sa.Column('label_enc', sa.LargeBinary(), nullable=False),
    sa.Column('hits', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_hit_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['activist_id'], ['activist.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token_lookup')
    )
    with op.batch_alter_table('canary', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_canary_activist_id'), ['activist_id'], unique=False)

    op.create_table('image_hash',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('activist_id', sa.Integer(), nullable=False),
    sa.Column('hash_enc', sa.LargeBinary(), nullable=False),
    sa.Column('quality', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['activist_id'], ['activist.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('image_hash', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_image_hash_activist_id'), ['activist_id'], unique=False)

    op.create_table('api_token',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_lookup', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=128), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token_lookup')
    )
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_token_user_id'), ['user_id'], unique=False)

    op.create_table('audit_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.Column('action', sa.String(length=32), nullable=False),
    sa.Column('target', sa.String(length=64), nullable=False),
    sa.Column('detail_enc', sa.LargeBinary(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_entry_at'), ['at'], unique=False)

    op.create_table('link_check',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('activist_id', sa.Integer(), nullable=True),
    sa.Column('url_enc', sa.LargeBinary(), nullable=False),
    sa.Column('verdict', sa.String(length=16), nullable=False),
    sa.Column('reasons_enc', sa.LargeBinary(), nullable=False),
    sa.Column('incident_id', sa.Integer(), nullable=True),
    sa.Column('checked_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['activist_id'], ['activist.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['incident_id'], ['incident.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('link_check', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_link_check_activist_id'), ['activist_id'], unique=False)

    op.create_table('playbook_step',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('incident_id', sa.Integer(), nullable=False),
    sa.Column('playbook_id', sa.String(length=64), nullable=False),
    sa.Column('step_key', sa.String(length=16), nullable=False),
    sa.Column('done_by', sa.String(length=64), nullable=False),
    sa.Column('done_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['incident_id'], ['incident.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('incident_id', 'playbook_id', 'step_key', name='uq_playbook_step')
    )
    with op.batch_alter_table('playbook_step', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_playbook_step_incident_id'), ['incident_id'], unique=False)

    op.create_table('trainer_assignment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('activist_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['activist_id'], ['activist.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('user_id', 'activist_id', name='uq_assignment')
    )
    with op.batch_alter_table('trainer_assignment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_trainer_assignment_activist_id'), ['activist_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_trainer_assignment_user_id'), ['user_id'], unique=False)

    op.create_table('web_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_lookup', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('csrf_token', sa.String(length=64), nullable=False),
    sa.Column('second_factor_done', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token_lookup')
    )
    with op.batch_alter_table('web_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_web_session_expires_at'), ['expires_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_web_session_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('activist', schema=None) as batch_op:
        batch_op.add_column(sa.Column('keep_images', sa.Boolean(), nullable=False, server_default=sa.false()))

    with op.batch_alter_table('source', schema=None) as batch_op:
        batch_op.add_column(sa.Column('secret_enc', sa.LargeBinary(), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('source', schema=None) as batch_op:
        batch_op.drop_column('secret_enc')

    with op.batch_alter_table('activist', schema=None) as batch_op:
        batch_op.drop_column('keep_images')

    with op.batch_alter_table('web_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_web_session_user_id'))
        batch_op.drop_index(batch_op.f('ix_web_session_expires_at'))

    op.drop_table('web_session')
    with op.batch_alter_table('trainer_assignment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_trainer_assignment_user_id'))
        batch_op.drop_index(batch_op.f('ix_trainer_assignment_activist_id'))

    op.drop_table('trainer_assignment')
    with op.batch_alter_table('playbook_step', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_playbook_step_incident_id'))

    op.drop_table('playbook_step')
    with op.batch_alter_table('link_check', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_link_check_activist_id'))

    op.drop_table('link_check')
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_entry_at'))

    op.drop_table('audit_entry')
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_token_user_id'))

    op.drop_table('api_token')
    with op.batch_alter_table('image_hash', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_image_hash_activist_id'))

    op.drop_table('image_hash')
    with op.batch_alter_table('canary', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_canary_activist_id'))

    op.drop_table('canary')
    op.drop_table('worker')
    with op.batch_alter_table('login_attempt', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_login_attempt_key_lookup'))
        batch_op.drop_index(batch_op.f('ix_login_attempt_at'))

    op.drop_table('login_attempt')
    with op.batch_alter_table('indicator', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_indicator_value'))

    op.drop_table('indicator')
    op.drop_table('counter')
