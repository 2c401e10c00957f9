"""The alert rules: each finds the conditions that hold now, as keys an event is made of.

A condition is identified by (kind, subject, threshold, period); the engine stores one event
per identity. Each rule also says which stored events it judged (``covers``): an event it
judged whose condition is no longer found has cleared, and is resolved.

- ``budget``: a month's spend reached a threshold of a budget (`/budgets/status`'s ``crossed``).
  Period: the month. Past months' events resolve when the month is over (the budget starts
  again).
- ``low_balance``: a prepaid balance under ``COSTWATCH_LOW_BALANCE_ALERT_PERCENT`` (20) of its
  last top-up. Period: the date of that top-up (a funding period): a new top-up clears it, and
  running low again after it is a new event.
- ``runway``: a prepaid balance that runs out within ``COSTWATCH_RUNWAY_ALERT_DAYS`` (14) days at
  the last 30 days' burn (`days_left` of `/usage/balances`). Period: as ``low_balance``.
- ``commitment``: an annual commitment ending within a notice window
  (``COSTWATCH_COMMITMENT_NOTICE_DAYS``, 90,30,7): one event per window, the tightest window
  reached; a tighter one resolves the wider one. Period: the commitment's end date.
- ``anomaly``: a service's spend far above its own history, robustly (a median, not a mean, so
  one past spike does not hide the next):
  * a day's consumption of a usage service, for each of the last ``ANOMALY_DAYS`` days, against
    the ``BASELINE_DAYS`` days before it (days without consumption count as 0; at least
    ``MIN_ACTIVE_DAYS`` of them must have some);
  * a month's invoice of an infrastructure service, this month and last, against the
    ``BASELINE_MONTHS`` months before it (at least ``MIN_MONTHS`` invoices).
  Anomalous when ``amount > median + k x spread`` with ``spread = max(1.4826 x MAD,
  10 % of the median, 1.00)``: the MAD (median absolute deviation) scaled to a standard
  deviation for normal data, floored so that a perfectly flat history does not flag a cent's
  change. ``k`` is ``COSTWATCH_ANOMALY_K`` (4). Only spikes up are alerts: a drop is usually a
  sync gap or a cancelled service, and shows on the dashboard anyway.
"""

import asyncio
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from statistics import median

from sqlalchemy.ext.asyncio import AsyncSession

from costwatch.alerts.repository import (
    StoredEvent,
    daily_consumption,
    monthly_invoices,
    usage_currencies,
)
from costwatch.budgets.service import budget_status
from costwatch.calendar import add_months, month_start
from costwatch.licenses.service import get_license_commitments
from costwatch.money import ZERO, format_money
from costwatch.reports.repository import service_labels
from costwatch.usage.service import list_balances

ANOMALY_DAYS = 7
BASELINE_DAYS = 28
MIN_ACTIVE_DAYS = 14
BASELINE_MONTHS = 6
MIN_MONTHS = 3
MAD_TO_SIGMA = Decimal("1.4826")
MIN_SPREAD_SHARE = Decimal("0.1")
MIN_SPREAD = Decimal(1)


@dataclass(frozen=True)
class Parameters:
    """What the rules are tuned with (the ``COSTWATCH_*`` alert settings) and today's date."""

    today: date
    currency: str
    runway_days: int = 14
    low_balance_percent: int = 20
    notice_windows: tuple[int, ...] = (90, 30, 7)
    anomaly_k: Decimal = Decimal(4)


@dataclass(frozen=True)
class Condition:
    """A condition that holds now: the identity of its event and what to say about it."""

    kind: str
    subject_key: str
    threshold: int
    period: str
    subject: str
    message: str
    service_id: int | None = None
    budget_id: int | None = None

    @property
    def key(self) -> tuple[str, str, int, str]:
        """The event's identity."""
        return (self.kind, self.subject_key, self.threshold, self.period)


@dataclass
class Findings:
    """What one rule found, and which stored events it judged."""

    kind: str
    conditions: list[Condition] = field(default_factory=list)
    covers: Callable[[StoredEvent], bool] = lambda _event: True


def _money(amount: Decimal, currency: str) -> str:
    return f"{format_money(amount)} {currency}"


async def budget_rule(session: AsyncSession, params: Parameters) -> Findings:
    """Budget thresholds reached this month."""
    found = Findings("budget")
    for row in await budget_status(session, params.currency, month_start(params.today)):
        for threshold in row.crossed:
            found.conditions.append(
                Condition(
                    kind="budget",
                    subject_key=f"budget:{row.budget_id}",
                    threshold=threshold,
                    period=f"{row.year:04d}-{row.month:02d}",
                    subject=row.name,
                    message=(
                        f'Budget "{row.name}" ({row.subject}) has reached {threshold} % in'
                        f" {row.year:04d}-{row.month:02d}: {_money(row.spent, row.currency)}"
                        f" spent of {_money(row.amount, row.currency)} ({row.percent_spent} %),"
                        f" {_money(row.forecast, row.currency)} expected by the month's end."
                    ),
                    budget_id=row.budget_id,
                )
            )
    return found


