"""The ``infra_invoice`` table."""

from datetime import date
from decimal import Decimal

from sqlalchemy import CHAR, Date, ForeignKey, Index, UniqueConstraint
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
