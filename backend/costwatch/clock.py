"""The server's idea of today and now, in one place so that tests can move them."""

from datetime import UTC, date, datetime


def today() -> date:
    """The server's local date: "today" and "this month" of every report."""
    return date.today()


def now() -> datetime:
    """The current time in UTC, without a zone (as the database keeps timestamps)."""
    return datetime.now(UTC).replace(tzinfo=None)
