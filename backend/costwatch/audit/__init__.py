"""The audit log, read-only through the API (it is written by the session hooks)."""
