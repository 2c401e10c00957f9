"""How every route reads a JSON body: numbers as exact decimals, never through a float.

The standard parser turns ``1.00000000000000000001`` into the float 1.0 before any validator
sees it, so "at most two decimals" could not be enforced on JSON numbers, and ``NaN`` or
``1e999`` arrived as floats that nothing can render back. Here every JSON number with a
fraction or an exponent becomes a ``Decimal`` (exponent ones marked as such), and ``NaN`` /
``Infinity`` become non-finite decimals, which the money and number validators refuse with
a 422.
"""

import json
from collections.abc import Callable, Coroutine
from decimal import Decimal
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute

from costwatch.money import ExponentDecimal


def _number(text: str) -> Decimal:
    return ExponentDecimal(text) if "e" in text or "E" in text else Decimal(text)


class DecimalJSONRequest(Request):
    """A request whose ``json()`` keeps numbers exact."""

    async def json(self) -> Any:
        """The body parsed as JSON, with Decimal numbers (see the module's docstring)."""
        if not hasattr(self, "_json"):
            body = await self.body()
            self._json = json.loads(body, parse_float=_number, parse_constant=Decimal)
        return self._json


class DecimalJSONRoute(APIRoute):
    """An API route that reads its body with ``DecimalJSONRequest``."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        """The route's handler, given the decimal-keeping request."""
        handler = super().get_route_handler()

        async def exact_json_handler(request: Request) -> Response:
            return await handler(DecimalJSONRequest(request.scope, request.receive))

        return exact_json_handler
