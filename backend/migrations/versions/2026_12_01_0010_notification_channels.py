"""Notification channels (email, Slack, signed webhooks) and their delivery log.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from costwatch.models.base import BigId, now_on_update

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create ``notification_channel`` and ``notification_delivery``."""
    op.create_table(
        "notification_channel",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("target", sa.String(500), nullable=False),
        sa.Column("secret", sa.Text()),
        sa.Column("enabled", sa.Boolean(), nullable=False, server_default="1"),
        sa.Column("kinds", sa.String(100), nullable=False),
        sa.Column(
            "created_at", sa.TIMESTAMP(), nullable=False,
            server_default=sa.func.current_timestamp(),
        ),
        sa.Column("updated_at", sa.TIMESTAMP(), nullable=False, server_default=now_on_update()),
        sa.PrimaryKeyConstraint("id", name="pk_notification_channel"),
    )  # fmt: skip
    op.create_table(
        "notification_delivery",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("channel_id", BigId, nullable=False),
        sa.Column("event_id", BigId),
        sa.Column("event", sa.String(20), nullable=False),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("response_status", sa.Integer()),
        sa.Column("error", sa.String(500)),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime()),
        sa.PrimaryKeyConstraint("id", name="pk_notification_delivery"),
        sa.ForeignKeyConstraint(
            ["channel_id"],
            ["notification_channel.id"],
            name="fk_notification_delivery_channel_id_notification_channel",
            ondelete="CASCADE",
        ),
    )
    op.create_index(
        "ix_notification_delivery_channel", "notification_delivery", ["channel_id", "id"]
    )
    op.create_index(
        "ix_notification_delivery_event_id", "notification_delivery", ["event_id"]
    )


def downgrade() -> None:
    """Drop both tables."""
    op.drop_table("notification_delivery")
    op.drop_table("notification_channel")
