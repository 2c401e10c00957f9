"""The Alembic migrations: up and down on the test database's kind, and they match the models."""

import asyncio
from collections.abc import AsyncIterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, insert, inspect, select, text, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from costwatch.app import create_app
from costwatch.config import Settings
from costwatch.db.engine import make_engine
from costwatch.migrate import (
    LOCK_TABLE,
    head_revision,
    is_at_head,
    not_the_lock_table,
    upgrade_to_head,
)
from costwatch.models import Base
from costwatch.models.catalog import Provider, Service, ServiceCategory
from costwatch.models.invoice import InfraInvoice
from costwatch.models.license import LicensePlan
from costwatch.models.usage import UsageConsumption, UsageTopup
from tests.conftest import IS_MYSQL, TEST_URL, drop_everything, migrate
from tests.factories import make_provider
from tests.usage.exact import assert_totals_exact, derived_totals

TABLES = {
    "admin_user",
    "infra_invoice",
    "license_plan",
    "provider",
    "service",
    "service_category",
    "usage_consumption",
    "usage_topup",
}
# Derived tables of revision 0002: the monthly consumption totals and the data version.
ALL_TABLES = {
    *TABLES,
    "usage_consumption_month",
    "data_version",
    "login_throttle",
    "api_token",
    "audit_log",
    "fx_rate",
    "provider_connection",
    "sync_run",
    "scheduler_lease",
    "notification_channel",
    "notification_delivery",
    "budget",
    "alert_event",
    # Revision 0015: running balances and daily consumption totals.
    "usage_balance",
    "usage_consumption_day",
    # Revision 0013: invoice totals per month, license cost changes, weekly consumption.
    "invoice_month_total",
    "license_cost_change",
    "usage_consumption_week",
}


