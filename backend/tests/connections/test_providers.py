"""The connectors against real local servers that answer as the providers document."""

import time
from datetime import date
from decimal import Decimal

import pytest
from pytest_httpserver import HTTPServer

from costwatch.connections.providers import (
    AnthropicConnector,
    DailyCost,
    OpenAIConnector,
    OpenRouterConnector,
    ProviderBalance,
    ProviderError,
    RetryPolicy,
    TwilioConnector,
)
from tests.connections.fakes import FakeAnthropic, FakeOpenAI, FakeOpenRouter, FakeTwilio

QUICK = RetryPolicy(attempts=3, base_delay=0.01, max_delay=2.0, timeout=5.0)
JULY = (date(2025, 7, 1), date(2025, 8, 1))


def usd(day: str, amount: str) -> DailyCost:
    return DailyCost(date.fromisoformat(day), Decimal(amount), "USD")


async def test_openai_sums_every_result_of_every_page_exactly(httpserver: HTTPServer) -> None:
    fake = FakeOpenAI(httpserver)
    fake.costs[date(2025, 7, 1)] = ["0.8958740000000000", "1.10"]
    fake.costs[date(2025, 7, 31)] = ["0.000001"]
    connector = OpenAIConnector({"api_key": fake.key}, fake.base_url, policy=QUICK)
    connector.page_buckets = 7  # five pages for the month

    costs = await connector.daily_costs(*JULY)

    assert costs == [usd("2025-07-01", "1.9958740000000000"), usd("2025-07-31", "0.000001")]
    assert len(fake.seen) == 5
    first = fake.seen[0].args
    assert (first["start_time"], first["end_time"], first["bucket_width"]) == (
        "1751328000",
        "1754006400",
        "1d",
    )
    assert [request.args.get("page") for request in fake.seen] == [None, "7", "14", "21", "28"]


async def test_anthropic_amounts_are_cents(httpserver: HTTPServer) -> None:
    fake = FakeAnthropic(httpserver)
    fake.costs[date(2025, 7, 2)] = ["1234.5", "0.5"]  # cents: 12.35 dollars in all
    connector = AnthropicConnector({"api_key": fake.key}, fake.base_url, policy=QUICK)

    costs = await connector.daily_costs(*JULY)

    assert costs == [usd("2025-07-02", "12.35")]
    assert fake.seen[0].headers["anthropic-version"] == "2023-06-01"
    assert fake.seen[0].args["starting_at"] == "2025-07-01T00:00:00Z"
    assert fake.seen[0].args["limit"] == "31"  # the most a page holds: one page for July
    assert len(fake.seen) == 1


async def test_twilio_follows_relative_next_page_uris_and_reads_the_balance(
    httpserver: HTTPServer,
) -> None:
    fake = FakeTwilio(httpserver)
    for day in range(1, 4):
        fake.costs[date(2025, 7, day)] = [f"{day}.05"]
    connector = TwilioConnector(
        {"account_sid": fake.sid, "auth_token": fake.token}, fake.base_url, policy=QUICK
    )

    # Three records, then: EndDate inclusive = July 3.
    costs = await connector.daily_costs(date(2025, 7, 1), date(2025, 7, 4))
    balance = await connector.balance()

    assert costs == [
        usd("2025-07-01", "1.05"),
        usd("2025-07-02", "2.05"),
        usd("2025-07-03", "3.05"),
    ]
    assert fake.seen[0].args["EndDate"] == "2025-07-03"
    assert balance == ProviderBalance(Decimal("12.34"), "USD")


async def test_twilio_pages(httpserver: HTTPServer) -> None:
    fake = FakeTwilio(httpserver)
    for day in range(1, 32):
        fake.costs[date(2025, 7, day)] = ["1.00"]
    connector = TwilioConnector(
        {"account_sid": fake.sid, "auth_token": fake.token}, fake.base_url, policy=QUICK
    )
    original = connector.get_json

    async def small_pages(url: str, **kwargs: object) -> object:
        # The fake pages by PageSize: ask for 10 a page to see the next_page_uri followed.
        params = kwargs.get("params")
        if isinstance(params, dict):
            params["PageSize"] = 10
        return await original(url, **kwargs)  # type: ignore[arg-type]

    connector.get_json = small_pages  # type: ignore[method-assign]
    costs = await connector.daily_costs(*JULY)

    assert len(costs) == 31
    assert sum(cost.amount for cost in costs) == Decimal("31.00")
    assert [request.args.get("Page") for request in fake.seen] == [None, "1", "2", "3"]


