"""Balances that stay fast after writes: the runway's 30 days kept with the running balance.

``usage_balance`` gains ``window_end_day`` and ``recent_consumed``: the consumption of the 30
days that end on ``window_end_day``, moved by every consumption write dated in them. The
balances read it instead of summing the window's daily and weekly totals of every service.
Left empty here (NULL: not known, the readers sum the days instead); the scheduler's next
tick stamps every row with today's window.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from costwatch.models.base import Money

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add ``usage_balance.window_end_day`` and ``recent_consumed``."""
    with op.batch_alter_table("usage_balance") as batch:
        batch.add_column(sa.Column("window_end_day", sa.Date(), nullable=True))
        batch.add_column(sa.Column("recent_consumed", Money(16), nullable=True))


def downgrade() -> None:
    """Drop them."""
    with op.batch_alter_table("usage_balance") as batch:
        batch.drop_column("recent_consumed")
        batch.drop_column("window_end_day")
