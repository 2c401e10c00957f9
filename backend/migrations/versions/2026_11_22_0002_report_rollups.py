"""Keep reports fast as data grows: monthly consumption rollup, data version, covering indexes.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from costwatch.models.base import BigId

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _month_of(column: str) -> str:
    """SQL for the 1st of the month of a DATE column, per dialect."""
    if op.get_bind().dialect.name == "sqlite":
        return f"strftime('%Y-%m-01', {column})"
    return f"DATE_FORMAT({column}, '%Y-%m-01')"


def upgrade() -> None:
    """Create the rollup and version tables, fill them, and widen two indexes to cover."""
    op.create_table(
        "usage_consumption_month",
        sa.Column("service_id", BigId, nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("currency", sa.CHAR(3), nullable=False),
        sa.Column("amount", sa.Numeric(16, 2), nullable=False),
        sa.PrimaryKeyConstraint("service_id", "month", name="pk_usage_consumption_month"),
        sa.ForeignKeyConstraint(
            ["service_id"], ["service.id"], name="fk_usage_consumption_month_service_id_service"
        ),
    )
    op.create_index("ix_usage_consumption_month_month", "usage_consumption_month", ["month"])
    op.execute(
        "INSERT INTO usage_consumption_month (service_id, month, currency, amount) "
        f"SELECT service_id, {_month_of('consumption_date')}, MIN(currency), SUM(amount_consumed) "
        f"FROM usage_consumption GROUP BY service_id, {_month_of('consumption_date')}"
    )

    version = op.create_table(
        "data_version",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False, server_default="0"),
        sa.PrimaryKeyConstraint("id", name="pk_data_version"),
    )
    op.bulk_insert(version, [{"id": 1, "version": 0}])

    # Covering indexes: a month's invoices and a service's top-ups are summed from the index.
    with op.batch_alter_table("infra_invoice") as batch:
        batch.drop_index("ix_infra_invoice_invoice_month")
        batch.create_index(
            "ix_infra_invoice_month_currency_amount", ["invoice_month", "currency", "amount"]
        )
    op.create_index(
        "ix_usage_topup_service_totals", "usage_topup", ["service_id", "currency", "amount_purchased"]
    )


def downgrade() -> None:
    """Back to revision 0001."""
    op.drop_index("ix_usage_topup_service_totals", table_name="usage_topup")
    with op.batch_alter_table("infra_invoice") as batch:
        batch.drop_index("ix_infra_invoice_month_currency_amount")
        batch.create_index("ix_infra_invoice_invoice_month", ["invoice_month"])
    op.drop_table("data_version")
    op.drop_table("usage_consumption_month")
