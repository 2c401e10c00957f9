"""Exchange rates: which rate a month uses, rates entered by hand, ECB CSV imports.

Precedence per currency and month: a stored rate (entered by hand, ``manual``, or imported
from an ECB CSV, ``import``) wins over the bundled ECB reference rate. A month with neither has
no rate: reports keep its amounts apart in ``unconverted``.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from costwatch.calendar import month_start
from costwatch.errors import Invalid, NotFound
from costwatch.fx.ecb import (
    BUNDLED_SOURCE,
    BundledRates,
    EcbFormatError,
    bundled_rates_async,
    monthly_averages,
    parse_history,
)
from costwatch.fx.repository import FxRateRepository
from costwatch.fx.schemas import FxImportResult, FxInfo, FxRateRead

ONE = Decimal(1)


@dataclass(frozen=True)
class RateBook:
    """The rates of a report: stored ones over the bundled ones, loaded once per request."""

    reporting: str
    stored: dict[tuple[str, date], Decimal]
    bundled: BundledRates

    def rate(self, currency: str, month: date) -> Decimal | None:
        """Units of ``currency`` per 1 reporting unit in ``month``; None when none is known."""
        if currency == self.reporting:
            return ONE
        stored = self.stored.get((currency, month))
        if stored is not None:
            return stored
        return self.bundled.rates.get(currency, {}).get(month)


async def load_rate_book(
    session: AsyncSession, reporting: str, currencies: set[str], start: date, end: date
) -> RateBook:
    """The rates of ``currencies`` from ``start`` to ``end``: one query, bundled from memory."""
    others = currencies - {reporting}
    stored = await FxRateRepository(session).rates_between(others, start, end)
    return RateBook(reporting, stored, await bundled_rates_async(reporting))


def _check_currency(currency: str, reporting: str) -> None:
    if currency == reporting:
        raise Invalid(
            "currency", f"{reporting} is the reporting currency: its rate is always 1", "path"
        )


async def list_rates(
    session: AsyncSession,
    reporting: str,
    *,
    currency: str | None,
    month: date | None,
    source: str | None,
    limit: int,
    offset: int,
    q: str | None = None,
) -> tuple[list[FxRateRead], int]:
    """Every known rate (stored and bundled), newest month first, then by currency.

    ``q`` matches part of the currency code or the start of the month (``YYYY-MM``).
    """
    needle = (q or "").strip().upper()
    bundled = await bundled_rates_async(reporting)
    stored = {
        (row.currency, row.month): row
        for row in await FxRateRepository(session).list_all(currency=currency, month=month)
    }
    keys: set[tuple[str, date]] = set(stored)
    for code, months in bundled.rates.items():
        if currency is not None and code != currency:
            continue
        keys.update((code, m) for m in months if month is None or m == month)
    # Filter and page plain tuples; only the page's rows become response objects.
    found: list[tuple[str, date, Decimal, str, Decimal | None]] = []
    for code, m in sorted(keys, key=lambda key: (-key[1].toordinal(), key[0])):
        bundled_rate = bundled.rates.get(code, {}).get(m)
        row = stored.get((code, m))
        if row is not None:
            rate, kind = row.rate, row.source
        else:
            assert bundled_rate is not None
            rate, kind = bundled_rate, "bundled"
        if source is not None and kind != source:
            continue
        if needle and needle not in code and not m.isoformat().startswith(needle):
            continue
        found.append((code, m, rate, kind, bundled_rate))
    page = [
        FxRateRead(
            currency=code,
            month=m,
            rate=rate,
            source=kind,
            bundled_rate=bundled_rate,
            reporting_currency=reporting,
        )
        for code, m, rate, kind, bundled_rate in found[offset : offset + limit]
    ]
    return page, len(found)


async def set_rate(
    session: AsyncSession, reporting: str, currency: str, month: date, rate: Decimal
) -> FxRateRead:
    """Enter (or replace) a month's rate by hand; it wins over imported and bundled ones."""
    _check_currency(currency, reporting)
    repo = FxRateRepository(session)
    row = await repo.find(currency, month, for_update=True)
    if row is None:
        row = await repo.add(currency=currency, month=month, rate=rate, source="manual")
    else:
        row = await repo.update(row, rate=rate, source="manual")
    return FxRateRead(
        currency=currency,
        month=month,
        rate=rate,
        source="manual",
        bundled_rate=(await bundled_rates_async(reporting)).rates.get(currency, {}).get(month),
        reporting_currency=reporting,
    )


async def delete_rate(session: AsyncSession, reporting: str, currency: str, month: date) -> None:
    """Remove a stored rate: the month falls back to the bundled rate, if there is one."""
    _check_currency(currency, reporting)
    repo = FxRateRepository(session)
    row = await repo.find(currency, month, for_update=True)
    if row is None:
        raise NotFound(
            f"no rate entered or imported for {currency} in {month:%Y-%m}"
            " (bundled rates cannot be deleted; enter one by hand to override)"
        )
    await repo.delete(row)


async def import_ecb_csv(session: AsyncSession, reporting: str, text: str) -> FxImportResult:
    """Store the monthly averages of an ECB-layout CSV, converted to the reporting currency.

    Months with a rate entered by hand keep it; earlier imports of the same months are
    replaced. Converted and averaged exactly as the bundled rates (``costwatch.fx.ecb``).
    """
    try:
        days = parse_history(text)
    except EcbFormatError as exc:
        raise Invalid("file", str(exc)) from exc
    if not days:
        raise Invalid("file", "the file has a header but no rates")
    per_month = monthly_averages(days, reporting)
    if not per_month:
        raise Invalid(
            "file",
            f"the file has no {reporting} column: its rates cannot be crossed to {reporting}",
        )
    rates = {(code, m): value for code, months in per_month.items() for m, value in months.items()}
    repo = FxRateRepository(session)
    manual = {key for key, kind in (await repo.sources(set(rates))).items() if kind == "manual"}
    imported = await repo.replace_imported(rates, manual)
    months = sorted({month_start(daily.day) for daily in days})
    return FxImportResult(
        reporting_currency=reporting,
        days=len(days),
        imported=imported,
        kept_manual=len(manual),
        currencies=sorted(per_month),
        first_month=months[0],
        last_month=months[-1],
    )


async def get_info(reporting: str) -> FxInfo:
    """The reporting currency and how far the bundled rates reach."""
    return FxInfo(
        reporting_currency=reporting,
        bundled_source=BUNDLED_SOURCE,
        bundled_until=(await bundled_rates_async(reporting)).last_day,
    )