async def test_openrouter_balance_and_activity(httpserver: HTTPServer) -> None:
    fake = FakeOpenRouter(httpserver)
    fake.costs[date(2025, 7, 10)] = ["0.015", "0.020"]
    fake.costs[date(2025, 6, 1)] = ["9.99"]  # outside the range asked for
    connector = OpenRouterConnector({"api_key": fake.key}, fake.base_url, policy=QUICK)

    assert await connector.daily_costs(*JULY) == [usd("2025-07-10", "0.035")]
    assert await connector.balance() == ProviderBalance(Decimal("74.75"), "USD")

    fake.activity_allowed = False
    assert await connector.daily_costs(*JULY) is None  # the key may not read activity


async def test_a_429_waits_for_retry_after_then_succeeds(httpserver: HTTPServer) -> None:
    fake = FakeOpenAI(httpserver)
    fake.costs[date(2025, 7, 1)] = ["2.00"]
    fake.fail(429, headers={"Retry-After": "1"})
    connector = OpenAIConnector({"api_key": fake.key}, fake.base_url, policy=QUICK)

    started = time.monotonic()
    costs = await connector.daily_costs(date(2025, 7, 1), date(2025, 7, 2))

    assert costs == [usd("2025-07-01", "2.00")]
    assert len(fake.seen) == 2
    assert time.monotonic() - started >= 1.0  # Retry-After honoured (a lower bound only)


async def test_a_500_then_success(httpserver: HTTPServer) -> None:
    fake = FakeAnthropic(httpserver)
    fake.fail(500, times=2)
    connector = AnthropicConnector({"api_key": fake.key}, fake.base_url, policy=QUICK)

    assert await connector.daily_costs(date(2025, 7, 1), date(2025, 7, 2)) == []
    assert len(fake.seen) == 3


async def test_retries_are_bounded(httpserver: HTTPServer) -> None:
    fake = FakeAnthropic(httpserver)
    fake.fail(503, times=10)
    connector = AnthropicConnector({"api_key": fake.key}, fake.base_url, policy=QUICK)

    with pytest.raises(ProviderError, match="HTTP 503 after 3 tries") as caught:
        await connector.daily_costs(date(2025, 7, 1), date(2025, 7, 2))

    assert not caught.value.auth
    assert len(fake.seen) == 3


async def test_refused_credentials_are_not_retried_and_not_repeated(
    httpserver: HTTPServer,
) -> None:
    fake = FakeOpenAI(httpserver)
    wrong = "sk-admin-wrong-key-5678"
    connector = OpenAIConnector({"api_key": wrong}, fake.base_url, policy=QUICK)

    with pytest.raises(ProviderError) as caught:
        await connector.daily_costs(date(2025, 7, 1), date(2025, 7, 2))

    assert caught.value.auth
    assert "HTTP 401" in str(caught.value)
    assert wrong not in str(caught.value)
    assert len(fake.seen) == 1


async def test_an_unreachable_provider_is_a_provider_error() -> None:
    connector = OpenAIConnector({"api_key": "k"}, "http://127.0.0.1:9", policy=QUICK)

    with pytest.raises(ProviderError, match="could not be reached"):
        await connector.daily_costs(date(2025, 7, 1), date(2025, 7, 2))


async def test_an_unexpected_shape_is_a_provider_error(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/v1/organization/costs").respond_with_json({"data": "nope"})
    connector = OpenAIConnector({"api_key": "k"}, httpserver.url_for("").rstrip("/"), policy=QUICK)

    with pytest.raises(ProviderError, match="data is not a list"):
        await connector.daily_costs(date(2025, 7, 1), date(2025, 7, 2))


def test_retry_after_is_capped_and_backoff_grows() -> None:
    policy = RetryPolicy(base_delay=1.0, max_delay=5.0)
    assert policy.delay(1, "120") == 5.0
    assert policy.delay(1, "0") == 0.0
    assert 1.0 <= policy.delay(1, None) <= 1.5
    assert 4.0 <= policy.delay(3, None) <= 5.0
    assert 1.0 <= policy.delay(1, "Wed, 21 Oct 2015 07:28:00 GMT") <= 1.5