async def balance_rules(session: AsyncSession, params: Parameters) -> list[Findings]:
    """Low balances and short runways of the active prepaid services."""
    low = Findings("low_balance")
    short = Findings("runway")
    balances, _ = await list_balances(
        session, threshold_percent=Decimal(params.low_balance_percent)
    )
    for row in balances:
        if not row.active:
            continue
        period = row.last_topup_date.isoformat() if row.last_topup_date else "never topped up"
        key = f"service:{row.service_id}"
        if row.low_balance and row.last_topup_amount is not None:
            low.conditions.append(
                Condition(
                    kind="low_balance",
                    subject_key=key,
                    threshold=params.low_balance_percent,
                    period=period,
                    subject=row.service_name,
                    message=(
                        f"{row.service_name} ({row.provider_name}) has"
                        f" {_money(row.balance, row.currency)} left, under"
                        f" {params.low_balance_percent} % of its last top-up"
                        f" ({_money(row.last_topup_amount, row.currency)})."
                    ),
                    service_id=row.service_id,
                )
            )
        if row.days_left is not None and row.days_left <= params.runway_days:
            if row.days_left == 0:
                when = "has run out of funds"
            else:
                day = "day" if row.days_left == 1 else "days"
                when = f"runs out on {row.runout_date}, in {row.days_left} {day}"
            short.conditions.append(
                Condition(
                    kind="runway",
                    subject_key=key,
                    threshold=params.runway_days,
                    period=period,
                    subject=row.service_name,
                    message=(
                        f"{row.service_name} ({row.provider_name}) {when}: balance"
                        f" {_money(row.balance, row.currency)}, burning"
                        f" {_money(row.daily_burn, row.currency)} a day over the last 30 days."
                    ),
                    service_id=row.service_id,
                )
            )
    return [low, short]


async def commitment_rule(session: AsyncSession, params: Parameters) -> Findings:
    """Annual commitments ending within a notice window: the tightest window reached."""
    found = Findings("commitment")
    widest = max(params.notice_windows)
    commitments = await get_license_commitments(
        session, params.today + timedelta(days=widest), one_per_service=True
    )
    for item in commitments:
        window = min(days for days in params.notice_windows if item.days_remaining <= days)
        in_days = "today" if item.days_remaining == 0 else f"in {item.days_remaining} days"
        found.conditions.append(
            Condition(
                kind="commitment",
                subject_key=f"service:{item.service_id}",
                threshold=window,
                period=item.annual_commitment_end.isoformat(),
                subject=item.service_name,
                message=(
                    f"The annual commitment of {item.service_name} ({item.provider_name},"
                    f" {item.qty} seats, {_money(item.monthly_cost, item.currency)} a month)"
                    f" ends on {item.annual_commitment_end}, {in_days}: renew, resize or"
                    " cancel before then."
                ),
                service_id=item.service_id,
            )
        )
    return found


def is_anomaly(amount: Decimal, history: list[Decimal], k: Decimal) -> tuple[bool, Decimal]:
    """Whether ``amount`` is far above ``history`` (see the module's text); and the median.

    Most days are ordinary, and two sorts per day and service cost a quarter of a second on a
    large ledger. So first an exact shortcut: an anomaly needs ``median < t`` with ``t =
    min(amount - k x MIN_SPREAD, amount / (1 + k x MIN_SPREAD_SHARE))`` (the spread is at least
    both floors), and the median is at least the lower middle value, which is ``>= t`` when at
    most ``(n - 1) // 2`` values are under ``t``. Then it is not an anomaly (median unknown: 0).
    Likewise, once the median is known, ``amount <= median + k x max(floors)`` is not one
    either, whatever the MAD (``k`` is at least 1): the second sort only for the rest.
    """
    bound = min(amount - k * MIN_SPREAD, amount / (1 + k * MIN_SPREAD_SHARE))
    # bound.__gt__: the count in C, not a generator's frame per value (5,000 calls a run).
    if sum(map(bound.__gt__, history)) <= (len(history) - 1) // 2:
        return False, ZERO
    middle = Decimal(median(history))
    if amount <= middle + k * max(MIN_SPREAD_SHARE * middle, MIN_SPREAD):
        return False, middle
    mad = Decimal(median([abs(value - middle) for value in history]))
    spread = max(MAD_TO_SIGMA * mad, MIN_SPREAD_SHARE * middle, MIN_SPREAD)
    return amount > middle + k * spread, middle


class _Pause:
    """Lets the process's other requests through every ``SLICE`` seconds of a long loop.

    A ledger of thousands of services takes the rules a few hundred ms; a request arriving
    meanwhile would wait for all of it. By the clock rather than every n services: each
    yield is a round of the event loop (a system call), so no more of them than needed.
    """

    SLICE = 0.005

    def __init__(self) -> None:
        self.since = time.perf_counter()

    async def __call__(self) -> None:
        if time.perf_counter() - self.since >= self.SLICE:
            await asyncio.sleep(0)
            self.since = time.perf_counter()


