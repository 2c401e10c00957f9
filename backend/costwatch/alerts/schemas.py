"""Response bodies of alert events and evaluations."""

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from costwatch.calendar import UtcDateTime
from costwatch.notifications.schemas import AlertKind

AlertState = Literal["open", "acknowledged", "resolved"]


class AlertRead(BaseModel):
    """One condition an alert rule found, for one subject, threshold and period."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: AlertKind
    subject: str = Field(description="What the alert is about, readable (a budget, a service).")
    service_id: int | None = Field(description="The service concerned, when there is one.")
    budget_id: int | None = Field(description="The budget concerned (`budget` alerts).")
    threshold: int = Field(
        description="The threshold crossed: a budget's percent, the low-balance percent, the"
        " runway's days, the commitment notice window's days; 0 for anomalies."
    )
    period: str = Field(
        description="`YYYY-MM` (budget, monthly anomaly), `YYYY-MM-DD` (daily anomaly; the"
        " last top-up of a low balance or runway: the funding period; the end of a commitment)."
    )
    message: str
    state: AlertState
    first_seen: UtcDateTime
    last_seen: UtcDateTime
    acknowledged_at: UtcDateTime | None
    resolved_at: UtcDateTime | None
    notified_at: UtcDateTime | None = Field(
        description="When notifying was done: every enabled channel receiving this kind was"
        " sent the alert (see `/alerts/{id}/deliveries`; there may have been none). Null: not"
        " yet."
    )


class Evaluation(BaseModel):
    """What one run of every rule did."""

    opened: int = Field(description="Events opened by this run.")
    resolved: int = Field(description="Events resolved by this run (their condition cleared).")
    notified: int = Field(description="Notifications delivered by this run.")


def as_of(value: datetime) -> str:
    """A UTC timestamp as JSON shows it."""
    return value.isoformat() + "Z"
