"""Providers' billing APIs as real HTTP servers on loopback (pytest-httpserver), answering with
the documented shapes, so the connectors' own HTTP code runs unchanged but for ``base_url``.

Each fake keeps its costs per day and answers any range and page size the client asks for;
tests change the costs between syncs (a revised day) and queue failures (429, 500, 401).
"""

import base64
import json
import re
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

_NUMBER = re.compile(r'"__number__(-?[0-9.]+)"')


def number(value: str) -> str:
    """A JSON number written exactly as given (``0.8958740000000000``), not through a float."""
    return f"__number__{value}"


def dumps(body: Any) -> str:
    """JSON text in which the :func:`number` placeholders are bare numbers."""
    return _NUMBER.sub(r"\1", json.dumps(body))


class Fake:
    """Shared behaviour: a key to check, failures to serve first, requests seen."""

    def __init__(self, server: HTTPServer) -> None:
        self.server = server
        self.costs: dict[date, list[str]] = defaultdict(list)
        self.failures: list[tuple[int, dict[str, str]]] = []
        self.seen: list[Request] = []

    @property
    def base_url(self) -> str:
        """What a connection's ``base_url`` is set to."""
        return self.server.url_for("").rstrip("/")

    def fail(self, status: int, times: int = 1, headers: dict[str, str] | None = None) -> None:
        """Answer ``status`` to the next ``times`` requests."""
        self.failures += [(status, headers or {})] * times

    def _failure(self) -> Response | None:
        if self.failures:
            status, headers = self.failures.pop(0)
            return Response('{"error": "failing on purpose"}', status, headers)
        return None

    def _json(self, body: Any) -> Response:
        return Response(dumps(body), 200, content_type="application/json")

    def _days(self, start: date, end: date) -> list[date]:
        return [start + timedelta(days=n) for n in range((end - start).days)]


class FakeOpenAI(Fake):
    """``GET /v1/organization/costs``: buckets of a day, ``limit`` per page, cursor paging."""

    key = "sk-admin-openai-secret-1234"

    def __init__(self, server: HTTPServer) -> None:
        super().__init__(server)
        server.expect_request("/v1/organization/costs").respond_with_handler(self.handle)

    def handle(self, request: Request) -> Response:
        """Answer one page."""
        self.seen.append(request)
        if (failure := self._failure()) is not None:
            return failure
        if request.headers.get("Authorization") != f"Bearer {self.key}":
            return Response('{"error": {"message": "Invalid key"}}', 401)
        start = datetime.fromtimestamp(int(request.args["start_time"]), UTC).date()
        end = datetime.fromtimestamp(int(request.args["end_time"]), UTC).date()
        limit = int(request.args.get("limit", 7))
        days = self._days(start, end)
        first = int(request.args.get("page", "0"))
        page = days[first : first + limit]
        buckets = [
            {
                "object": "bucket",
                "start_time": int(datetime.combine(day, datetime.min.time(), UTC).timestamp()),
                "end_time": int(
                    datetime.combine(day + timedelta(days=1), datetime.min.time(), UTC).timestamp()
                ),
                "results": [
                    {
                        "object": "organization.costs.result",
                        "amount": {"value": number(value), "currency": "usd"},
                        "line_item": None,
                        "project_id": None,
                    }
                    for value in self.costs.get(day, [])
                ],
            }
            for day in page
        ]
        more = first + limit < len(days)
        return self._json(
            {
                "object": "page",
                "data": buckets,
                "has_more": more,
                "next_page": str(first + limit) if more else None,
            }
        )


class FakeAnthropic(Fake):
    """``GET /v1/organizations/cost_report``: amounts are decimal strings in cents."""

    key = "sk-ant-admin01-anthropic-secret"

    def __init__(self, server: HTTPServer) -> None:
        super().__init__(server)
        server.expect_request("/v1/organizations/cost_report").respond_with_handler(self.handle)

    def handle(self, request: Request) -> Response:
        """Answer one page of daily buckets."""
        self.seen.append(request)
        if (failure := self._failure()) is not None:
            return failure
        if request.headers.get("x-api-key") != self.key or not request.headers.get(
            "anthropic-version"
        ):
            return Response('{"type": "error"}', 401)
        start = date.fromisoformat(request.args["starting_at"][:10])
        end = date.fromisoformat(request.args["ending_at"][:10])
        limit = min(int(request.args.get("limit", 7)), 31)
        days = self._days(start, end)
        first = int(request.args.get("page", "0"))
        page = days[first : first + limit]
        data = [
            {
                "starting_at": f"{day}T00:00:00Z",
                "ending_at": f"{day + timedelta(days=1)}T00:00:00Z",
                "results": [
                    {"currency": "USD", "amount": cents, "cost_type": "tokens"}
                    for cents in self.costs.get(day, [])
                ],
            }
            for day in page
        ]
        more = first + limit < len(days)
        return self._json(
            {"data": data, "has_more": more, "next_page": str(first + limit) if more else None}
        )


