"""The GET cache counts what its entries really weigh, and how many there are."""

import httpx

from costwatch.http_cache import ENTRY_OVERHEAD, MAX_ENTRIES, ResponseCache, _Entry
from tests.conftest import TODAY


def cache_of(client: httpx.AsyncClient) -> ResponseCache:
    layer = client._transport.app.middleware_stack  # type: ignore[attr-defined]
    while type(layer).__name__ != "ResponseCacheMiddleware":
        layer = layer.app
    cache: ResponseCache = layer.cache
    return cache


async def test_small_answers_with_long_urls_are_counted_by_their_keys(
    client: httpx.AsyncClient,
) -> None:
    long_filter = "x" * 100
    for index in range(40):
        response = await client.get("/providers", params={"q": f"{long_filter}{index}"})
        assert response.status_code == 200
        assert response.content == b"[]"
    cache = cache_of(client)
    assert len(cache) == 40
    # Each entry weighs its key (path + a 100-character query) and overhead, not 2 bytes.
    assert cache.size >= 40 * (ENTRY_OVERHEAD + len("/providers") + 100)


def test_the_number_of_entries_is_bounded() -> None:
    cache = ResponseCache(max_bytes=10**12, max_entries=3)
    for name in "abcde":
        cache.put(name, _Entry((f"/{name}", b"", TODAY), 1, [], b"{}"))
    assert len(cache) == 3
    assert cache.get("a", 1) is None
    assert cache.get("e", 1) is not None
    assert MAX_ENTRIES >= 1000


def test_headers_and_keys_count_in_the_size() -> None:
    cache = ResponseCache()
    key = ("/service", b"q=" + b"y" * 5000, TODAY)
    entry = _Entry(key, 1, [(b"content-type", b"application/json")], b"[]")
    cache.put(key, entry)
    assert cache.size == entry.cost
    assert entry.cost > 5000 + ENTRY_OVERHEAD
