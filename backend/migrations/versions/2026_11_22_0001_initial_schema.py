"""Create the CostWatch schema of spec section 2 and the admin user table.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from costwatch.models.base import BigId, now_on_update

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CATEGORIES = [
    ("Infrastructure", "Cloud and hosting services billed by a variable monthly invoice."),
    ("User License", "Per-seat subscriptions: a unit price times a seat count, per month."),
    ("Usage", "Prepaid services: funds are topped up, then consumed."),
]


def _id() -> sa.Column:
    return sa.Column("id", BigId, primary_key=True, autoincrement=True)


def _timestamps() -> list[sa.Column]:
    return [
        sa.Column(
            "created_at", sa.TIMESTAMP(), nullable=False,
            server_default=sa.func.current_timestamp(),
        ),
        sa.Column("updated_at", sa.TIMESTAMP(), nullable=False, server_default=now_on_update()),
    ]



def upgrade() -> None:
    """Create every table and insert the three categories."""
    category = op.create_table(
        "service_category",
        _id(),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("description", sa.Text()),
        *_timestamps(),
        sa.PrimaryKeyConstraint("id", name="pk_service_category"),
        sa.UniqueConstraint("name", name="uk_service_category_name"),
    )
    op.create_table(
        "provider",
        _id(),
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("website", sa.String(255)),
        *_timestamps(),
        sa.PrimaryKeyConstraint("id", name="pk_provider"),
        sa.UniqueConstraint("name", name="uk_provider_name"),
    )
    op.create_table(
        "service",
        _id(),
        sa.Column("provider_id", BigId, nullable=False),
        sa.Column("category_id", BigId, nullable=False),
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("description", sa.Text()),
        sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true()),
        *_timestamps(),
        sa.PrimaryKeyConstraint("id", name="pk_service"),
        sa.ForeignKeyConstraint(
            ["provider_id"], ["provider.id"], name="fk_service_provider_id_provider"
        ),
        sa.ForeignKeyConstraint(
            ["category_id"], ["service_category.id"],
            name="fk_service_category_id_service_category",
        ),
    )
    op.create_index("ix_service_provider_id", "service", ["provider_id"])
    op.create_index("ix_service_category_id", "service", ["category_id"])

    op.create_table(
        "infra_invoice",
        _id(),
        sa.Column("service_id", BigId, nullable=False),
        sa.Column("invoice_month", sa.Date(), nullable=False),
        sa.Column("amount", sa.Numeric(12, 2), nullable=False),
        sa.Column("currency", sa.CHAR(3), nullable=False, server_default="USD"),
        *_timestamps(),
        sa.PrimaryKeyConstraint("id", name="pk_infra_invoice"),
        sa.ForeignKeyConstraint(
            ["service_id"], ["service.id"], name="fk_infra_invoice_service_id_service"
        ),
        sa.UniqueConstraint("service_id", "invoice_month", name="uk_infra"),
    )
    op.create_index("ix_infra_invoice_invoice_month", "infra_invoice", ["invoice_month"])

    op.create_table(
        "license_plan",
        _id(),
        sa.Column("service_id", BigId, nullable=False),
        sa.Column("monthly_unit_cost", sa.Numeric(12, 2), nullable=False),
        sa.Column("qty", sa.Integer(), nullable=False, server_default="1"),
        sa.Column("start_month", sa.Date(), nullable=False),
        sa.Column("end_month", sa.Date()),
        sa.Column("annual_commitment_end", sa.Date()),
        sa.Column("currency", sa.CHAR(3), nullable=False, server_default="USD"),
        *_timestamps(),
        sa.PrimaryKeyConstraint("id", name="pk_license_plan"),
        sa.ForeignKeyConstraint(
            ["service_id"], ["service.id"], name="fk_license_plan_service_id_service"
        ),
        sa.UniqueConstraint("service_id", "start_month", name="uk_plan"),
    )
    op.create_index(
        "ix_license_plan_annual_commitment_end", "license_plan", ["annual_commitment_end"]
    )

    op.create_table(
        "usage_topup",
        _id(),
        sa.Column("service_id", BigId, nullable=False),
        sa.Column("topup_date", sa.Date(), nullable=False),
        sa.Column("amount_purchased", sa.Numeric(12, 2), nullable=False),
        sa.Column("currency", sa.CHAR(3), nullable=False, server_default="USD"),
        *_timestamps(),
        sa.PrimaryKeyConstraint("id", name="pk_usage_topup"),
        sa.ForeignKeyConstraint(
            ["service_id"], ["service.id"], name="fk_usage_topup_service_id_service"
        ),
    )
    op.create_index(
        "ix_usage_topup_service_date", "usage_topup", ["service_id", "topup_date"]
    )

    op.create_table(
        "usage_consumption",
        _id(),
        sa.Column("service_id", BigId, nullable=False),
        sa.Column("consumption_date", sa.Date(), nullable=False),
        sa.Column("amount_consumed", sa.Numeric(12, 2), nullable=False),
        sa.Column("currency", sa.CHAR(3), nullable=False, server_default="USD"),
        *_timestamps(),
        sa.PrimaryKeyConstraint("id", name="pk_usage_consumption"),
        sa.ForeignKeyConstraint(
            ["service_id"], ["service.id"], name="fk_usage_consumption_service_id_service"
        ),
    )
    op.create_index(
        "ix_usage_consumption_service_date", "usage_consumption",
        ["service_id", "consumption_date"],
    )
    op.create_index("ix_usage_consumption_date", "usage_consumption", ["consumption_date"])

    op.create_table(
        "admin_user",
        _id(),
        sa.Column("email", sa.String(255), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("token_version", sa.Integer(), nullable=False, server_default="0"),
        *_timestamps(),
        sa.PrimaryKeyConstraint("id", name="pk_admin_user"),
        sa.UniqueConstraint("email", name="uk_admin_user_email"),
    )

    op.bulk_insert(
        category, [{"name": name, "description": text} for name, text in CATEGORIES]
    )


def downgrade() -> None:
    """Drop every table, children first (MariaDB refuses to drop an index an FK still needs)."""
    for table in (
        "admin_user",
        "usage_consumption",
        "usage_topup",
        "license_plan",
        "infra_invoice",
        "service",
        "provider",
        "service_category",
    ):
        op.drop_table(table)
