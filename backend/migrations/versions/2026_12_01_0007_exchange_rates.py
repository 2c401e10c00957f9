"""Exchange rates per currency and month, and the billing cycle of license plans.

``fx_rate.rate`` is ``DECIMAL(18, 10)`` on MySQL/MariaDB and the rate x 10^10 in an INTEGER
column on SQLite, where NUMERIC is a binary float (see ``costwatch.models.base.ScaledDecimal``).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from costwatch.models.base import BigId, now_on_update

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

RATE = sa.Numeric(18, 10).with_variant(sa.BigInteger(), "sqlite")


def upgrade() -> None:
    """Create ``fx_rate``; add ``license_plan.billing_cycle`` (every plan so far: monthly)."""
    op.create_table(
        "fx_rate",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("currency", sa.CHAR(3), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("rate", RATE, nullable=False),
        sa.Column("source", sa.String(10), nullable=False, server_default="manual"),
        sa.Column(
            "created_at", sa.TIMESTAMP(), nullable=False,
            server_default=sa.func.current_timestamp(),
        ),
        sa.Column("updated_at", sa.TIMESTAMP(), nullable=False, server_default=now_on_update()),
        sa.PrimaryKeyConstraint("id", name="pk_fx_rate"),
        sa.UniqueConstraint("currency", "month", name="uk_fx_rate"),
    )  # fmt: skip
    with op.batch_alter_table("license_plan") as batch:
        batch.add_column(
            sa.Column("billing_cycle", sa.String(7), nullable=False, server_default="monthly")
        )


def downgrade() -> None:
    """Drop both."""
    with op.batch_alter_table("license_plan") as batch:
        batch.drop_column("billing_cycle")
    op.drop_table("fx_rate")
