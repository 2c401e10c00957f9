"""Provider connections (automatic sync), their runs, the source of consumption, the scheduler.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from costwatch.models.base import BigId, Money, now_on_update

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create ``provider_connection`` and ``sync_run``; add ``usage_consumption.source``."""
    op.create_table(
        "provider_connection",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("service_id", BigId, nullable=False),
        sa.Column("credentials", sa.Text(), nullable=False),
        sa.Column("base_url", sa.String(255)),
        sa.Column("enabled", sa.Boolean(), nullable=False, server_default="1"),
        sa.Column("sync_from", sa.Date(), nullable=False),
        sa.Column("synced_through", sa.Date()),
        sa.Column("last_sync_at", sa.DateTime()),
        sa.Column("last_status", sa.String(8), nullable=False, server_default="never"),
        sa.Column("last_error", sa.String(500)),
        sa.Column("provider_balance", Money(16)),
        sa.Column("provider_balance_currency", sa.CHAR(3)),
        sa.Column(
            "created_at", sa.TIMESTAMP(), nullable=False,
            server_default=sa.func.current_timestamp(),
        ),
        sa.Column("updated_at", sa.TIMESTAMP(), nullable=False, server_default=now_on_update()),
        sa.PrimaryKeyConstraint("id", name="pk_provider_connection"),
        sa.ForeignKeyConstraint(
            ["service_id"], ["service.id"], name="fk_provider_connection_service_id_service"
        ),
    )  # fmt: skip
    op.create_index(
        "ix_provider_connection_service_id", "provider_connection", ["service_id"]
    )
    op.create_table(
        "sync_run",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("connection_id", BigId, nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime()),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("trigger", sa.String(10), nullable=False),
        sa.Column("first_day", sa.Date()),
        sa.Column("through", sa.Date()),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.Column("created", sa.Integer(), nullable=False),
        sa.Column("updated", sa.Integer(), nullable=False),
        sa.Column("unchanged", sa.Integer(), nullable=False),
        sa.Column("error", sa.String(500)),
        sa.PrimaryKeyConstraint("id", name="pk_sync_run"),
        sa.ForeignKeyConstraint(
            ["connection_id"],
            ["provider_connection.id"],
            name="fk_sync_run_connection_id_provider_connection",
            ondelete="CASCADE",
        ),
    )
    op.create_index("ix_sync_run_connection", "sync_run", ["connection_id", "id"])
    lease = op.create_table(
        "scheduler_lease",
        sa.Column("name", sa.String(40), nullable=False),
        sa.Column("holder", sa.String(120)),
        sa.Column("expires_at", sa.DateTime()),
        sa.PrimaryKeyConstraint("name", name="pk_scheduler_lease"),
    )
    # The one lease row exists from the start: taking it is then always an UPDATE.
    op.bulk_insert(lease, [{"name": "scheduler", "holder": None, "expires_at": None}])
    with op.batch_alter_table("usage_consumption") as batch:
        batch.add_column(sa.Column("source", sa.String(40)))
        batch.create_unique_constraint(
            "uk_consumption_source", ["service_id", "consumption_date", "source"]
        )


def downgrade() -> None:
    """Drop both tables and the source column."""
    with op.batch_alter_table("usage_consumption") as batch:
        batch.drop_constraint("uk_consumption_source", type_="unique")
        batch.drop_column("source")
    op.drop_table("scheduler_lease")
    op.drop_table("sync_run")
    op.drop_table("provider_connection")
