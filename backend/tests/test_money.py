"""Unit tests of costwatch.money: money, months, dates, currencies and month arithmetic."""

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from pydantic import BaseModel, TypeAdapter, ValidationError

from costwatch.calendar import Day, Month, UtcDateTime, add_months, month_start, months_between
from costwatch.currency import Currency
from costwatch.money import (
    MONEY_LIMIT,
    Money,
    MoneyIn,
    NonNegativeMoneyIn,
    PositiveMoneyIn,
    format_money,
    quantize,
)

money_in = TypeAdapter(MoneyIn)
non_negative = TypeAdapter(NonNegativeMoneyIn)
positive = TypeAdapter(PositiveMoneyIn)
money_out = TypeAdapter(Money)
month = TypeAdapter(Month)
day = TypeAdapter(Day)
currency = TypeAdapter(Currency)
utc = TypeAdapter(UtcDateTime)


class TestQuantizeAndFormat:
    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            ("1.005", "1.01"),
            ("1.004", "1.00"),
            ("2.5", "2.50"),
            ("-1.005", "-1.01"),
            ("1E+3", "1000.00"),
        ],
    )
    def test_quantize_rounds_half_up_to_cents(self, value: str, expected: str) -> None:
        assert quantize(Decimal(value)) == Decimal(expected)
        assert str(quantize(Decimal(value))) == expected

    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            (Decimal("1234.5"), "1234.50"),
            (Decimal("0"), "0.00"),
            (Decimal("7"), "7.00"),
            (Decimal("0.1"), "0.10"),
            (Decimal("-12.3"), "-12.30"),
            (Decimal("1E+3"), "1000.00"),
            (Decimal("9999999999.99"), "9999999999.99"),
            (Decimal("0.125"), "0.13"),
            # two decimals already (as read from the database): rendered as they are
            (Decimal("123.40"), "123.40"),
            (Decimal("-0.05"), "-0.05"),
            (Decimal("0.00"), "0.00"),
            (Decimal("1.2E+3"), "1200.00"),
            (Decimal("1.23E+5"), "123000.00"),
            (Decimal("1.25E-7"), "0.00"),
            (Decimal("12.3E-1"), "1.23"),
        ],
    )
    def test_format_money_has_exactly_two_decimals_and_no_exponent(
        self, value: Decimal, expected: str
    ) -> None:
        assert format_money(value) == expected

    def test_money_serialises_as_a_string(self) -> None:
        class Row(BaseModel):
            amount: Money

        assert Row(amount=Decimal("1234.5")).model_dump(mode="json") == {"amount": "1234.50"}
        assert Row(amount=Decimal("1234.5")).model_dump_json() == '{"amount":"1234.50"}'
        assert money_out.dump_python(Decimal("3"), mode="json") == "3.00"

    def test_money_schema_in_responses_is_a_string(self) -> None:
        schema = money_out.json_schema(mode="serialization")

        assert schema["type"] == "string"
        assert schema["pattern"] == r"^-?\d+\.\d{2}$"


