"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0001'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('activist',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name_enc', sa.LargeBinary(), nullable=False),
    sa.Column('lang', sa.String(length=2), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('meta',
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('value', sa.String(), nullable=False),
    sa.PrimaryKeyConstraint('name')
    )
    op.create_table('app_user',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username_lookup', sa.String(length=64), nullable=False),
    sa.Column('username_enc', sa.LargeBinary(), nullable=False),
    sa.Column('password_hash', sa.String(length=256), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('activist_id', sa.Integer(), nullable=True),
    sa.Column('totp_secret_enc', sa.LargeBinary(), nullable=True),
    sa.Column('disabled', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['activist_id'], ['activist.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('username_lookup')
    )
    op.create_table('identifier',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('activist_id', sa.Integer(), nullable=False),
    sa.Column('type', sa.String(length=16), nullable=False),
    sa.Column('platform', sa.String(length=32), nullable=True),
    sa.Column('value_enc', sa.LargeBinary(), nullable=False),
    sa.Column('lookup', sa.String(length=64), nullable=False),
    sa.Column('unique_key', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['activist_id'], ['activist.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('type', 'unique_key', name='uq_identifier_owner')
    )
    with op.batch_alter_table('identifier', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_identifier_activist_id'), ['activist_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_identifier_lookup'), ['lookup'], unique=False)

    op.create_table('incident',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('activist_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('severity', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('title_enc', sa.LargeBinary(), nullable=False),
    sa.Column('story_key', sa.String(length=64), nullable=False),
    sa.Column('story_sketch', sa.String(), nullable=False),
    sa.Column('signals', sa.String(length=256), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('sightings_count', sa.Integer(), nullable=False),
    sa.Column('shareable', sa.Boolean(), nullable=False),
    sa.Column('alerted_severity', sa.String(length=16), nullable=True),
    sa.Column('first_seen', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_seen', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['activist_id'], ['activist.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('incident', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_incident_activist_id'), ['activist_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_incident_first_seen'), ['first_seen'], unique=False)
        batch_op.create_index(batch_op.f('ix_incident_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_incident_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_incident_story_key'), ['story_key'], unique=False)

    op.create_table('source',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('target_enc', sa.LargeBinary(), nullable=False),
    sa.Column('target_lookup', sa.String(length=64), nullable=False),
    sa.Column('name_enc', sa.LargeBinary(), nullable=True),
    sa.Column('activist_id', sa.Integer(), nullable=True),
    sa.Column('every_seconds', sa.Integer(), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('proxy_enc', sa.LargeBinary(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('next_check_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_checked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_success_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_error_enc', sa.LargeBinary(), nullable=True),
    sa.Column('last_error_code', sa.String(length=32), nullable=True),
    sa.Column('last_error_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('consecutive_failures', sa.Integer(), nullable=False),
    sa.Column('etag', sa.String(length=512), nullable=True),
    sa.Column('last_modified', sa.String(length=128), nullable=True),
    sa.Column('state_enc', sa.LargeBinary(), nullable=True),
    sa.Column('lease_owner', sa.String(length=64), nullable=True),
    sa.Column('lease_expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['activist_id'], ['activist.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('kind', 'target_lookup', name='uq_source_target')
    )
    with op.batch_alter_table('source', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_source_activist_id'), ['activist_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_source_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_source_next_check_at'), ['next_check_at'], unique=False)

    op.create_table('alert',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('incident_id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=32), nullable=False),
    sa.Column('destination_enc', sa.LargeBinary(), nullable=False),
    sa.Column('reason', sa.String(length=16), nullable=False),
    sa.Column('severity', sa.String(length=16), nullable=False),
    sa.Column('lang', sa.String(length=2), nullable=False),
    sa.Column('idempotency_key', sa.String(length=128), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_error', sa.String(length=512), nullable=True),
    sa.Column('lease_owner', sa.String(length=64), nullable=True),
    sa.Column('lease_expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['incident_id'], ['incident.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('idempotency_key')
    )
    with op.batch_alter_table('alert', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_alert_incident_id'), ['incident_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_alert_next_attempt_at'), ['next_attempt_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_alert_status'), ['status'], unique=False)

    op.create_table('capture',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=True),
    sa.Column('request_url_enc', sa.LargeBinary(), nullable=False),
    sa.Column('final_url_enc', sa.LargeBinary(), nullable=False),
    sa.Column('status', sa.Integer(), nullable=False),
    sa.Column('headers_enc', sa.LargeBinary(), nullable=False),
    sa.Column('body_enc', sa.LargeBinary(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('fetched_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['source_id'], ['source.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('capture', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_capture_sha256'), ['sha256'], unique=False)
        batch_op.create_index(batch_op.f('ix_capture_source_id'), ['source_id'], unique=False)

    op.create_table('incident_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('incident_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.Column('action', sa.String(length=32), nullable=False),
    sa.Column('from_status', sa.String(length=16), nullable=True),
    sa.Column('to_status', sa.String(length=16), nullable=True),
    sa.Column('note_enc', sa.LargeBinary(), nullable=True),
    sa.ForeignKeyConstraint(['incident_id'], ['incident.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('incident_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_incident_event_incident_id'), ['incident_id'], unique=False)

    op.create_table('seen_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('item_lookup', sa.String(length=64), nullable=False),
    sa.Column('content_lookup', sa.String(length=64), nullable=False),
    sa.Column('seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['source_id'], ['source.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('source_id', 'item_lookup', 'content_lookup', name='uq_seen_item')
    )
    with op.batch_alter_table('seen_item', schema=None) as batch_op:
        batch_op.create_index('ix_seen_content', ['source_id', 'content_lookup'], unique=False)

    op.create_table('chain_entry',
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('capture_id', sa.Integer(), nullable=False),
    sa.Column('capture_sha256', sa.String(length=64), nullable=False),
    sa.Column('meta_sha256', sa.String(length=64), nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('entry_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['capture_id'], ['capture.id'], ),
    sa.PrimaryKeyConstraint('seq'),
    sa.UniqueConstraint('capture_id'),
    sa.UniqueConstraint('entry_hash'),
    sa.UniqueConstraint('prev_hash')
    )
    op.create_table('sighting',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('incident_id', sa.Integer(), nullable=False),
    sa.Column('activist_id', sa.Integer(), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=True),
    sa.Column('capture_id', sa.Integer(), nullable=True),
    sa.Column('item_lookup', sa.String(length=64), nullable=False),
    sa.Column('url_enc', sa.LargeBinary(), nullable=True),
    sa.Column('title_enc', sa.LargeBinary(), nullable=True),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('evidence_enc', sa.LargeBinary(), nullable=True),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['activist_id'], ['activist.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['capture_id'], ['capture.id'], ),
    sa.ForeignKeyConstraint(['incident_id'], ['incident.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['source_id'], ['source.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('source_id', 'item_lookup', 'activist_id', name='uq_sighting_item')
    )
    with op.batch_alter_table('sighting', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sighting_incident_id'), ['incident_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('sighting', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sighting_incident_id'))

    op.drop_table('sighting')
    op.drop_table('chain_entry')
    with op.batch_alter_table('seen_item', schema=None) as batch_op:
        batch_op.drop_index('ix_seen_content')

    op.drop_table('seen_item')
    with op.batch_alter_table('incident_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_incident_event_incident_id'))

    op.drop_table('incident_event')
    with op.batch_alter_table('capture', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_capture_source_id'))
        batch_op.drop_index(batch_op.f('ix_capture_sha256'))

    op.drop_table('capture')
    with op.batch_alter_table('alert', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_alert_status'))
        batch_op.drop_index(batch_op.f('ix_alert_next_attempt_at'))
        batch_op.drop_index(batch_op.f('ix_alert_incident_id'))

    op.drop_table('alert')
    with op.batch_alter_table('source', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_source_next_check_at'))
        batch_op.drop_index(batch_op.f('ix_source_kind'))
        batch_op.drop_index(batch_op.f('ix_source_activist_id'))

    op.drop_table('source')
    with op.batch_alter_table('incident', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_incident_story_key'))
        batch_op.drop_index(batch_op.f('ix_incident_status'))
        batch_op.drop_index(batch_op.f('ix_incident_kind'))
        batch_op.drop_index(batch_op.f('ix_incident_first_seen'))
        batch_op.drop_index(batch_op.f('ix_incident_activist_id'))

    op.drop_table('incident')
    with op.batch_alter_table('identifier', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_identifier_lookup'))
        batch_op.drop_index(batch_op.f('ix_identifier_activist_id'))

    op.drop_table('identifier')
    op.drop_table('app_user')
    op.drop_table('meta')
    op.drop_table('activist')
