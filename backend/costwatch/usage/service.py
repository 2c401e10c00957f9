"""Business rules of usage services: one currency per service, balances, low-balance alerts."""

from collections.abc import Callable, Hashable, Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from pydantic import TypeAdapter
from sqlalchemy.ext.asyncio import AsyncSession

from costwatch import clock
from costwatch.catalog.repository import ServiceRepository
from costwatch.catalog.service import require_service
from costwatch.currency import DEFAULT_CURRENCY
from costwatch.errors import DomainError, Invalid, NotFound
from costwatch.models import CategoryCode, UsageConsumption, UsageTopup
from costwatch.money import ZERO, quantize
from costwatch.usage.repository import (
    BURN_DAYS,
    BalanceRepository,
    BalanceRow,
    ConsumptionRepository,
    TopupRepository,
    UsageEventRow,
    usage_events,
    window_ending,
)
from costwatch.usage.schemas import Balance, ConsumptionCreate, LowBalanceAlert, TopupCreate

LOW_BALANCE_PERCENT = Decimal(20)
"""The default low-balance threshold, in percent of the last top-up."""


def burn_window(today: date) -> tuple[date, date]:
    """The days the run rate is taken over: the ``BURN_DAYS`` days that end today, included.

    Consumption dated after today is not in it (it has not been spent yet).
    """
    return window_ending(today)


