"""Connectors: one small class per provider's billing API, behind one interface.

Each connector fetches a provider's cost per UTC day for a date range and, where the provider
has one, the account's balance, with ``httpx``. The field names and units come from each
provider's API reference (checked against its OpenAPI description or reference pages):

- OpenAI ``GET /v1/organization/costs`` (admin key, ``Authorization: Bearer``): daily buckets
  (``bucket_width=1d``, ``start_time``/``end_time`` in Unix seconds, ``limit`` buckets per
  page), each with ``results[].amount = {"value": <JSON number, dollars>, "currency": "usd"}``;
  cursor paging with ``has_more``/``next_page`` sent back as ``page``.
- Anthropic ``GET /v1/organizations/cost_report`` (admin key in ``x-api-key``,
  ``anthropic-version: 2023-06-01``): daily buckets (``starting_at``/``ending_at`` RFC 3339),
  ``results[].amount`` a decimal STRING in CENTS of ``currency`` (USD) — divided by 100 here;
  ``limit`` at most 31 buckets; paging with ``has_more``/``next_page``.
- Twilio ``GET /2010-04-01/Accounts/{AccountSid}/Usage/Records/Daily.json`` with
  ``Category=totalprice`` (HTTP basic auth: account SID and auth token): ``usage_records[]``
  with ``start_date`` and ``price`` (a string) in ``price_unit`` (lower case);
  ``next_page_uri`` is relative to the API's host. ``/Balance.json`` gives ``balance`` and
  ``currency`` (upper case).
- OpenRouter ``GET /api/v1/credits`` (``Authorization: Bearer``; a management key):
  ``data.total_credits`` and ``data.total_usage`` in USD; the balance is their difference.
  ``GET /api/v1/activity`` lists the last 30 completed UTC days per model and endpoint with
  ``usage`` in USD: summed per ``date``. A key that may not read activity (401/403 there) still
  gives the balance: the daily costs are then reported as unavailable, not as an error.

JSON numbers are read as ``Decimal`` (never float). Error messages name the host and the HTTP
status only: they never contain a credential or a provider's answer body.
"""

import asyncio
import json
import random
from abc import ABC, abstractmethod
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar
from urllib.parse import urlsplit

import httpx

CENTS = Decimal(100)


@dataclass(frozen=True)
class DailyCost:
    """What a provider charged for one UTC day, exactly as reported (any number of decimals)."""

    day: date
    amount: Decimal
    currency: str


@dataclass(frozen=True)
class ProviderBalance:
    """The account balance a provider reports."""

    amount: Decimal
    currency: str


class ProviderError(Exception):
    """A provider call failed. The message is safe to store and show: no secret, no body.

    ``auth`` marks refused credentials (401/403): retrying will not help, the user must act.
    """

    def __init__(self, message: str, *, auth: bool = False) -> None:
        super().__init__(message)
        self.auth = auth


@dataclass(frozen=True)
class RetryPolicy:
    """Bounded retries with exponential backoff and jitter, on 429, 5xx and network errors.

    A ``Retry-After`` header (seconds) is honoured, up to ``max_delay``.
    """

    attempts: int = 4
    base_delay: float = 0.5
    max_delay: float = 30.0
    timeout: float = 20.0

    def delay(self, attempt: int, retry_after: str | None) -> float:
        """Seconds to wait before try ``attempt + 1``."""
        if retry_after is not None:
            try:
                return min(max(float(retry_after), 0.0), self.max_delay)
            except ValueError:
                pass  # an HTTP date: fall back to the backoff
        backoff = self.base_delay * 2 ** (attempt - 1)
        return float(min(backoff * random.uniform(1.0, 1.5), self.max_delay))  # noqa: S311


def _decimal(value: Any, what: str) -> Decimal:
    """A provider's number (a JSON number read as Decimal, or a decimal string)."""
    if isinstance(value, bool) or not isinstance(value, (Decimal, int, str)):
        raise ProviderError(f"unexpected {what}: not a number")
    try:
        result = Decimal(value)
    except InvalidOperation as exc:
        raise ProviderError(f"unexpected {what}: not a number") from exc
    if not result.is_finite():
        raise ProviderError(f"unexpected {what}: not a finite number")
    return result


def _unix(day: date) -> int:
    return int(datetime.combine(day, time(), tzinfo=UTC).timestamp())


