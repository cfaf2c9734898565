"""subscriptions and alert delivery

Alerts now go to subscriptions (channel, destination, minimum severity, quiet hours,
language) instead of carrying their own destination; incidents keep the classifier's base
severity apart from the severity raised by spread. No code wrote alert rows before this
revision, so none exist to carry over.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "subscription",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("activist_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("destination_enc", sa.LargeBinary(), nullable=False),
        sa.Column("secret_enc", sa.LargeBinary(), nullable=True),
        sa.Column("min_severity", sa.String(length=16), nullable=False),
        sa.Column("quiet_start", sa.String(length=5), nullable=True),
        sa.Column("quiet_end", sa.String(length=5), nullable=True),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("lang", sa.String(length=2), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["activist_id"], ["activist.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("subscription", schema=None) as batch_op:
        batch_op.create_index("ix_subscription_activist_id", ["activist_id"], unique=False)

    with op.batch_alter_table("alert", schema=None) as batch_op:
        batch_op.add_column(sa.Column("subscription_id", sa.Integer(), nullable=False))
        batch_op.add_column(sa.Column("digest_key", sa.String(length=64), nullable=True))
        batch_op.create_index("ix_alert_subscription_id", ["subscription_id"], unique=False)
        batch_op.create_foreign_key(
            "fk_alert_subscription", "subscription", ["subscription_id"], ["id"], ondelete="CASCADE"
        )
        batch_op.drop_column("destination_enc")

    with op.batch_alter_table("incident", schema=None) as batch_op:
        batch_op.add_column(sa.Column("base_severity", sa.String(length=16), nullable=True))
    op.execute("UPDATE incident SET base_severity = severity")
    with op.batch_alter_table("incident", schema=None) as batch_op:
        batch_op.alter_column("base_severity", existing_type=sa.String(length=16), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("incident", schema=None) as batch_op:
        batch_op.drop_column("base_severity")

    op.execute("DELETE FROM alert")
    with op.batch_alter_table("alert", schema=None) as batch_op:
        batch_op.add_column(sa.Column("destination_enc", sa.LargeBinary(), nullable=False))
        batch_op.drop_constraint("fk_alert_subscription", type_="foreignkey")
        batch_op.drop_index("ix_alert_subscription_id")
        batch_op.drop_column("digest_key")
        batch_op.drop_column("subscription_id")

    with op.batch_alter_table("subscription", schema=None) as batch_op:
        batch_op.drop_index("ix_subscription_activist_id")
    op.drop_table("subscription")
