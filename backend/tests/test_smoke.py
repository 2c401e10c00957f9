from tests.factories import make_service


async def test_health_needs_no_token(anon):
    response = await anon.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_service_round_trip(client):
    service = await make_service(client, "Usage", name="OpenAI API")
    response = await client.get(f"/service/{service['id']}")
    assert response.status_code == 200
    assert response.json()["category_name"] == "Usage"
