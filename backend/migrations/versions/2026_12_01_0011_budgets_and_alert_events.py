"""Budgets and alert events; deliveries point at their event, once per channel.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from costwatch.models.base import BigId, Money, now_on_update

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create ``budget`` and ``alert_event``; key ``notification_delivery`` to its event."""
    op.create_table(
        "budget",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("scope", sa.String(8), nullable=False),
        sa.Column("category_id", BigId),
        sa.Column("service_id", BigId),
        sa.Column("amount", Money(12), nullable=False),
        sa.Column("thresholds", sa.String(100), nullable=False),
        sa.Column(
            "created_at", sa.TIMESTAMP(), nullable=False,
            server_default=sa.func.current_timestamp(),
        ),
        sa.Column("updated_at", sa.TIMESTAMP(), nullable=False, server_default=now_on_update()),
        sa.PrimaryKeyConstraint("id", name="pk_budget"),
        sa.ForeignKeyConstraint(
            ["category_id"], ["service_category.id"],
            name="fk_budget_category_id_service_category", ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["service_id"], ["service.id"], name="fk_budget_service_id_service",
            ondelete="CASCADE",
        ),
    )  # fmt: skip
    op.create_index("ix_budget_category_id", "budget", ["category_id"])
    op.create_index("ix_budget_service_id", "budget", ["service_id"])
    op.create_table(
        "alert_event",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("subject_key", sa.String(40), nullable=False),
        sa.Column("threshold", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("period", sa.String(40), nullable=False),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("service_id", BigId),
        sa.Column("budget_id", BigId),
        sa.Column("message", sa.String(500), nullable=False),
        sa.Column("state", sa.String(12), nullable=False),
        sa.Column("first_seen", sa.DateTime(), nullable=False),
        sa.Column("last_seen", sa.DateTime(), nullable=False),
        sa.Column("acknowledged_at", sa.DateTime()),
        sa.Column("resolved_at", sa.DateTime()),
        sa.Column("notified_at", sa.DateTime()),
        sa.PrimaryKeyConstraint("id", name="pk_alert_event"),
        sa.UniqueConstraint("kind", "subject_key", "threshold", "period", name="uk_alert_event"),
        sa.ForeignKeyConstraint(
            ["service_id"], ["service.id"], name="fk_alert_event_service_id_service",
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["budget_id"], ["budget.id"], name="fk_alert_event_budget_id_budget",
            ondelete="SET NULL",
        ),
    )  # fmt: skip
    op.create_index("ix_alert_event_state", "alert_event", ["state", "id"])
    op.create_index("ix_alert_event_service_id", "alert_event", ["service_id"])
    op.create_index("ix_alert_event_budget_id", "alert_event", ["budget_id"])
    # Deliveries written before this revision have no event (tests of a channel).
    with op.batch_alter_table("notification_delivery") as batch:
        batch.create_foreign_key(
            "fk_notification_delivery_event_id_alert_event",
            "alert_event", ["event_id"], ["id"], ondelete="SET NULL",
        )  # fmt: skip
        batch.create_unique_constraint(
            "uk_notification_delivery_event", ["event_id", "channel_id", "event"]
        )
    lease = sa.table("scheduler_lease", sa.column("name"), sa.column("holder"))
    # Alert evaluations run one at a time in the deployment, under their own lease.
    op.bulk_insert(lease, [{"name": "alerts", "holder": None}])


def downgrade() -> None:
    """Drop the event key of deliveries, then both tables."""
    op.execute(sa.text("DELETE FROM scheduler_lease WHERE name = 'alerts'"))
    with op.batch_alter_table("notification_delivery") as batch:
        batch.drop_constraint("uk_notification_delivery_event", type_="unique")
        batch.drop_constraint("fk_notification_delivery_event_id_alert_event", type_="foreignkey")
    op.drop_table("alert_event")
    op.drop_table("budget")