class TestMoneyIn:
    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            ("1234.50", Decimal("1234.50")),
            ("1234.5", Decimal("1234.50")),
            ("1234", Decimal("1234.00")),
            ("-12.34", Decimal("-12.34")),
            ("0", Decimal("0.00")),
            ("007", Decimal("7.00")),
            (1234, Decimal("1234.00")),
            (1234.5, Decimal("1234.50")),
            (0.1, Decimal("0.10")),
            (0.29, Decimal("0.29")),
            (9999999999.99, Decimal("9999999999.99")),
            ("9999999999.99", Decimal("9999999999.99")),
            ("-9999999999.99", Decimal("-9999999999.99")),
            (Decimal("1.50"), Decimal("1.50")),
            (Decimal("1.500"), Decimal("1.50")),  # trailing zeros are not a third decimal
            (Decimal("1E+2"), Decimal("100.00")),
        ],
    )
    def test_accepted_values(self, value: object, expected: Decimal) -> None:
        result = money_in.validate_python(value)

        assert isinstance(result, Decimal)
        assert result == expected
        assert result.as_tuple().exponent == -2

    def test_a_float_is_read_as_the_number_the_client_wrote(self) -> None:
        # 0.1 + 0.2 in binary is 0.30000000000000004; the float 0.3 itself must be 0.30.
        assert money_in.validate_python(0.3) == Decimal("0.30")
        assert money_in.validate_json("1234.56") == Decimal("1234.56")

    @pytest.mark.parametrize(
        "value",
        [
            "1.234",
            "0.001",
            1.234,
            1e-7,
            Decimal("1.001"),
            "1e3",
            "1E3",
            "1e-2",
            "1_000",
            "1,000",
            "abc",
            "",
            " 1",
            "1 ",
            "1.",
            ".5",
            "+1",
            "--1",
            "0x10",
            "NaN",
            "nan",
            "Infinity",
            "-Infinity",
            float("nan"),
            float("inf"),
            float("-inf"),
            Decimal("NaN"),
            Decimal("Infinity"),
            "10000000000",
            "10000000000.00",
            "-10000000000",
            10**10,
            1e10,
            1e16,
            Decimal("1E+10"),
            True,
            False,
            None,
            [],
            {},
            "\u0661\u0662\u0663",
            "\uff11\uff12\uff13",
            "12.\u0665",
        ],
        ids=repr,
    )
    def test_refused_values(self, value: object) -> None:
        with pytest.raises(ValidationError):
            money_in.validate_python(value)

    def test_limit_is_exclusive(self) -> None:
        assert Decimal("10000000000") == MONEY_LIMIT
        assert money_in.validate_python(str(MONEY_LIMIT - Decimal("0.01"))) < MONEY_LIMIT
        with pytest.raises(ValidationError, match="less than"):
            money_in.validate_python(str(MONEY_LIMIT))

    def test_three_decimals_say_so(self) -> None:
        with pytest.raises(ValidationError, match="two decimals"):
            money_in.validate_python(1.234)

    @pytest.mark.parametrize("value", ["0", "0.00", 0, "12.30"])
    def test_non_negative_accepts_zero_and_more(self, value: str | int) -> None:
        assert non_negative.validate_python(value) == Decimal(value)

    @pytest.mark.parametrize("value", ["-0.01", -1, "-9999999999.99"])
    def test_non_negative_refuses_negatives(self, value: str | int) -> None:
        with pytest.raises(ValidationError, match="zero or more"):
            non_negative.validate_python(value)

    @pytest.mark.parametrize("value", ["0.01", 1, "9999999999.99"])
    def test_positive_accepts_more_than_zero(self, value: str | int) -> None:
        assert positive.validate_python(value) == Decimal(value)

    @pytest.mark.parametrize("value", ["0", "0.00", 0, "-0.01", -5])
    def test_positive_refuses_zero_and_negatives(self, value: str | int) -> None:
        with pytest.raises(ValidationError, match="more than zero"):
            positive.validate_python(value)

    def test_request_schema_offers_number_and_string(self) -> None:
        schema = money_in.json_schema()

        types = sorted(option["type"] for option in schema["anyOf"])
        assert types == ["number", "string"]


class TestMonth:
    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            ("2025-07", date(2025, 7, 1)),
            ("2025-07-01", date(2025, 7, 1)),
            ("2000-01", date(2000, 1, 1)),
            ("2100-12-01", date(2100, 12, 1)),
            (date(2025, 2, 1), date(2025, 2, 1)),
        ],
    )
    def test_accepted_months_become_the_first(self, value: str | date, expected: date) -> None:
        assert month.validate_python(value) == expected

    def test_returned_as_an_iso_date(self) -> None:
        assert month.dump_python(month.validate_python("2025-07"), mode="json") == "2025-07-01"

    @pytest.mark.parametrize(
        "value",
        [
            "2025-07-15",
            "2025-07-02",
            date(2025, 7, 15),
            "2025-13",
            "2025-00",
            "2025-02-30",
            "2025-02-29",
            "July",
            "2025-7",
            "25-07",
            "2025/07",
            "2025-07-1",
            "2025-07-01T00:00:00",
            " 2025-07",
            "1999-12",
            "1999-12-01",
            "2101-01",
            "",
            202507,
            None,
            "\uff12\uff10\uff12\uff15-\uff10\uff17",
        ],
        ids=repr,
    )
    def test_refused_months(self, value: object) -> None:
        with pytest.raises(ValidationError):
            month.validate_python(value)

    def test_another_day_says_first_day(self) -> None:
        with pytest.raises(ValidationError, match="first day"):
            month.validate_python("2025-07-15")


class TestDay:
    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            ("2025-07-15", date(2025, 7, 15)),
            ("2024-02-29", date(2024, 2, 29)),
            ("2000-01-01", date(2000, 1, 1)),
            ("2100-12-31", date(2100, 12, 31)),
            (date(2025, 1, 2), date(2025, 1, 2)),
        ],
    )
    def test_accepted_dates(self, value: str | date, expected: date) -> None:
        assert day.validate_python(value) == expected

    @pytest.mark.parametrize(
        "value",
        [
            "2025-02-29",
            "2025-13-01",
            "2025-07-32",
            "2025-7-15",
            "2025-07-15T10:00:00",
            "2025-07-15 ",
            "20250715",
            "2025-W28-2",
            "1999-12-31",
            "2101-01-01",
            1752537600,
            1752537600.0,
            "",
            None,
            "\uff12\uff10\uff12\uff15-\uff10\uff17-\uff11\uff15",
        ],
        ids=repr,
    )
    def test_refused_dates(self, value: object) -> None:
        with pytest.raises(ValidationError):
            day.validate_python(value)


