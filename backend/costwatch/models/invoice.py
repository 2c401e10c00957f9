"""The ``infra_invoice`` table."""

from datetime import date
from decimal import Decimal

from sqlalchemy import CHAR, BigInteger, Date, ForeignKey, Index, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from costwatch.currency import DEFAULT_CURRENCY
from costwatch.models.base import Base, BigId, IdMixin, Money, TimestampMixin


class InfraInvoice(IdMixin, TimestampMixin, Base):
    """What an infrastructure service billed for one month."""

    __tablename__ = "infra_invoice"
    __table_args__ = (
        UniqueConstraint("service_id", "invoice_month", name="uk_infra"),
        # Covers the monthly sum of the summaries: no table lookups.
        Index("ix_infra_invoice_month_currency_amount", "invoice_month", "currency", "amount"),
    )

    # The unique key (service_id, invoice_month) doubles as the foreign key's index.
    service_id: Mapped[int] = mapped_column(BigId, ForeignKey("service.id"))
    invoice_month: Mapped[date] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column(Money(12))
    currency: Mapped[str] = mapped_column(
        CHAR(3), default=DEFAULT_CURRENCY, server_default=DEFAULT_CURRENCY
    )


class InvoiceMonthTotal(Base):
    """Invoices summed per month and currency, kept up to date on every write.

    Derived data: the summaries read one row per month and currency instead of every
    service's invoice. ``invoices.repository`` maintains it in the writer's transaction (an
    atomic add, so writers of different services never wait for each other's reads); a row
    goes when its last invoice does. A test checks it against a recomputation from the raw
    rows.
    """

    __tablename__ = "invoice_month_total"

    month: Mapped[date] = mapped_column(Date, primary_key=True)
    currency: Mapped[str] = mapped_column(CHAR(3), primary_key=True)
    amount: Mapped[Decimal] = mapped_column(Money(16))
    invoices: Mapped[int] = mapped_column(BigInteger)
