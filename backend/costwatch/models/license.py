"""The ``license_plan`` table."""

from datetime import date
from decimal import Decimal

from sqlalchemy import (
    CHAR,
    BigInteger,
    ColumnElement,
    Date,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
    type_coerce,
)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from costwatch.currency import DEFAULT_CURRENCY
from costwatch.models.base import Base, BigId, IdMixin, Money, TimestampMixin
from costwatch.models.catalog import Service


class LicensePlan(IdMixin, TimestampMixin, Base):
    """A price and seat count for a license service from ``start_month`` on.

    A price or quantity change is a new plan with a later ``start_month``; the plan in force for
    a month is the one with the latest ``start_month`` on or before it.
    """

    __tablename__ = "license_plan"
    __table_args__ = (UniqueConstraint("service_id", "start_month", name="uk_plan"),)

    service_id: Mapped[int] = mapped_column(BigId, ForeignKey("service.id"))
    monthly_unit_cost: Mapped[Decimal] = mapped_column(Money(12))
    qty: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    start_month: Mapped[date] = mapped_column(Date)
    end_month: Mapped[date | None] = mapped_column(Date)
    annual_commitment_end: Mapped[date | None] = mapped_column(Date, index=True)
    currency: Mapped[str] = mapped_column(
        CHAR(3), default=DEFAULT_CURRENCY, server_default=DEFAULT_CURRENCY
    )

    billing_cycle: Mapped[str] = mapped_column(
        String(7), default="monthly", server_default="monthly"
    )

    service: Mapped[Service] = relationship(lazy="raise")

    @hybrid_property
    def monthly_cost(self) -> Decimal:
        """What the plan costs a month: unit cost x seats.

        The one home of this rule: in Python on a loaded plan, and as SQL in every sum.
        """
        return self.monthly_unit_cost * self.qty

    @monthly_cost.inplace.expression
    @classmethod
    def _monthly_cost_sql(cls) -> ColumnElement[Decimal]:
        # A product of Money and an integer would come back typed as a plain number, and on
        # SQLite the cents would then be read as dollars: it stays Money (16 digits).
        return type_coerce(cls.monthly_unit_cost * cls.qty, Money(16))

    @property
    def service_name(self) -> str:
        """The service's name (load ``service`` with the plan)."""
        return self.service.name

    @property
    def provider_name(self) -> str:
        """The provider's name (load ``service`` and its ``provider`` with the plan)."""
        return self.service.provider.name


class LicenseCostChange(Base):
    """How the monthly cost of the plans in force changes at the start of a month.

    Derived data, per month and currency: a plan adds its monthly cost (and 1 to ``plans``)
    in its start month and takes it out in the month it stops being in force (the next plan
    of its service starts, or the month after its end month). The cost of a month is the
    sum of the changes up to it; ``plans`` summed the same way counts the plans in force,
    so that a currency with no plan in force is left out as the plans themselves would
    leave it. ``licenses.repository`` keeps it in the writer's transaction, from the plans
    of the service written (under its row lock); a test checks it against a recomputation.
    """

    __tablename__ = "license_cost_change"

    month: Mapped[date] = mapped_column(Date, primary_key=True)
    currency: Mapped[str] = mapped_column(CHAR(3), primary_key=True)
    amount: Mapped[Decimal] = mapped_column(Money(16))
    plans: Mapped[int] = mapped_column(BigInteger)
