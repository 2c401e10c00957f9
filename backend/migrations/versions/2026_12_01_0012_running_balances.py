"""Reports that stay fast under constant writes: running balances and daily consumption totals.

``usage_balance`` keeps each usage service's top-up and consumption totals and its last
top-up; ``usage_consumption_day`` keeps consumption per day and service. Writers maintain both
in their own transaction, so balances, low-balance alerts and the 30-day runway read one row
per service (and day) instead of every event. Both are filled here from the raw rows. The
monthly totals' index now covers the series' sums.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from costwatch.models.base import BigId, Money

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create and fill ``usage_consumption_day`` and ``usage_balance``; widen one index."""
    op.create_table(
        "usage_consumption_day",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("service_id", BigId, nullable=False),
        sa.Column("amount", Money(16), nullable=False),
        sa.PrimaryKeyConstraint("day", "service_id", name="pk_usage_consumption_day"),
        sa.ForeignKeyConstraint(
            ["service_id"], ["service.id"], name="fk_usage_consumption_day_service_id_service"
        ),
    )
    op.create_index(
        "ix_usage_consumption_day_service", "usage_consumption_day", ["service_id", "day"]
    )
    # Money is kept as integer cents on SQLite (revision 0006) and as DECIMAL elsewhere: the
    # sums below add what is stored, in the same unit, on both.
    op.execute(
        "INSERT INTO usage_consumption_day (day, service_id, amount) "
        "SELECT consumption_date, service_id, SUM(amount_consumed) FROM usage_consumption "
        "GROUP BY consumption_date, service_id"
    )

    op.create_table(
        "usage_balance",
        sa.Column("service_id", BigId, nullable=False),
        sa.Column("currency", sa.CHAR(3), nullable=False),
        sa.Column("total_topups", Money(16), nullable=False),
        sa.Column("total_consumed", Money(16), nullable=False),
        sa.Column("topups", BigId, nullable=False),
        sa.Column("consumptions", BigId, nullable=False),
        sa.Column("last_topup_id", BigId),
        sa.Column("last_topup_date", sa.Date()),
        sa.Column("last_topup_amount", Money(12)),
        sa.PrimaryKeyConstraint("service_id", name="pk_usage_balance"),
        sa.ForeignKeyConstraint(
            ["service_id"], ["service.id"], name="fk_usage_balance_service_id_service"
        ),
    )
    op.execute(
        "INSERT INTO usage_balance (service_id, currency, total_topups, total_consumed,"
        " topups, consumptions) "
        "SELECT s.service_id, COALESCE(t.currency, c.currency), COALESCE(t.total, 0),"
        " COALESCE(c.total, 0), COALESCE(t.n, 0), COALESCE(c.n, 0) "
        "FROM (SELECT service_id FROM usage_topup UNION SELECT service_id FROM usage_consumption)"
        " s "
        "LEFT JOIN (SELECT service_id, MIN(currency) AS currency, SUM(amount_purchased) AS total,"
        " COUNT(*) AS n FROM usage_topup GROUP BY service_id) t ON t.service_id = s.service_id "
        "LEFT JOIN (SELECT service_id, MIN(currency) AS currency, SUM(amount_consumed) AS total,"
        " COUNT(*) AS n FROM usage_consumption GROUP BY service_id) c"
        " ON c.service_id = s.service_id"
    )
    # The last top-up: latest date, then latest entry.
    op.execute(
        "UPDATE usage_balance SET last_topup_id = (SELECT t.id FROM usage_topup t"
        " WHERE t.service_id = usage_balance.service_id"
        " ORDER BY t.topup_date DESC, t.id DESC LIMIT 1)"
    )
    op.execute(
        "UPDATE usage_balance SET"
        " last_topup_date = (SELECT t.topup_date FROM usage_topup t"
        " WHERE t.id = usage_balance.last_topup_id),"
        " last_topup_amount = (SELECT t.amount_purchased FROM usage_topup t"
        " WHERE t.id = usage_balance.last_topup_id)"
    )

    with op.batch_alter_table("usage_consumption_month") as batch:
        batch.drop_index("ix_usage_consumption_month_month")
        batch.create_index("ix_usage_consumption_month_cover", ["month", "currency", "amount"])


def downgrade() -> None:
    """Back to revision 0011."""
    with op.batch_alter_table("usage_consumption_month") as batch:
        batch.drop_index("ix_usage_consumption_month_cover")
        batch.create_index("ix_usage_consumption_month_month", ["month"])
    op.drop_table("usage_balance")
    # The table's indexes go with it (MariaDB refuses to drop the foreign key's index first).
    op.drop_table("usage_consumption_day")