def _rfc3339(day: date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


class Connector(ABC):
    """Fetches one provider's daily costs and balance."""

    kind: ClassVar[str]
    label: ClassVar[str]
    default_base_url: ClassVar[str]
    credential_fields: ClassVar[tuple[str, ...]] = ("api_key",)

    def __init__(
        self,
        credentials: dict[str, str],
        base_url: str | None = None,
        *,
        policy: RetryPolicy | None = None,
        client: httpx.AsyncClient | None = None,
    ) -> None:
        self.credentials = credentials
        self.base_url = (base_url or self.default_base_url).rstrip("/")
        self.policy = policy or RetryPolicy()
        self._client = client

    @abstractmethod
    async def daily_costs(self, start: date, end: date) -> list[DailyCost] | None:
        """Cost per day for ``start <= day < end``; ``None`` when the key may not read them."""

    async def balance(self) -> ProviderBalance | None:
        """The account's balance, for providers that report one."""
        return None

    @property
    def host(self) -> str:
        """The provider's host, for messages."""
        return urlsplit(self.base_url).netloc or self.base_url

    async def get_json(
        self,
        url: str,
        *,
        params: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        auth: tuple[str, str] | None = None,
    ) -> Any:
        """GET ``url`` and read its JSON (numbers as Decimal), retrying what may pass."""
        client = self._client or httpx.AsyncClient(timeout=self.policy.timeout)
        try:
            return await self._get_json(client, url, params, headers, auth)
        finally:
            if self._client is None:
                await client.aclose()

    async def _get_json(
        self,
        client: httpx.AsyncClient,
        url: str,
        params: dict[str, Any] | None,
        headers: dict[str, str] | None,
        auth: tuple[str, str] | None,
    ) -> Any:
        problem = "no answer"
        for attempt in range(1, self.policy.attempts + 1):
            retry_after = None
            try:
                response = await client.get(url, params=params, headers=headers, auth=auth)
            except httpx.TimeoutException:
                problem = "timed out"
            except httpx.TransportError as exc:
                problem = f"could not be reached ({type(exc).__name__})"
            else:
                status = response.status_code
                if status == 200:
                    try:
                        return json.loads(response.content, parse_float=Decimal)
                    except ValueError as exc:
                        raise ProviderError(f"{self.host} answered with invalid JSON") from exc
                if status in (401, 403):
                    raise ProviderError(
                        f"{self.host} refused the credentials (HTTP {status}): check the key,"
                        " that it is an admin/billing key, and its permissions",
                        auth=True,
                    )
                if status != 429 and status < 500:
                    raise ProviderError(f"{self.host} answered HTTP {status}")
                problem = f"answered HTTP {status}"
                retry_after = response.headers.get("Retry-After")
            if attempt < self.policy.attempts:
                await asyncio.sleep(self.policy.delay(attempt, retry_after))
        raise ProviderError(f"{self.host} {problem} after {self.policy.attempts} tries")


def _require(body: Any, *path: str) -> Any:
    """``body[path[0]][path[1]]...``, or a ProviderError naming the missing field."""
    value = body
    for name in path:
        if not isinstance(value, dict) or name not in value:
            raise ProviderError(f"unexpected answer: no field {'.'.join(path)}")
        value = value[name]
    return value


def _list(value: Any, what: str) -> list[Any]:
    if not isinstance(value, list):
        raise ProviderError(f"unexpected answer: {what} is not a list")
    return value


class _Totals:
    """Sums amounts per day; refuses a day reported in two currencies."""

    def __init__(self) -> None:
        self.amounts: dict[date, Decimal] = defaultdict(Decimal)
        self.currencies: dict[date, str] = {}

    def add(self, day: date, amount: Decimal, currency: str) -> None:
        currency = currency.upper()
        if self.currencies.setdefault(day, currency) != currency:
            raise ProviderError(f"{day}: costs reported in two currencies")
        self.amounts[day] += amount

    def within(self, start: date, end: date) -> list[DailyCost]:
        return [
            DailyCost(day, self.amounts[day], self.currencies[day])
            for day in sorted(self.amounts)
            if start <= day < end
        ]


class OpenAIConnector(Connector):
    """OpenAI organization costs (an admin key, ``sk-admin-...``)."""

    kind = "openai"
    label = "OpenAI"
    default_base_url = "https://api.openai.com"
    page_buckets = 31

    async def daily_costs(self, start: date, end: date) -> list[DailyCost]:
        """Daily cost buckets, every page."""
        totals = _Totals()
        params: dict[str, Any] = {
            "start_time": _unix(start),
            "end_time": _unix(end),
            "bucket_width": "1d",
            "limit": self.page_buckets,
        }
        headers = {"Authorization": f"Bearer {self.credentials['api_key']}"}
        while True:
            body = await self.get_json(
                f"{self.base_url}/v1/organization/costs", params=params, headers=headers
            )
            for bucket in _list(_require(body, "data"), "data"):
                start_time = _require(bucket, "start_time")
                if not isinstance(start_time, int):
                    raise ProviderError("unexpected answer: start_time is not Unix seconds")
                day = datetime.fromtimestamp(start_time, UTC).date()
                for result in _list(_require(bucket, "results"), "results"):
                    value = _decimal(_require(result, "amount", "value"), "amount.value")
                    totals.add(day, value, str(_require(result, "amount", "currency")))
            if not body.get("has_more") or not body.get("next_page"):
                break
            params = {**params, "page": body["next_page"]}
        return totals.within(start, end)


class AnthropicConnector(Connector):
    """Anthropic Admin API cost report (an admin key, ``sk-ant-admin...``)."""

    kind = "anthropic"
    label = "Anthropic"
    default_base_url = "https://api.anthropic.com"
    version = "2023-06-01"
    page_buckets = 31

    async def daily_costs(self, start: date, end: date) -> list[DailyCost]:
        """Daily buckets of the cost report; ``amount`` is in cents, as a decimal string."""
        totals = _Totals()
        params: dict[str, Any] = {
            "starting_at": _rfc3339(start),
            "ending_at": _rfc3339(end),
            "bucket_width": "1d",
            "limit": self.page_buckets,
        }
        headers = {"x-api-key": self.credentials["api_key"], "anthropic-version": self.version}
        while True:
            body = await self.get_json(
                f"{self.base_url}/v1/organizations/cost_report", params=params, headers=headers
            )
            for bucket in _list(_require(body, "data"), "data"):
                day = _day(_require(bucket, "starting_at"))
                for result in _list(_require(bucket, "results"), "results"):
                    cents = _decimal(_require(result, "amount"), "amount")
                    totals.add(day, cents / CENTS, str(result.get("currency") or "USD"))
            if not body.get("has_more") or not body.get("next_page"):
                break
            params = {**params, "page": body["next_page"]}
        return totals.within(start, end)


class TwilioConnector(Connector):
    """Twilio usage records (category ``totalprice``) and account balance."""

    kind = "twilio"
    label = "Twilio"
    default_base_url = "https://api.twilio.com"
    credential_fields = ("account_sid", "auth_token")

    @property
    def _auth(self) -> tuple[str, str]:
        return (self.credentials["account_sid"], self.credentials["auth_token"])

    @property
    def _account(self) -> str:
        return f"{self.base_url}/2010-04-01/Accounts/{self.credentials['account_sid']}"

    async def daily_costs(self, start: date, end: date) -> list[DailyCost]:
        """The daily ``totalprice`` records (``EndDate`` is inclusive), every page."""
        totals = _Totals()
        url: str | None = f"{self._account}/Usage/Records/Daily.json"
        params: dict[str, Any] | None = {
            "Category": "totalprice",
            "StartDate": start.isoformat(),
            "EndDate": (end - timedelta(days=1)).isoformat(),
            "PageSize": 1000,
        }
        while url is not None:
            body = await self.get_json(url, params=params, auth=self._auth)
            for record in _list(_require(body, "usage_records"), "usage_records"):
                price = record.get("price")
                if price is None:  # a day without charges may have no price
                    continue
                day = _day(_require(record, "start_date"))
                totals.add(day, _decimal(price, "price"), str(record.get("price_unit") or "usd"))
            next_uri = body.get("next_page_uri")
            # next_page_uri is relative to the API's host and carries every parameter.
            url = f"{self.base_url}{next_uri}" if next_uri else None
            params = None
        return totals.within(start, end)

    async def balance(self) -> ProviderBalance:
        """``/Balance.json``: the prepaid balance."""
        body = await self.get_json(f"{self._account}/Balance.json", auth=self._auth)
        amount = _decimal(_require(body, "balance"), "balance")
        return ProviderBalance(amount, str(_require(body, "currency")).upper())


class OpenRouterConnector(Connector):
    """OpenRouter credits (balance) and daily activity (a management key)."""

    kind = "openrouter"
    label = "OpenRouter"
    default_base_url = "https://openrouter.ai"

    @property
    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.credentials['api_key']}"}

    async def daily_costs(self, start: date, end: date) -> list[DailyCost] | None:
        """``/api/v1/activity`` summed per date (only the last 30 completed UTC days exist)."""
        try:
            body = await self.get_json(f"{self.base_url}/api/v1/activity", headers=self._headers)
        except ProviderError as exc:
            if exc.auth:  # the key may read the credits but not the activity
                return None
            raise
        totals = _Totals()
        for item in _list(_require(body, "data"), "data"):
            day = _day(_require(item, "date"))
            totals.add(day, _decimal(_require(item, "usage"), "usage"), "USD")
        return totals.within(start, end)

    async def balance(self) -> ProviderBalance:
        """Credits bought minus credits used."""
        body = await self.get_json(f"{self.base_url}/api/v1/credits", headers=self._headers)
        credits = _decimal(_require(body, "data", "total_credits"), "total_credits")
        usage = _decimal(_require(body, "data", "total_usage"), "total_usage")
        return ProviderBalance(credits - usage, "USD")


def _day(value: Any) -> date:
    """The date of ``2025-07-01``, ``2025-07-01T00:00:00Z`` or ``2025-07-01 00:00:00``."""
    if not isinstance(value, str) or len(value) < 10:
        raise ProviderError("unexpected answer: a date is not YYYY-MM-DD")
    try:
        return date.fromisoformat(value[:10])
    except ValueError as exc:
        raise ProviderError("unexpected answer: a date is not YYYY-MM-DD") from exc


CONNECTORS: dict[str, type[Connector]] = {
    connector.kind: connector
    for connector in (OpenAIConnector, AnthropicConnector, TwilioConnector, OpenRouterConnector)
}
