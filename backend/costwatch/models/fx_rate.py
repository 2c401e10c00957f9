"""The ``fx_rate`` table: exchange rates entered by hand or imported, per currency and month."""

from datetime import date
from decimal import Decimal

from sqlalchemy import CHAR, Date, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from costwatch.models.base import Base, IdMixin, ScaledDecimal, TimestampMixin

RATE_PRECISION = 18
RATE_SCALE = 10
"""``DECIMAL(18, 10)``: up to 99,999,999.9999999999 units per unit of the reporting currency."""


class FxRate(IdMixin, TimestampMixin, Base):
    """Units of ``currency`` per 1 unit of the reporting currency, for one month.

    Rows hold the rates entered by hand (``source = "manual"``) or imported from an ECB-layout
    CSV (``"import"``); they win over the bundled ECB reference rates, which are computed in
    memory and never stored.
    """

    __tablename__ = "fx_rate"
    __table_args__ = (UniqueConstraint("currency", "month", name="uk_fx_rate"),)

    currency: Mapped[str] = mapped_column(CHAR(3))
    month: Mapped[date] = mapped_column(Date)
    rate: Mapped[Decimal] = mapped_column(ScaledDecimal(RATE_PRECISION, RATE_SCALE))
    source: Mapped[str] = mapped_column(String(10), default="manual", server_default="manual")
