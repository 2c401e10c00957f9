"""Bodies of the forecast route."""

from datetime import date

from pydantic import BaseModel, Field

from costwatch.money import Money


class CategoryForecast(BaseModel):
    """Spend of one category so far and expected at the month's end."""

    category_id: int
    category: str
    code: str = Field(description="The category's stable code.")
    actual: Money = Field(description="Spent so far: `/summary`'s amount.")
    forecast: Money = Field(description="Expected at the month's end.")
    to_come: Money = Field(description="forecast - actual: what the rest of the month adds.")
    method: str = Field(
        description="How the forecast was made: `actual` (a past month), `plans in force`,"
        " `invoice`, `trailing 3-month average`, `invoice + trailing 3-month average`,"
        " `run rate 30 days`."
    )


class UnconvertedForecast(BaseModel):
    """Spend in a currency with no known rate to the reporting currency, left out of the sums."""

    currency: str
    actual: Money
    forecast: Money


class Forecast(BaseModel):
    """A month's spend so far and its expected month-end amount, by category."""

    year: int
    month: int
    currency: str = Field(description="The reporting currency of every amount.")
    as_of: date = Field(description="The day the forecast was made (the server's today).")
    actual: Money = Field(description="Spent so far: `/summary`'s total.")
    forecast: Money = Field(description="Expected month-end total: the sum of the categories'.")
    to_come: Money = Field(description="forecast - actual: what the rest of the month adds.")
    by_category: list[CategoryForecast]
    unconverted: list[UnconvertedForecast] = Field(
        description="Per currency that cannot be converted: spent so far and expected, left"
        " out of every sum above (always present, often empty)."
    )
