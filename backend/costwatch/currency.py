"""Currencies: ISO 4217 codes, and the currency used when a request names none."""

from typing import Annotated, Any

import pycountry
from pydantic import BeforeValidator, WithJsonSchema

DEFAULT_CURRENCY = "USD"
"""The currency of a record that names none, and of every report."""


def _parse_currency(value: Any) -> str:
    if not isinstance(value, str) or len(value) != 3 or not value.isascii():
        raise ValueError("must be a three-letter ISO 4217 currency code")
    code = value.upper()
    if pycountry.currencies.get(alpha_3=code) is None:
        raise ValueError(f"{value!r} is not an ISO 4217 currency code")
    return code


parse_currency = _parse_currency
"""Check an ISO 4217 code (ValueError if it is not one); returns it in capitals."""

Currency = Annotated[
    str,
    BeforeValidator(_parse_currency),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": "^[A-Za-z]{3}$",
            "examples": [DEFAULT_CURRENCY],
            "description": "An ISO 4217 currency code; returned in capitals.",
        },
        mode="validation",
    ),
]
