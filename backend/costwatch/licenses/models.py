"""The ``license_plan`` table."""

from datetime import date
from decimal import Decimal

from sqlalchemy import CHAR, Date, ForeignKey, Integer, Numeric, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from costwatch.db import Base, BigId, IdMixin, TimestampMixin


class LicensePlan(IdMixin, TimestampMixin, Base):
    """A price and seat count for a license service from ``start_month`` on.

    A price or quantity change is a new plan with a later ``start_month``; the plan in force for
    a month is the one with the latest ``start_month`` on or before it.
    """

    __tablename__ = "license_plan"
    __table_args__ = (UniqueConstraint("service_id", "start_month", name="uk_plan"),)

    service_id: Mapped[int] = mapped_column(BigId, ForeignKey("service.id"))
    monthly_unit_cost: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    qty: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    start_month: Mapped[date] = mapped_column(Date)
    end_month: Mapped[date | None] = mapped_column(Date)
    annual_commitment_end: Mapped[date | None] = mapped_column(Date, index=True)
    currency: Mapped[str] = mapped_column(CHAR(3), default="USD", server_default="USD")
