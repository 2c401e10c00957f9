"""Which database errors are worth retrying, and which mean the database is unavailable."""

from sqlalchemy import exc as sa

# MySQL/MariaDB: 1213 deadlock (also Galera's certification conflict), 1205 lock wait timeout.
RETRYABLE_MYSQL_CODES = frozenset({1213, 1205})


def _mysql_code(error: BaseException) -> int | None:
    original = getattr(error, "orig", None)
    args = getattr(original, "args", ())
    return args[0] if args and isinstance(args[0], int) else None


def is_retryable(error: BaseException) -> bool:
    """A transaction lost to another one (deadlock, lock wait, SQLite busy): run it again."""
    if not isinstance(error, sa.DBAPIError):
        return False
    if _mysql_code(error) in RETRYABLE_MYSQL_CODES:
        return True
    return "database is locked" in str(error.orig)


def is_disconnect(error: BaseException) -> bool:
    """The connection was lost (the server died or was cut off): its transaction is gone."""
    return isinstance(error, sa.DBAPIError) and error.connection_invalidated


def is_unavailable(error: BaseException) -> bool:
    """The database did not answer (down, frozen, unreachable, pool exhausted): a 503."""
    if is_retryable(error):
        return True
    if is_disconnect(error):
        return True
    return isinstance(
        error,
        sa.OperationalError
        | sa.InterfaceError
        | sa.DisconnectionError
        | sa.TimeoutError
        | TimeoutError
        | ConnectionError,
    )