class TestCurrency:
    @pytest.mark.parametrize(
        ("value", "expected"),
        [("USD", "USD"), ("usd", "USD"), ("eur", "EUR"), ("Chf", "CHF"), ("JPY", "JPY")],
    )
    def test_codes_are_returned_in_capitals(self, value: str, expected: str) -> None:
        assert currency.validate_python(value) == expected

    @pytest.mark.parametrize(
        "value", ["ABC", "QQQ", "US", "USDD", "", "U$D", "\u00dcSD", "\u20ac", 840, None], ids=repr
    )
    def test_not_an_iso_4217_code_is_refused(self, value: object) -> None:
        with pytest.raises(ValidationError):
            currency.validate_python(value)

    def test_the_message_names_the_value(self) -> None:
        with pytest.raises(ValidationError, match="'ABC' is not an ISO 4217"):
            currency.validate_python("ABC")


class TestMonthArithmetic:
    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            (date(2025, 7, 15), date(2025, 7, 1)),
            (date(2025, 7, 1), date(2025, 7, 1)),
            (date(2024, 2, 29), date(2024, 2, 1)),
            (date(2025, 12, 31), date(2025, 12, 1)),
        ],
    )
    def test_month_start(self, value: date, expected: date) -> None:
        assert month_start(value) == expected

    @pytest.mark.parametrize(
        ("start", "months", "expected"),
        [
            (date(2025, 7, 1), 0, date(2025, 7, 1)),
            (date(2025, 7, 15), 0, date(2025, 7, 1)),
            (date(2025, 7, 1), 1, date(2025, 8, 1)),
            (date(2025, 12, 1), 1, date(2026, 1, 1)),
            (date(2025, 11, 30), 2, date(2026, 1, 1)),
            (date(2025, 1, 31), 1, date(2025, 2, 1)),
            (date(2025, 1, 1), -1, date(2024, 12, 1)),
            (date(2025, 3, 31), -14, date(2024, 1, 1)),
            (date(2025, 7, 1), 12, date(2026, 7, 1)),
            (date(2025, 7, 1), -12, date(2024, 7, 1)),
            (date(2025, 7, 1), 30, date(2028, 1, 1)),
            (date(2000, 1, 1), 1211, date(2100, 12, 1)),
            (date(2100, 12, 1), -1211, date(2000, 1, 1)),
        ],
    )
    def test_add_months(self, start: date, months: int, expected: date) -> None:
        assert add_months(start, months) == expected

    @pytest.mark.parametrize(
        ("start", "end", "expected"),
        [
            (date(2025, 7, 1), date(2025, 7, 1), 0),
            (date(2025, 7, 1), date(2025, 7, 31), 0),
            (date(2025, 7, 31), date(2025, 8, 1), 1),
            (date(2024, 12, 1), date(2025, 1, 1), 1),
            (date(2025, 1, 1), date(2024, 12, 1), -1),
            (date(2024, 1, 1), date(2025, 12, 1), 23),
            (date(2025, 12, 1), date(2024, 1, 1), -23),
            (date(2000, 1, 1), date(2100, 12, 1), 1211),
        ],
    )
    def test_months_between(self, start: date, end: date, expected: int) -> None:
        assert months_between(start, end) == expected

    @pytest.mark.parametrize("steps", [-25, -13, -12, -1, 0, 1, 11, 12, 13, 25])
    def test_add_months_and_months_between_agree(self, steps: int) -> None:
        start = date(2025, 12, 1)

        assert months_between(start, add_months(start, steps)) == steps


class TestUtcDateTime:
    def test_a_naive_timestamp_is_taken_as_utc(self) -> None:
        value = utc.validate_python(datetime(2025, 7, 15, 10, 30))

        assert value.tzinfo is UTC
        assert utc.dump_python(value, mode="json") == "2025-07-15T10:30:00Z"

    def test_an_aware_timestamp_is_converted_to_utc(self) -> None:
        value = utc.validate_python(
            datetime(2025, 7, 15, 12, 30, tzinfo=timezone(timedelta(hours=2)))
        )

        assert value == datetime(2025, 7, 15, 10, 30, tzinfo=UTC)
        assert value.utcoffset() == timedelta(0)
