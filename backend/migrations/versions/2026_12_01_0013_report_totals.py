"""Reports that stay fast after writes: invoice totals per month, license cost changes.

``invoice_month_total`` keeps the invoices summed per month and currency;
``license_cost_change`` keeps, per month and currency, how the monthly cost of the plans in
force changes then (a plan adds its cost in its start month and takes it out when it stops).
Writers maintain both in their own transaction, so a month's summary reads a few rows instead
of every invoice and every plan. Both are filled here from the raw rows.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from costwatch.licenses.repository import plan_changes
from costwatch.models.base import Money

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create and fill ``invoice_month_total`` and ``license_cost_change``."""
    op.create_table(
        "invoice_month_total",
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("currency", sa.CHAR(3), nullable=False),
        sa.Column("amount", Money(16), nullable=False),
        sa.Column("invoices", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("month", "currency", name="pk_invoice_month_total"),
    )
    # Money is integer cents on SQLite and DECIMAL elsewhere: the sum adds what is stored.
    op.execute(
        "INSERT INTO invoice_month_total (month, currency, amount, invoices) "
        "SELECT invoice_month, currency, SUM(amount), COUNT(*) FROM infra_invoice "
        "GROUP BY invoice_month, currency"
    )
    changes = op.create_table(
        "license_cost_change",
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("currency", sa.CHAR(3), nullable=False),
        sa.Column("amount", Money(16), nullable=False),
        sa.Column("plans", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("month", "currency", name="pk_license_cost_change"),
    )
    # The plans as this revision knows them (typed, so that SQLite's cents read as money).
    plan = sa.table(
        "license_plan",
        sa.column("service_id", sa.BigInteger()),
        sa.column("start_month", sa.Date()),
        sa.column("end_month", sa.Date()),
        sa.column("monthly_unit_cost", Money(12)),
        sa.column("qty", sa.Integer()),
        sa.column("currency", sa.CHAR(3)),
    )
    rows = op.get_bind().execute(
        sa.select(
            plan.c.service_id,
            plan.c.start_month,
            plan.c.end_month,
            plan.c.monthly_unit_cost,
            plan.c.qty,
            plan.c.currency,
        )
    )
    values = [
        {"month": month, "currency": currency, "amount": amount, "plans": count}
        for (month, currency), (amount, count) in sorted(
            plan_changes(tuple(row) for row in rows).items()
        )
    ]
    if values:
        op.bulk_insert(changes, values)


def downgrade() -> None:
    """Back to revision 0012."""
    op.drop_table("license_cost_change")
    op.drop_table("invoice_month_total")
