"""A month's consumption total past its column's range is a 422, and nothing is stored."""

import httpx
import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

from costwatch.models import UsageConsumption, UsageConsumptionMonth
from tests.conftest import IS_MYSQL
from tests.factories import make_service


@pytest.mark.skipif(not IS_MYSQL, reason="SQLite keeps any total; MySQL checks DECIMAL(16,2)")
async def test_a_total_past_the_column_is_422(
    concurrent_client: tuple[httpx.AsyncClient, AsyncEngine],
) -> None:
    client, engine = concurrent_client
    service = await make_service(client, "Usage", name="Huge")
    async with engine.begin() as connection:
        # As if thousands of the largest events had been recorded this month already.
        await connection.execute(
            insert(UsageConsumptionMonth).values(
                service_id=service["id"],
                month="2025-07-01",
                currency="USD",
                amount="99999999999999.00",
            )
        )
    body = {
        "service_id": service["id"],
        "consumption_date": "2025-07-02",
        "amount_consumed": "9999999999.99",
    }
    response = await client.post("/usage/consumption", json=body)
    assert response.status_code == 422, response.text
    async with engine.connect() as connection:
        count = (await connection.execute(select(func.count(UsageConsumption.id)))).scalar_one()
    assert count == 0