class FakeTwilio(Fake):
    """Daily usage records (``totalprice``) with ``next_page_uri``, and ``Balance.json``."""

    sid = "AC0123456789abcdef0123456789abcdef"
    token = "twilio-auth-token-secret-99"

    def __init__(self, server: HTTPServer) -> None:
        super().__init__(server)
        self.balance = "12.34"
        account = f"/2010-04-01/Accounts/{self.sid}"
        server.expect_request(f"{account}/Usage/Records/Daily.json").respond_with_handler(
            self.handle
        )
        server.expect_request(f"{account}/Balance.json").respond_with_handler(self.handle_balance)

    def _authorised(self, request: Request) -> bool:
        expected = base64.b64encode(f"{self.sid}:{self.token}".encode()).decode()
        return request.headers.get("Authorization") == f"Basic {expected}"

    def handle(self, request: Request) -> Response:
        """Answer one page of daily records (``EndDate`` inclusive)."""
        self.seen.append(request)
        if (failure := self._failure()) is not None:
            return failure
        if not self._authorised(request):
            return Response('{"code": 20003, "message": "Authenticate"}', 401)
        start = date.fromisoformat(request.args["StartDate"])
        end = date.fromisoformat(request.args["EndDate"]) + timedelta(days=1)
        size = int(request.args.get("PageSize", 50))
        days = [day for day in self._days(start, end) if day in self.costs]
        first = int(request.args.get("Page", "0")) * size
        page = days[first : first + size]
        records = [
            {
                "category": "totalprice",
                "start_date": day.isoformat(),
                "end_date": day.isoformat(),
                "price": str(sum(Decimal(value) for value in self.costs[day])),
                "price_unit": "usd",
                "usage": "1",
            }
            for day in page
        ]
        more = first + size < len(days)
        next_uri = None
        if more:
            following = int(request.args.get("Page", "0")) + 1
            next_uri = (
                f"/2010-04-01/Accounts/{self.sid}/Usage/Records/Daily.json?Category=totalprice"
                f"&StartDate={start}&EndDate={end - timedelta(days=1)}&PageSize={size}"
                f"&Page={following}&PageToken=PA{following}"
            )
        return self._json({"usage_records": records, "next_page_uri": next_uri, "page_size": size})

    def handle_balance(self, request: Request) -> Response:
        """The account balance."""
        self.seen.append(request)
        if not self._authorised(request):
            return Response('{"code": 20003}', 401)
        return self._json({"account_sid": self.sid, "balance": self.balance, "currency": "USD"})


class FakeOpenRouter(Fake):
    """``/api/v1/credits`` and ``/api/v1/activity`` (the last 30 completed days)."""

    key = "sk-or-v1-openrouter-management-secret"

    def __init__(self, server: HTTPServer) -> None:
        super().__init__(server)
        self.activity_allowed = True
        server.expect_request("/api/v1/credits").respond_with_handler(self.handle_credits)
        server.expect_request("/api/v1/activity").respond_with_handler(self.handle_activity)

    def handle_credits(self, request: Request) -> Response:
        """Credits bought and used (JSON numbers)."""
        self.seen.append(request)
        if request.headers.get("Authorization") != f"Bearer {self.key}":
            return Response('{"error": {"code": 401}}', 401)
        return self._json(
            {"data": {"total_credits": number("100.5"), "total_usage": number("25.75")}}
        )

    def handle_activity(self, request: Request) -> Response:
        """Activity per day and model."""
        self.seen.append(request)
        if not self.activity_allowed:
            return Response('{"error": {"code": 403}}', 403)
        items = [
            {"date": day.isoformat(), "model": f"model-{n}", "usage": number(value)}
            for day, values in sorted(self.costs.items())
            for n, value in enumerate(values)
        ]
        return self._json({"data": items})
