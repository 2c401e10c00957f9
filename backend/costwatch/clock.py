"""The server's idea of today, in one place so that tests can move it."""

from datetime import date


def today() -> date:
    """The server's local date: "today" and "this month" of every report."""
    return date.today()
