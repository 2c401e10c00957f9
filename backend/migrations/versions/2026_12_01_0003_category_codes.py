"""Give each category a stable code, so that rules never depend on its id or display name.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CODES = {"Infrastructure": "infrastructure", "User License": "license", "Usage": "usage"}


def upgrade() -> None:
    """Add ``service_category.code``, fill it from the names of the first migration."""
    # Nullable first: existing rows get their code before the column turns NOT NULL.
    with op.batch_alter_table("service_category") as batch:
        batch.add_column(sa.Column("code", sa.String(32), nullable=True))
    category = sa.table("service_category", sa.column("name"), sa.column("code"))
    for name, code in CODES.items():
        op.execute(category.update().where(category.c.name == name).values(code=code))
    with op.batch_alter_table("service_category") as batch:
        batch.alter_column("code", existing_type=sa.String(32), nullable=False)
        batch.create_unique_constraint("uk_service_category_code", ["code"])


def downgrade() -> None:
    """Drop the codes."""
    with op.batch_alter_table("service_category") as batch:
        batch.drop_constraint("uk_service_category_code", type_="unique")
        batch.drop_column("code")
