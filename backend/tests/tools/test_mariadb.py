"""Databases of the tools on a MySQL/MariaDB server (tools.mariadb)."""

import logging
import time
from collections.abc import Awaitable, Callable

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from costwatch.db.engine import make_engine
from tests.conftest import IS_MYSQL, TEST_URL
from tools import mariadb

needs_mysql = pytest.mark.skipif(not IS_MYSQL, reason="needs a MySQL/MariaDB test database")


def test_a_database_url_keeps_the_server_and_options() -> None:
    assert (
        mariadb.database_url("mysql+asyncmy://root:pw@db:3306/mysql?charset=utf8mb4", "other")
        == "mysql+asyncmy://root:pw@db:3306/other?charset=utf8mb4"
    )


@pytest.mark.parametrize("name", ["", "a`b", "x; DROP DATABASE y", "caf\u00e9"])
@pytest.mark.parametrize("action", [mariadb.drop, mariadb.recreate])
async def test_only_plain_names_are_accepted(
    action: Callable[[str, str], Awaitable[object]], name: str
) -> None:
    # refused before connecting: nothing listens on port 1
    with pytest.raises(ValueError, match="not a plain database name"):
        await action("mysql+asyncmy://root@127.0.0.1:1/mysql", name)


@needs_mysql
async def test_recreate_empties_the_database_and_drop_removes_it() -> None:
    name = f"{make_url(TEST_URL).database}_scratch"
    url = await mariadb.recreate(TEST_URL, name)
    engine = make_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.execute(text("CREATE TABLE leftover (id INT)"))
    finally:
        await engine.dispose()
    assert await mariadb.recreate(TEST_URL, name) == url
    engine = make_engine(url)
    try:
        async with engine.connect() as connection:
            tables = (await connection.execute(text("SHOW TABLES"))).all()
    finally:
        await engine.dispose()
    assert tables == []
    assert name in await mariadb.databases(TEST_URL)
    await mariadb.drop(TEST_URL, name)
    assert name not in await mariadb.databases(TEST_URL)


@needs_mysql
async def test_dropping_a_missing_database_is_quiet(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    name = f"{make_url(TEST_URL).database}_never_made"
    await mariadb.drop(TEST_URL, name)
    assert name not in await mariadb.databases(TEST_URL)
    # DROP DATABASE IF EXISTS alone makes the server add a note, which asyncmy logs
    assert [r.getMessage() for r in caplog.records if r.name.startswith("asyncmy")] == []


@needs_mysql
async def test_the_server_version_is_named() -> None:
    version = await mariadb.server_version(TEST_URL)
    assert version.split()[0] in ("MariaDB", "MySQL")
    assert version.split()[1][0].isdigit()


@needs_mysql
async def test_settle_waits_for_the_dirty_pages_until_its_deadline() -> None:
    assert await mariadb.settle(TEST_URL, seconds=5, dirty_pages=10**9) is True
    # never fewer than -1 dirty pages: it gives up at the deadline
    assert (
        await mariadb.settle(TEST_URL, seconds=0.3, dirty_pages=-1, interval=0.1, quiet_seconds=60)
        is False
    )


@needs_mysql
async def test_settle_ends_once_no_page_is_being_written_out() -> None:
    # Never fewer than -1 dirty pages, but nothing is written meanwhile: settled long before
    # the deadline, once the count of pages flushed has not moved for the quiet time.
    started = time.monotonic()
    assert (
        await mariadb.settle(TEST_URL, seconds=60, dirty_pages=-1, interval=0.1, quiet_seconds=0.5)
        is True
    )
    assert time.monotonic() - started < 30
