"""Keep money as integer cents on SQLite, where NUMERIC is a binary float.

MySQL and MariaDB keep ``DECIMAL(p, 2)`` and are not touched. On SQLite every amount is
converted to cents in an INTEGER column (see ``costwatch.models.base.Money``): each stored
value had two decimals, so rounding ``value x 100`` recovers it exactly.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (table, column, precision) of every money column.
COLUMNS = [
    ("infra_invoice", "amount", 12),
    ("license_plan", "monthly_unit_cost", 12),
    ("usage_topup", "amount_purchased", 12),
    ("usage_consumption", "amount_consumed", 12),
    ("usage_consumption_month", "amount", 16),
]


def upgrade() -> None:
    """Dollars (floats) to cents (integers), on SQLite only."""
    if op.get_bind().dialect.name != "sqlite":
        return
    for table, column, precision in COLUMNS:
        op.execute(f"UPDATE {table} SET {column} = CAST(ROUND({column} * 100) AS INTEGER)")
        with op.batch_alter_table(table) as batch:
            batch.alter_column(
                column, existing_type=sa.Numeric(precision, 2), type_=sa.BigInteger()
            )


def downgrade() -> None:
    """Cents back to dollars in NUMERIC columns, on SQLite only."""
    if op.get_bind().dialect.name != "sqlite":
        return
    for table, column, precision in COLUMNS:
        with op.batch_alter_table(table) as batch:
            batch.alter_column(column, existing_type=sa.BigInteger(), type_=sa.Numeric(precision, 2))
        op.execute(f"UPDATE {table} SET {column} = {column} / 100.0")
