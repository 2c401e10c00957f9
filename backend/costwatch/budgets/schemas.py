"""Request and response bodies of budgets and their status."""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from costwatch.calendar import UtcDateTime
from costwatch.money import Money, PositiveMoneyIn
from costwatch.schemas import RecordId, UpdateModel

Scope = Literal["total", "category", "service"]
Threshold = Annotated[int, Field(ge=1, le=1000)]
Thresholds = Annotated[
    list[Threshold],
    Field(
        min_length=1,
        max_length=10,
        description="Whole percents of `amount` (1-1000) that open an alert when `spent`"
        " reaches them; sorted, duplicates dropped.",
    ),
]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
DEFAULT_THRESHOLDS = (80, 100)


def _default_thresholds() -> list[int]:
    return list(DEFAULT_THRESHOLDS)


def check_scope(scope: str, category_id: int | None, service_id: int | None) -> None:
    """The ids a scope needs, and no other (ValueError with the reason)."""
    if scope == "total" and (category_id is not None or service_id is not None):
        raise ValueError("a budget of scope total takes neither category_id nor service_id")
    if scope == "category" and (category_id is None or service_id is not None):
        raise ValueError("a budget of scope category needs category_id and no service_id")
    if scope == "service" and (service_id is None or category_id is not None):
        raise ValueError("a budget of scope service needs service_id and no category_id")


class BudgetCreate(BaseModel):
    """A monthly spend limit, in the reporting currency."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"name": "All spend", "scope": "total", "amount": "25000.00"},
                {
                    "name": "OpenAI",
                    "scope": "service",
                    "service_id": 7,
                    "amount": "1500.00",
                    "thresholds": [50, 80, 100],
                },
            ]
        },
    )

    name: Name
    scope: Scope
    category_id: RecordId | None = Field(default=None, description="With scope `category`.")
    service_id: RecordId | None = Field(default=None, description="With scope `service`.")
    amount: PositiveMoneyIn = Field(description="Per calendar month, in the reporting currency.")
    thresholds: Thresholds = Field(default_factory=_default_thresholds)

    @model_validator(mode="after")
    def _scope_ids(self) -> "BudgetCreate":
        check_scope(self.scope, self.category_id, self.service_id)
        self.thresholds = sorted(set(self.thresholds))
        return self


class BudgetUpdate(UpdateModel):
    """Any subset of a budget's fields (the result must still suit its scope)."""

    required_fields: ClassVar[tuple[str, ...]] = ("name", "scope", "amount", "thresholds")
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"amount": "900"}]})

    name: Name | None = None
    scope: Scope | None = None
    category_id: RecordId | None = None
    service_id: RecordId | None = None
    amount: PositiveMoneyIn | None = None
    thresholds: Thresholds | None = None

    def changes(self) -> dict[str, Any]:
        """The fields sent; thresholds sorted and deduplicated."""
        changes = super().changes()
        if changes.get("thresholds") is not None:
            changes["thresholds"] = sorted(set(changes["thresholds"]))
        return changes


class BudgetRead(BaseModel):
    """A budget."""

    id: int
    name: str
    scope: Scope
    category_id: int | None
    service_id: int | None
    subject: str = Field(description="What the budget covers, readable: `All spend`, a name.")
    amount: Money
    currency: str = Field(description="The reporting currency of `amount`.")
    thresholds: list[int]
    created_at: UtcDateTime
    updated_at: UtcDateTime


class BudgetStatus(BaseModel):
    """How far a budget's month has gone, and where it is expected to end."""

    budget_id: int
    name: str
    scope: Scope
    subject: str
    year: int
    month: int
    currency: str
    amount: Money
    spent: Money = Field(description="Spent in the month so far (as `/summary` counts it).")
    forecast: Money = Field(description="Expected at the month's end (as `/forecast` counts it).")
    percent_spent: str = Field(description='spent / amount in percent, one decimal: "81.3".')
    percent_forecast: str = Field(description="forecast / amount in percent, one decimal.")
    thresholds: list[int]
    crossed: list[int] = Field(description="The thresholds `spent` has reached, ascending.")
    forecast_crosses: list[int] = Field(
        description="The thresholds the forecast reaches and `spent` has not (yet)."
    )
    as_of: date


def percent(part: Decimal, whole: Decimal) -> str:
    """``part / whole`` in percent with one decimal, half up, as a string."""
    return str((part * 100 / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))