@pytest.fixture
async def scratch_engine(database: AsyncEngine) -> AsyncIterator[AsyncEngine]:
    """An empty database of the same kind as the test database, dropped after the test."""
    if not IS_MYSQL:
        scratch = make_engine("sqlite+aiosqlite://")
        yield scratch
        await scratch.dispose()
        return
    name = urlsplit(TEST_URL).path.lstrip("/") + "_migrations"
    async with database.connect() as connection:
        await connection.execute(text(f"DROP DATABASE IF EXISTS `{name}`"))
        await connection.execute(text(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4"))
    parts = urlsplit(TEST_URL)
    scratch = make_engine(parts._replace(path=f"/{name}").geturl())
    yield scratch
    await scratch.dispose()
    async with database.connect() as connection:
        await connection.execute(text(f"DROP DATABASE IF EXISTS `{name}`"))


def table_names(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names()) - {"alembic_version", LOCK_TABLE}


async def test_upgrade_downgrade_upgrade(scratch_engine: AsyncEngine) -> None:
    async with scratch_engine.begin() as connection:
        await connection.run_sync(drop_everything)
        await connection.run_sync(migrate)
        assert await connection.run_sync(table_names) == ALL_TABLES
        names = (
            await connection.execute(select(ServiceCategory.name).order_by(ServiceCategory.id))
        ).scalars()
        assert list(names) == ["Infrastructure", "User License", "Usage"]

        await connection.run_sync(lambda sync: migrate(sync, "base", down=True))
        assert await connection.run_sync(table_names) == set()

        await connection.run_sync(migrate)
        assert await connection.run_sync(table_names) == ALL_TABLES


async def test_models_match_the_migrations(connection: AsyncConnection) -> None:
    def diff(connection: Connection) -> list[Any]:
        context = MigrationContext.configure(connection, opts={"include_name": not_the_lock_table})
        found: list[Any] = compare_metadata(context, Base.metadata)
        return found

    assert await connection.run_sync(diff) == []


async def test_money_columns_are_exact_and_ids_bigint(connection: AsyncConnection) -> None:
    def columns(connection: Connection) -> dict[str, dict[str, Any]]:
        inspector = inspect(connection)
        return {table: {c["name"]: c for c in inspector.get_columns(table)} for table in TABLES}

    found = await connection.run_sync(columns)
    for table, column in [
        ("infra_invoice", "amount"),
        ("license_plan", "monthly_unit_cost"),
        ("usage_topup", "amount_purchased"),
        ("usage_consumption", "amount_consumed"),
    ]:
        kind = found[table][column]["type"]
        if IS_MYSQL:
            assert (kind.precision, kind.scale) == (12, 2), (table, column)
        else:  # integer cents (revision 0006): SQLite's NUMERIC is a binary float
            assert str(kind) == "BIGINT", (table, column)
    if IS_MYSQL:
        assert all(str(found[table]["id"]["type"]).startswith("BIGINT") for table in TABLES)

    def rate_column(connection: Connection) -> Any:
        return {c["name"]: c for c in inspect(connection).get_columns("fx_rate")}["rate"]["type"]

    rate = await connection.run_sync(rate_column)
    if IS_MYSQL:
        assert (rate.precision, rate.scale) == (18, 10)
    else:  # the rate x 10^10 (revision 0007)
        assert str(rate) == "BIGINT"


async def test_updated_at_is_kept_by_the_database(connection: AsyncConnection) -> None:
    if IS_MYSQL:
        ddl = (await connection.execute(text("SHOW CREATE TABLE service"))).one()[1]
    else:
        query = text("SELECT sql FROM sqlite_master WHERE name = 'service'")
        ddl = (await connection.execute(query)).scalar_one()
    ddl = ddl.upper()
    expected = {
        True: "`UPDATED_AT` TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP() "
        "ON UPDATE CURRENT_TIMESTAMP()",
        # SQLite has no ON UPDATE: the ORM sets the column there
        False: "UPDATED_AT TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL",
    }
    assert expected[IS_MYSQL] in ddl


async def test_updated_at_moves_on_update(
    client: httpx.AsyncClient, connection: AsyncConnection
) -> None:
    provider = await make_provider(client, "Old name")
    await connection.execute(
        update(Provider)
        .where(Provider.id == provider["id"])
        .values(updated_at=text("'2001-01-01 00:00:00'"))
    )
    changed = (await client.put(f"/providers/{provider['id']}", json={"name": "New name"})).json()
    assert changed["updated_at"] > "2001-01-01T00:00:00Z"
    assert changed["created_at"] == provider["created_at"]


async def test_replicas_starting_together_migrate_once(
    scratch_engine: AsyncEngine, tmp_path: Path
) -> None:
    """Two processes' worth of engines race to migrate: one runs the migration, one waits."""
    if IS_MYSQL:
        url = scratch_engine.url.render_as_string(hide_password=False)
    else:
        url = f"sqlite+aiosqlite:///{tmp_path / 'shared.db'}"
    async with scratch_engine.begin() as connection:
        await connection.run_sync(drop_everything)
    first, second = make_engine(url), make_engine(url)
    try:
        results = await asyncio.gather(upgrade_to_head(first), upgrade_to_head(second))
        assert await is_at_head(first)
    finally:
        await first.dispose()
        await second.dispose()
    head = head_revision()
    assert sorted(results, key=lambda result: result[0] or "") == [(None, head), (head, head)]


async def test_ready_needs_the_newest_migration(
    settings: Settings, scratch_engine: AsyncEngine
) -> None:
    async with scratch_engine.begin() as connection:
        await connection.run_sync(drop_everything)
    app = create_app(settings, scratch_engine)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        pending = await client.get("/ready")
        await upgrade_to_head(scratch_engine)
        ready = await client.get("/ready")
    assert pending.status_code == 503
    assert pending.json()["status"] == "migrations pending"
    assert ready.status_code == 200
    assert ready.json() == {"status": "ready", "revision": head_revision()}


async def test_amounts_stored_before_0006_keep_every_cent(scratch_engine: AsyncEngine) -> None:
    """Revision 0006 turns SQLite's float dollars into cents exactly, and back on downgrade."""
    amounts = ["0.10", "0.29", "1234567.89", "9999999999.99", "-0.07"]

    def amounts_of(connection: Connection) -> list[str]:
        rows = connection.execute(text("SELECT amount FROM infra_invoice ORDER BY id"))
        return [str(row[0]) for row in rows]

    async with scratch_engine.begin() as connection:
        await connection.run_sync(drop_everything)
        await connection.run_sync(lambda sync: migrate(sync, "0005"))
        provider = await connection.execute(text("INSERT INTO provider (name) VALUES ('P')"))
        service = await connection.execute(
            text("INSERT INTO service (provider_id, category_id, name) VALUES (:p, 1, 'S')"),
            {"p": provider.lastrowid},
        )
        for number, amount in enumerate(amounts, start=1):
            # As the application wrote them before: a float on SQLite, a DECIMAL on MySQL.
            value = float(amount) if not IS_MYSQL else amount
            await connection.execute(
                text(
                    "INSERT INTO infra_invoice (service_id, invoice_month, amount, currency)"
                    " VALUES (:s, :m, :a, 'USD')"
                ),
                {"s": service.lastrowid, "m": f"2025-{number:02d}-01", "a": value},
            )
        await connection.run_sync(migrate)
        stored = await connection.run_sync(amounts_of)
        read = await connection.execute(select(InfraInvoice.amount).order_by(InfraInvoice.id))
        assert [f"{amount:.2f}" for amount in read.scalars()] == amounts
        if not IS_MYSQL:
            assert stored == ["10", "29", "123456789", "999999999999", "-7"]
        await connection.run_sync(lambda sync: migrate(sync, "0005", down=True))
        back = await connection.run_sync(amounts_of)
        assert [f"{float(value):.2f}" for value in back] == amounts


async def test_the_migration_fills_the_totals_from_the_raw_rows(
    scratch_engine: AsyncEngine,
) -> None:
    async with scratch_engine.begin() as connection:
        await connection.run_sync(drop_everything)
        await connection.run_sync(lambda sync: migrate(sync, "0011"))
        usage = (
            await connection.execute(
                select(ServiceCategory.id).where(ServiceCategory.code == "usage")
            )
        ).scalar_one()
        await connection.execute(insert(Provider).values(id=1, name="P"))
        await connection.execute(
            insert(Service),
            [
                {"id": sid, "provider_id": 1, "category_id": usage, "name": f"S{sid}"}
                for sid in (1, 2, 3)
            ],
        )
        await connection.execute(
            insert(UsageTopup),
            [
                {
                    "service_id": 1,
                    "topup_date": date(2025, 7, 1),
                    "amount_purchased": Decimal("5.10"),
                },
                {
                    "service_id": 1,
                    "topup_date": date(2025, 7, 9),
                    "amount_purchased": Decimal("7.25"),
                },
                {
                    "service_id": 1,
                    "topup_date": date(2025, 7, 9),
                    "amount_purchased": Decimal("1.01"),
                },
                {
                    "service_id": 2,
                    "topup_date": date(2025, 6, 1),
                    "amount_purchased": Decimal("9.99"),
                },
            ],
        )
        await connection.execute(
            insert(UsageConsumption),
            [
                {
                    "service_id": sid,
                    "consumption_date": date(2025, 7, day),
                    "amount_consumed": amount,
                }
                for sid, day, amount in [
                    (1, 2, Decimal("0.10")),
                    (1, 2, Decimal("0.20")),
                    (1, 31, Decimal("3.33")),
                    (3, 5, Decimal("1.00")),
                ]
            ],
        )
        await connection.run_sync(migrate)
        kept = await derived_totals(connection)
        # The monthly totals are revision 0002's (the rows above bypassed them).
        await assert_totals_exact(connection, ("days", "weeks", "balances"))
    assert kept["balances"][1][1:] == (
        Decimal("13.36"),
        Decimal("3.63"),
        3,
        3,
        3,
        "2025-07-09",
        Decimal("1.01"),
    )
    assert kept["balances"][3][:3] == ("USD", Decimal("0.00"), Decimal("1.00"))
    assert kept["days"][("2025-07-02", 1)] == Decimal("0.30")


async def test_revision_0013_fills_the_invoice_totals_and_license_changes(
    scratch_engine: AsyncEngine,
) -> None:
    async with scratch_engine.begin() as connection:
        await connection.run_sync(drop_everything)
        await connection.run_sync(lambda sync: migrate(sync, "0012"))
        categories = dict(
            (await connection.execute(select(ServiceCategory.code, ServiceCategory.id))).all()
        )
        await connection.execute(insert(Provider).values(id=1, name="P"))
        await connection.execute(
            insert(Service),
            [
                {"id": number, "provider_id": 1, "category_id": categories[code], "name": code}
                for number, code in ((1, "infrastructure"), (2, "license"), (3, "license"))
            ],
        )
        await connection.execute(
            insert(InfraInvoice),
            [
                {"service_id": 1, "invoice_month": date(2025, 6, 1), "amount": Decimal("0.10")},
                {"service_id": 1, "invoice_month": date(2025, 7, 1), "amount": Decimal("5.25")},
            ],
        )
        plans = [
            (2, date(2025, 1, 1), None, "10.00", 3),
            (2, date(2025, 4, 1), date(2025, 5, 1), "12.50", 3),
            (3, date(2025, 4, 1), None, "0.99", 7),
        ]
        await connection.execute(
            insert(LicensePlan),
            [
                {
                    "service_id": service,
                    "start_month": start,
                    "end_month": end,
                    "monthly_unit_cost": Decimal(cost),
                    "qty": qty,
                }
                for service, start, end, cost, qty in plans
            ],
        )
        await connection.run_sync(migrate)
        kept = await derived_totals(connection)
        await assert_totals_exact(connection, ("invoice_months", "license_changes"))
    assert kept["invoice_months"] == {
        ("2025-06-01", "USD"): (Decimal("0.10"), 1),
        ("2025-07-01", "USD"): (Decimal("5.25"), 1),
    }
    assert kept["license_changes"] == {
        ("2025-01-01", "USD"): (Decimal("30.00"), 1),
        # the first plan stops and the second starts; the other service's starts
        ("2025-04-01", "USD"): (Decimal("14.43"), 1),
        ("2025-06-01", "USD"): (Decimal("-37.50"), -1),
    }
