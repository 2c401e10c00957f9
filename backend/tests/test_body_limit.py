"""Oversized request bodies are refused with 413 before they are read, token or not."""

from collections.abc import AsyncIterator

import httpx

LIMIT = 1024 * 1024  # the default COSTWATCH_MAX_BODY_BYTES


async def test_a_declared_oversized_body_is_413_before_it_is_read(anon: httpx.AsyncClient) -> None:
    chunks_read = 0

    async def body() -> AsyncIterator[bytes]:
        nonlocal chunks_read
        for _ in range(100):  # 100 MB offered; nothing past the headers should be needed
            chunks_read += 1
            yield b"x" * LIMIT

    response = await anon.post(
        "/service",
        content=body(),
        headers={"Content-Type": "application/json", "Content-Length": str(100 * LIMIT)},
    )

    assert response.status_code == 413
    assert "larger than the server accepts (1,048,576 bytes)" in response.json()["detail"]
    assert response.headers["X-Request-ID"]
    assert chunks_read <= 1


async def test_a_streamed_body_is_cut_off_at_the_limit(client: httpx.AsyncClient) -> None:
    chunks_read = 0

    async def body() -> AsyncIterator[bytes]:
        nonlocal chunks_read
        for _ in range(50):
            chunks_read += 1
            yield b" " * (256 * 1024)

    response = await client.post(
        "/service", content=body(), headers={"Content-Type": "application/json"}
    )

    assert response.status_code == 413
    assert "larger than the server accepts" in response.json()["detail"]
    assert chunks_read < 10  # 5 chunks pass the limit; the rest is never read


async def test_a_body_under_the_limit_is_read(client: httpx.AsyncClient) -> None:
    padded = await client.post(
        "/providers",
        content=b" " * (LIMIT // 2) + b'{"name": "Big"}',
        headers={"Content-Type": "application/json"},
    )
    assert padded.status_code == 201
    assert padded.json()["name"] == "Big"