def runway(
    balance: Decimal, consumed_recent: Decimal | None, today: date
) -> tuple[Decimal, int | None, date | None]:
    """``daily_burn`` (rounded to cents), ``days_left`` and ``runout_date`` of a balance.

    ``daily_burn`` is the consumption of the burn window over ``BURN_DAYS``. ``days_left`` is
    the balance over the exact (unrounded) burn, rounded down: ``0`` once the balance is <= 0
    (even without recent consumption: the money is gone), ``None`` when nothing was consumed
    in the window (the funds do not run out at this rate). ``runout_date`` is today plus
    ``days_left`` (``None`` with it, or past the last date Python can hold).
    """
    consumed = consumed_recent or ZERO
    burn = quantize(consumed / BURN_DAYS)
    if balance <= 0:
        days: int | None = 0
    elif consumed <= 0:
        days = None
    else:
        days = int(balance * BURN_DAYS // consumed)
    if days is None or days > (date.max - today).days:
        return burn, days, None
    return burn, days, today + timedelta(days=days)


def low_balance_threshold(last_topup_amount: Decimal | None, percent: Decimal) -> Decimal | None:
    """The exact amount below which a balance is low: ``percent`` of the last top-up.

    The one home of the low-balance rule; ``None`` for a service never topped up (it has no
    reference amount and is never low).
    """
    if last_topup_amount is None:
        return None
    return last_topup_amount * percent / 100


def _is_low(row: BalanceRow, threshold: Decimal | None) -> bool:
    return threshold is not None and row.balance < threshold


class JsonMemo:
    """The JSON of report rows, by the values each one is made of: a memo of a pure function.

    A report after a write reads every row afresh from the database, but most of its rows
    hold the same values as at the request before (a write changes a service or two of
    hundreds). A row's JSON is a function of those values and of the request's parameters
    alone, both in the key, so it is made once per process and reused while they stay the
    same. Bounded: emptied when it holds ``limit`` rows (about 1 KB each, key included).
    """

    def __init__(self, limit: int = 20_000) -> None:
        self.limit = limit
        self._entries: dict[Hashable, bytes] = {}

    def __len__(self) -> int:
        return len(self._entries)

    def json(self, key: Hashable, make: Callable[[], bytes]) -> bytes:
        """The memo's JSON for ``key``, made by ``make`` the first time."""
        found = self._entries.get(key)
        if found is None:
            if len(self._entries) >= self.limit:
                self._entries.clear()
            found = self._entries[key] = make()
        return found


_BALANCE = TypeAdapter(Balance)
_LOW_BALANCE = TypeAdapter(LowBalanceAlert)
_MEMO = JsonMemo()


def _json_list(parts: Sequence[bytes]) -> bytes:
    return b"[" + b",".join(part for part in parts if part) + b"]"


async def list_topups(
    session: AsyncSession, *, service_id: int | None, sort: str, limit: int, offset: int
) -> tuple[list[UsageTopup], int]:
    """A page of top-ups and the total."""
    return await TopupRepository(session).list_page(
        service_id=service_id, sort=sort, limit=limit, offset=offset
    )


async def list_consumption(
    session: AsyncSession, *, service_id: int | None, sort: str, limit: int, offset: int
) -> tuple[list[UsageConsumption], int]:
    """A page of consumption events and the total."""
    return await ConsumptionRepository(session).list_page(
        service_id=service_id, sort=sort, limit=limit, offset=offset
    )


async def list_events(
    session: AsyncSession, *, service_id: int, sort: str, limit: int, offset: int
) -> tuple[list[UsageEventRow], int]:
    """A page of one usage service's top-ups and consumption together, and the total."""
    await require_service(session, service_id, CategoryCode.USAGE)
    return await usage_events(session, service_id=service_id, sort=sort, limit=limit, offset=offset)


async def create_topup(session: AsyncSession, body: TopupCreate) -> UsageTopup:
    """Record funds added to a usage service, in the currency it already uses."""
    await require_service(session, body.service_id, CategoryCode.USAGE, lock=True)
    repo = TopupRepository(session)
    current = await repo.currency_of(body.service_id)
    if current is not None and current != body.currency:
        raise Invalid(
            "currency",
            f"Service {body.service_id} is funded in {current}; a top-up in {body.currency}"
            " would mix currencies in its balance.",
        )
    return await repo.record(**body.model_dump())


async def _consumption_currency(session: AsyncSession, service_id: int) -> str:
    """The rules of a consumption event's service: a usage service (locked), and its currency."""
    await require_service(session, service_id, CategoryCode.USAGE, lock=True)
    return await TopupRepository(session).currency_of(service_id) or DEFAULT_CURRENCY


async def create_consumption(session: AsyncSession, body: ConsumptionCreate) -> UsageConsumption:
    """Record funds used up, in the currency of the service's top-ups."""
    currency = await _consumption_currency(session, body.service_id)
    return await ConsumptionRepository(session).record(**body.model_dump(), currency=currency)


async def create_consumptions(
    session: AsyncSession, bodies: Sequence[ConsumptionCreate], *, check_only: bool = False
) -> dict[int, DomainError]:
    """Record many consumption events at once (a CSV import), by the rules of one.

    The rules of ``create_consumption`` are checked once per service (the same function),
    services in id order so that two imports lock them in the same order. The events of a
    service that breaks them are not recorded: the answer maps its id to the error.

    ``check_only`` (a dry run, rolled back after): the rules and the month totals (which
    the database refuses past their size) are checked, but the events are not inserted.
    Nothing else can refuse them: each one passed ``ConsumptionCreate``, its service passed
    the rules, and an event without a source clashes with no unique key. Inserting 100,000
    rows only to roll them back cost MariaDB as much again in undo.
    """
    currencies: dict[int, str] = {}
    failed: dict[int, DomainError] = {}
    for service_id in sorted({body.service_id for body in bodies}):
        try:
            currencies[service_id] = await _consumption_currency(session, service_id)
        except DomainError as error:
            failed[service_id] = error
    await ConsumptionRepository(session).record_many(
        [
            {**body.model_dump(), "currency": currencies[body.service_id]}
            for body in bodies
            if body.service_id in currencies
        ],
        totals_only=check_only,
    )
    return failed


async def delete_topup(session: AsyncSession, topup_id: int) -> None:
    """Remove a top-up entered by mistake.

    The top-up's row is locked first (of two simultaneous deletes, the second finds it
    gone), then its service's, as every writer of the service's running balance does.
    """
    repo = TopupRepository(session)
    row = await repo.get(topup_id, for_update=True)
    if row is None:
        raise NotFound(f"Top-up {topup_id} does not exist.")
    await ServiceRepository(session).lock(row.service_id)
    await repo.remove(row)


async def delete_consumption(session: AsyncSession, consumption_id: int) -> None:
    """Remove a consumption event entered by mistake.

    The event's row is locked before it is read: of two simultaneous deletes of one event,
    the second waits, then finds it gone (404) instead of taking it out of the month's total
    a second time.
    """
    repo = ConsumptionRepository(session)
    row = await repo.get(consumption_id, for_update=True)
    if row is None:
        raise NotFound(f"Consumption event {consumption_id} does not exist.")
    await ServiceRepository(session).lock(row.service_id)
    await repo.remove(row)


def _balance(row: BalanceRow, percent: Decimal, today: date) -> Balance:
    threshold = low_balance_threshold(row.last_topup_amount, percent)
    daily_burn, days_left, runout_date = runway(row.balance, row.consumed_recent, today)
    return Balance(
        service_id=row.service_id,
        service_name=row.service_name,
        provider_name=row.provider_name,
        active=row.active,
        currency=row.currency or DEFAULT_CURRENCY,
        total_topups=row.total_topups,
        total_consumed=row.total_consumed,
        balance=row.balance,
        last_topup_date=row.last_topup_date,
        last_topup_amount=row.last_topup_amount,
        threshold_percent=percent,
        threshold_amount=quantize(threshold) if threshold is not None else None,
        low_balance=_is_low(row, threshold),
        daily_burn=daily_burn,
        days_left=days_left,
        runout_date=runout_date,
    )


async def list_balances(
    session: AsyncSession,
    *,
    threshold_percent: Decimal = LOW_BALANCE_PERCENT,
    q: str | None = None,
    sort: str = "provider_name",
    limit: int | None = None,
    offset: int = 0,
) -> tuple[list[Balance], int]:
    """Balances of the usage services (all of them unless ``limit`` pages), and the count."""
    today = clock.today()
    rows, total = await BalanceRepository(session).balances(
        q=q, sort=sort, limit=limit, offset=offset, burn_window=burn_window(today)
    )
    return [_balance(row, threshold_percent, today) for row in rows], total


async def list_balances_json(
    session: AsyncSession,
    *,
    threshold_percent: Decimal = LOW_BALANCE_PERCENT,
    q: str | None = None,
    sort: str = "provider_name",
    limit: int | None = None,
    offset: int = 0,
) -> tuple[bytes, int]:
    """``list_balances`` as the JSON of its response (a list of ``Balance``), and the count.

    The same rows and the same JSON; each row's JSON from ``JsonMemo`` (keyed by everything
    it depends on: the row read, the threshold as written, and today for the runway).
    """
    today = clock.today()
    repository = BalanceRepository(session)
    rows, total = await repository.raw_balances(
        q=q, sort=sort, limit=limit, offset=offset, burn_window=burn_window(today)
    )
    percent = str(threshold_percent)  # "20" and "20.0" are equal Decimals but render apart

    def make(row: tuple[Any, ...]) -> Callable[[], bytes]:
        return lambda: _BALANCE.dump_json(_balance(repository.row(row), threshold_percent, today))

    return _json_list(
        [_MEMO.json(("balance", row, percent, today), make(row)) for row in rows]
    ), total


async def get_balance(
    session: AsyncSession, service_id: int, threshold_percent: Decimal = LOW_BALANCE_PERCENT
) -> Balance:
    """The balance of one usage service, or 404."""
    today = clock.today()
    rows, _ = await BalanceRepository(session).balances(service_id, burn_window=burn_window(today))
    if not rows:
        raise NotFound(f"Usage service {service_id} does not exist.")
    return _balance(rows[0], threshold_percent, today)


async def get_usage_balance(session: AsyncSession, service_id: int) -> Decimal:
    """Sum of top-ups minus sum of consumption of a usage service."""
    return (await get_balance(session, service_id)).balance


async def low_balance_alerts(
    session: AsyncSession, threshold_percent: Decimal = LOW_BALANCE_PERCENT
) -> list[LowBalanceAlert]:
    """Usage services whose balance is below ``threshold_percent`` of their last top-up.

    Services never topped up have no reference amount and are not listed. The comparison uses
    the exact threshold; ``threshold_amount`` is shown rounded to cents.
    """
    rows, _ = await BalanceRepository(session).balances()
    return [
        alert
        for alert in (_low_balance_alert(row, threshold_percent) for row in rows)
        if alert is not None
    ]


def _low_balance_alert(row: BalanceRow, threshold_percent: Decimal) -> LowBalanceAlert | None:
    """The alert of a service whose balance is low, else ``None``."""
    threshold = low_balance_threshold(row.last_topup_amount, threshold_percent)
    if threshold is None or row.last_topup_amount is None or not _is_low(row, threshold):
        return None
    return LowBalanceAlert(
        service_id=row.service_id,
        service_name=row.service_name,
        provider_name=row.provider_name,
        currency=row.currency or DEFAULT_CURRENCY,
        balance=row.balance,
        last_topup_amount=row.last_topup_amount,
        last_topup_date=row.last_topup_date,
        threshold_amount=quantize(threshold),
        threshold_percent=threshold_percent,
    )


async def low_balance_alerts_json(
    session: AsyncSession, threshold_percent: Decimal = LOW_BALANCE_PERCENT
) -> bytes:
    """``low_balance_alerts`` as the JSON of its response; each row's from ``JsonMemo``."""
    repository = BalanceRepository(session)
    rows, _ = await repository.raw_balances()
    percent = str(threshold_percent)

    def make(row: tuple[Any, ...]) -> Callable[[], bytes]:
        def alert_json() -> bytes:
            alert = _low_balance_alert(repository.row(row), threshold_percent)
            return b"" if alert is None else _LOW_BALANCE.dump_json(alert)

        return alert_json

    return _json_list([_MEMO.json(("low", row, percent), make(row)) for row in rows])
