"""SQL for ``fx_rate``."""

from datetime import date
from decimal import Decimal

from sqlalchemy import delete, insert, select, tuple_

from costwatch.db.data_version import mark_changed
from costwatch.db.repository import Repository
from costwatch.models import FxRate


class FxRateRepository(Repository[FxRate]):
    """Rates entered by hand or imported."""

    model = FxRate

    async def find(self, currency: str, month: date, *, for_update: bool = False) -> FxRate | None:
        """The stored rate of a currency in a month."""
        stmt = select(FxRate).where(FxRate.currency == currency, FxRate.month == month)
        if for_update:
            stmt = stmt.with_for_update()
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def list_all(
        self, *, currency: str | None = None, month: date | None = None
    ) -> list[FxRate]:
        """Every stored rate, optionally of one currency or month."""
        stmt = select(FxRate)
        if currency is not None:
            stmt = stmt.where(FxRate.currency == currency)
        if month is not None:
            stmt = stmt.where(FxRate.month == month)
        return list((await self.session.execute(stmt)).scalars())

    async def rates_between(
        self, currencies: set[str], start: date, end: date
    ) -> dict[tuple[str, date], Decimal]:
        """Stored rates of ``currencies`` from ``start`` to ``end``: one query."""
        if not currencies:
            return {}
        stmt = select(FxRate.currency, FxRate.month, FxRate.rate).where(
            FxRate.currency.in_(sorted(currencies)), FxRate.month.between(start, end)
        )
        return {(row[0], row[1]): row[2] for row in (await self.session.execute(stmt)).all()}

    async def sources(self, keys: set[tuple[str, date]]) -> dict[tuple[str, date], str]:
        """The source of the stored rate of each (currency, month) among ``keys``."""
        if not keys:
            return {}
        stmt = select(FxRate.currency, FxRate.month, FxRate.source).where(
            FxRate.currency.in_(sorted({currency for currency, _ in keys}))
        )
        rows = (await self.session.execute(stmt)).all()
        return {(row[0], row[1]): row[2] for row in rows if (row[0], row[1]) in keys}

    async def replace_imported(
        self, rates: dict[tuple[str, date], Decimal], keep: set[tuple[str, date]]
    ) -> int:
        """Store ``rates`` as imported ones, replacing earlier imports; ``keep`` stays as it is.

        Written with Core in a few statements (a full ECB history is ~8,000 monthly rates),
        so the write is not in the audit trail row by row.
        """
        rows = [
            {"currency": currency, "month": month, "rate": rate, "source": "import"}
            for (currency, month), rate in sorted(rates.items())
            if (currency, month) not in keep
        ]
        if not rows:
            return 0
        keys = [(row["currency"], row["month"]) for row in rows]
        for chunk in range(0, len(keys), 500):
            await self.session.execute(
                delete(FxRate).where(
                    tuple_(FxRate.currency, FxRate.month).in_(keys[chunk : chunk + 500])
                )
            )
        await self.session.execute(insert(FxRate), rows)
        mark_changed(self.session.sync_session)
        return len(rows)
