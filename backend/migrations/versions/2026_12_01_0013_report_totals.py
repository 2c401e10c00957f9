"""Reports that stay fast after writes: invoice totals, license cost changes, weekly usage.

``invoice_month_total`` keeps the invoices summed per month and currency;
``license_cost_change`` keeps, per month and currency, how the monthly cost of the plans in
force changes then (a plan adds its cost in its start month and takes it out when it stops);
``usage_consumption_week`` keeps consumption per week (from Monday) and service, for the
runway's 30 days. Writers maintain them in their own transaction, so a month's summary reads
a few rows instead of every invoice and every plan, and the runway a third of the daily rows.
All three are filled here from the raw rows.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from costwatch.licenses.repository import plan_changes
from costwatch.models.base import BigId, Money

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create and fill ``invoice_month_total``, ``license_cost_change``, the weekly totals."""
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

    op.create_table(
        "usage_consumption_week",
        sa.Column("week", sa.Date(), nullable=False),
        sa.Column("service_id", BigId, nullable=False),
        sa.Column("amount", Money(16), nullable=False),
        sa.PrimaryKeyConstraint("week", "service_id", name="pk_usage_consumption_week"),
        sa.ForeignKeyConstraint(
            ["service_id"], ["service.id"], name="fk_usage_consumption_week_service_id_service"
        ),
    )
    op.create_index(
        "ix_usage_consumption_week_service", "usage_consumption_week", ["service_id", "week"]
    )
    # The Monday of each day's week, from the daily totals (SQLite counts from Sunday).
    monday = (
        "date(day, printf('-%d days', (strftime('%w', day) + 6) % 7))"
        if op.get_bind().dialect.name == "sqlite"
        else "SUBDATE(day, WEEKDAY(day))"
    )
    op.execute(
        "INSERT INTO usage_consumption_week (week, service_id, amount) "
        f"SELECT {monday}, service_id, SUM(amount) FROM usage_consumption_day "  # noqa: S608
        f"GROUP BY {monday}, service_id"
    )


def downgrade() -> None:
    """Back to revision 0012."""
    # The table's indexes go with it (MariaDB refuses to drop the foreign key's index first).
    op.drop_table("usage_consumption_week")
    op.drop_table("license_cost_change")
    op.drop_table("invoice_month_total")
