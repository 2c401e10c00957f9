"""Cover the consumption of a date range: (consumption_date, service_id, amount_consumed).

The prepaid runway (``daily_burn`` on ``/usage/balances``) and the usage forecast sum the last
30 days of consumption per service. With an index on the date alone every row in the range
cost a lookup of the table row for its amount (about 100 ms at a million events); this index
answers the sum from the index alone (under 10 ms). It replaces ``ix_usage_consumption_date``,
whose every use its first column still serves.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Swap the date index for the covering one."""
    op.create_index(
        "ix_usage_consumption_date_cover",
        "usage_consumption",
        ["consumption_date", "service_id", "amount_consumed"],
    )
    op.drop_index("ix_usage_consumption_date", table_name="usage_consumption")


def downgrade() -> None:
    """Back to the index on the date alone."""
    op.create_index("ix_usage_consumption_date", "usage_consumption", ["consumption_date"])
    op.drop_index("ix_usage_consumption_date_cover", table_name="usage_consumption")
