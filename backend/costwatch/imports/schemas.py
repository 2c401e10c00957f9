"""Bodies of ``POST /imports/focus``."""

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field

from costwatch.money import Money

Action = Literal["create", "replace", "unchanged", "skip", "conflict"]
"""What a group does to the ledger.

``create``: a new invoice; ``replace``: the month's invoice gets this amount; ``unchanged``:
the month's invoice already has it; ``skip``: left out (a negative total: an invoice cannot be
negative); ``conflict``: the file cannot be imported as it is (see the group's ``error``).
"""


class FocusGroup(BaseModel):
    """One provider's service (or sub-account, or the provider itself) for one month."""

    provider: str
    service: str
    month: date = Field(description="The billing month (the 1st), from BillingPeriodStart.")
    currency: str
    amount: Money = Field(description="The cost column summed exactly, rounded once to cents.")
    rows: int = Field(description="Rows of the file summed into this group.")
    service_id: int | None = Field(
        description="The matching Infrastructure service (by provider and name); null when it"
        " would be created by the commit."
    )
    provider_id: int | None = Field(description="The matching provider; null when new.")
    invoice_id: int | None = Field(description="The invoice written or matched; null if none.")
    previous_amount: Money | None = Field(
        description="The stored invoice's amount this group replaces or matches."
    )
    action: Action
    error: str | None = Field(description="Why the group is skipped or in conflict.")


class MonthTotal(BaseModel):
    """One month and currency of the file: its own total, and the invoices made of it."""

    month: date
    currency: str
    amount: Money = Field(
        description="What this month's invoices from the file add up to once stored (the"
        " groups that are created, replaced or unchanged; not those skipped or in conflict):"
        " what the dashboard will show."
    )
    groups: int = Field(description="How many invoices those are.")
    file_amount: Money = Field(
        description="Every charge of the month in the file, summed exactly and rounded once"
        " (what a spreadsheet sum of the cost column gives: compare it with the bill). It"
        " differs from `amount` by the groups left out, and by cents of rounding per invoice."
    )


class SkippedRows(BaseModel):
    """Rows left out of every group, and why."""

    reason: str
    column: str
    rows: int


class FocusReport(BaseModel):
    """The preview of a FOCUS file, or the outcome of its commit."""

    focus_version: str = Field(description="1.0, 1.1, 1.2 or 1.3, told by the file's columns.")
    file_format: Literal["csv", "csv.gz", "parquet"]
    cost: Literal["billed", "effective"]
    group_by: Literal["service", "sub_account", "provider"]
    rows: int = Field(description="Data rows read.")
    skipped: int = Field(description="Rows in no group (see `skipped_reasons`).")
    skipped_reasons: list[SkippedRows]
    months: list[date] = Field(description="The billing months of the file, oldest first.")
    totals: list[MonthTotal]
    groups: list[FocusGroup]
    counts: dict[Action, int] = Field(description="Groups per action.")
    conflicts: int = Field(description="Groups in conflict: a commit is refused while any is.")
    committed: bool = Field(description="Whether the invoices were written (never only some).")


class FocusRefused(FocusReport):
    """A commit refused because some groups are in conflict: nothing was stored."""

    detail: str