async def anomaly_rule(session: AsyncSession, params: Parameters) -> Findings:
    """Days and months of a service's spend far above its own history."""
    today = params.today
    first_day = today - timedelta(days=ANOMALY_DAYS - 1)
    days = [first_day + timedelta(days=offset) for offset in range(ANOMALY_DAYS)]
    this_month = month_start(today)
    months = [add_months(this_month, -1), this_month]
    judged = {day.isoformat() for day in days} | {f"{month:%Y-%m}" for month in months}
    found = Findings("anomaly", covers=lambda event: event.period in judged)

    # Each usage service's amounts as one series of the BASELINE_DAYS + ANOMALY_DAYS days up to
    # today (0 where nothing was consumed): a day's history is then a slice, and its active
    # days a difference of running counts, not 28 lookups per service and day.
    start = first_day - timedelta(days=BASELINE_DAYS)
    span = BASELINE_DAYS + ANOMALY_DAYS
    index = {start + timedelta(days=offset): offset for offset in range(span)}
    per_day: dict[int, list[Decimal]] = {}
    for service_id, day, amount in await daily_consumption(session, start, today):
        series = per_day.get(service_id)
        if series is None:
            series = per_day[service_id] = [ZERO] * span
        series[index[day]] = amount
    per_month: dict[int, dict[date, tuple[Decimal, str]]] = defaultdict(dict)
    for service_id, month, amount, currency in await monthly_invoices(
        session, add_months(months[0], -BASELINE_MONTHS), this_month
    ):
        per_month[service_id][month] = (amount, currency)

    pause = _Pause()
    spikes: list[tuple[int, date, Decimal, Decimal]] = []  # service, day, amount, usual
    for service_id, series in sorted(per_day.items()):
        await pause()
        active = [0]
        for value in series:
            active.append(active[-1] + (value > 0))
        for offset, day in enumerate(days, start=BASELINE_DAYS):
            amount = series[offset]
            if amount <= 0 or active[offset] - active[offset - BASELINE_DAYS] < MIN_ACTIVE_DAYS:
                continue
            history = series[offset - BASELINE_DAYS : offset]
            high, usual = is_anomaly(amount, history, params.anomaly_k)
            if high:
                spikes.append((service_id, day, amount, usual))

    # service, month, amount, currency, usual, invoices in the history
    bills: list[tuple[int, date, Decimal, str, Decimal, int]] = []
    before = {
        month: [add_months(month, -back) for back in range(1, BASELINE_MONTHS + 1)]
        for month in months
    }
    for service_id, invoices in sorted(per_month.items()):
        await pause()
        for month in months:
            if month not in invoices:
                continue
            amount, currency = invoices[month]
            history = [
                invoices[past][0]
                for past in before[month]
                if past in invoices and invoices[past][1] == currency
            ]
            if len(history) < MIN_MONTHS:
                continue
            high, usual = is_anomaly(amount, history, params.anomaly_k)
            if high:
                bills.append((service_id, month, amount, currency, usual, len(history)))

    # Names and currencies of the services that have something to say only.
    labels = await service_labels(
        session, {spike[0] for spike in spikes} | {bill[0] for bill in bills}
    )
    currencies = await usage_currencies(session, {spike[0] for spike in spikes})
    for service_id, day, amount, usual in spikes:
        name = labels[service_id].service_name
        currency = currencies.get(service_id, params.currency)
        found.conditions.append(
            Condition(
                kind="anomaly",
                subject_key=f"service:{service_id}",
                threshold=0,
                period=day.isoformat(),
                subject=name,
                message=(
                    f"{name} consumed {_money(amount, currency)} on {day}, far above"
                    f" its usual {_money(usual, currency)} a day (median of the"
                    f" {BASELINE_DAYS} days before)."
                ),
                service_id=service_id,
            )
        )
    for service_id, month, amount, currency, usual, count in bills:
        name = labels[service_id].service_name
        found.conditions.append(
            Condition(
                kind="anomaly",
                subject_key=f"service:{service_id}",
                threshold=0,
                period=f"{month:%Y-%m}",
                subject=name,
                message=(
                    f"{name}'s invoice for {month:%Y-%m} is {_money(amount, currency)},"
                    f" far above its usual {_money(usual, currency)} (median of its"
                    f" last {count} invoices)."
                ),
                service_id=service_id,
            )
        )
    return found


async def find_all(session: AsyncSession, params: Parameters) -> list[Findings]:
    """Every rule's findings, in a fixed order."""
    return [
        await budget_rule(session, params),
        *await balance_rules(session, params),
        await commitment_rule(session, params),
        await anomaly_rule(session, params),
    ]
