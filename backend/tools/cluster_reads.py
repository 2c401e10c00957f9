"""Read-your-writes over HTTP: written through a replica on one node, read through another's.

Run from ``tools.cluster_fault`` (scripts/test-cluster.sh) once its cluster is whole again. Two
API replicas start, each with its database URL on a DIFFERENT node's own port (not through
HAProxy, which sends everything to one node). Each pair: the reading replica's cache is filled
first (``GET /usage/balances``: the exact HTTP cache keeps it at the current data version), the
writing replica answers ``POST /usage/consumption`` with a 201, then at once, through the other
replica:

- the raw list of that service's consumption (``GET /usage/consumption?service_id=``) must hold
  every consumption of that service answered 201 so far, the new one included;
- the cached report (``GET /usage/balances``) must show that service's ``total_consumed`` equal
  to the sum of that list: an answer kept at an older data version would miss the write;
- every tenth pair, a provider made through the writer must be found by its id through the
  other (``GET /providers/{id}``, not a 404).

The two replicas swap roles at every pair. First ``rounds`` pairs one after the other, then
``writers`` tasks at once, each on a service of its own (their writes land on both nodes at the
same time: the data version row they all bump makes certification conflicts, which the app
retries). A violation is a read that missed a write already acknowledged; there must be none.
"""

import asyncio
import random
import time
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import httpx
from sqlalchemy.engine import make_url

from tools import mariadb
from tools.cluster import GaleraNode
from tools.servers import Api, free_ports, start_api, stop

MONTH = "2025-08"


@dataclass
class Tally:
    """What the pairs saw."""

    pairs: int = 0
    violations: list[str] = field(default_factory=list)
    unacknowledged: dict[int, int] = field(default_factory=dict)  # status of a write: count
    slowest_read: float = 0.0


@dataclass
class _Service:
    """One service's writes answered 201: ids and amounts."""

    id: int
    acknowledged: dict[int, Decimal] = field(default_factory=dict)


async def _pair(
    clients: tuple[httpx.AsyncClient, httpx.AsyncClient],
    service: _Service,
    tally: Tally,
    rng: random.Random,
    number: int,
) -> None:
    """One write through ``clients[0]``, then the reads through ``clients[1]``."""
    writer, reader = clients
    (await reader.get("/usage/balances")).raise_for_status()  # the reader's cache, filled
    amount = Decimal(rng.randint(1, 99999)) / 100
    body = {
        "service_id": service.id,
        "consumption_date": f"{MONTH}-{rng.randint(1, 28):02d}",
        "amount_consumed": f"{amount:.2f}",
    }
    written = await writer.post("/usage/consumption", json=body)
    if written.status_code != 201:
        # Not acknowledged (a 503 after the retries): nothing to read back. It may still be
        # stored (a COMMIT cut off), which the checks below allow for.
        tally.unacknowledged[written.status_code] = (
            tally.unacknowledged.get(written.status_code, 0) + 1
        )
        return
    new_id = int(written.json()["id"])
    service.acknowledged[new_id] = amount
    started = time.monotonic()
    listed = await reader.get(
        "/usage/consumption", params={"service_id": service.id, "limit": 1000}
    )
    balances = await reader.get("/usage/balances")
    tally.slowest_read = max(tally.slowest_read, time.monotonic() - started)
    tally.pairs += 1
    rows = {int(row["id"]): Decimal(row["amount_consumed"]) for row in listed.json()}
    missing = [i for i in service.acknowledged if i not in rows]
    if listed.status_code != 200 or missing:
        tally.violations.append(
            f"service {service.id}: the list missed {missing[:5]} (new {new_id})"
        )
    total = next(
        (
            Decimal(row["total_consumed"])
            for row in balances.json()
            if row["service_id"] == service.id
        ),
        None,
    )
    if balances.status_code != 200 or total != sum(rows.values(), Decimal(0)):
        tally.violations.append(
            f"service {service.id}: balances total {total} != {sum(rows.values(), Decimal(0))}"
            f" of the raw rows (after {new_id})"
        )
    if number % 10 == 0:
        made = await writer.post("/providers", json={"name": f"Read back {service.id}-{number}"})
        if made.status_code == 201:
            found = await reader.get(f"/providers/{made.json()['id']}")
            if found.status_code != 200:
                tally.violations.append(
                    f"provider {made.json()['id']} answered {found.status_code} on the other node"
                )
        else:
            tally.unacknowledged[made.status_code] = (
                tally.unacknowledged.get(made.status_code, 0) + 1
            )


async def _run(
    urls: list[str], token: str, rounds: int, writers: int, per_writer: int
) -> dict[str, Tally]:
    headers = {"Authorization": f"Bearer {token}"}
    clients = [httpx.AsyncClient(base_url=url, headers=headers, timeout=15.0) for url in urls]
    try:
        first = clients[0]
        provider = (await first.post("/providers", json={"name": "Read-your-writes Co"})).json()
        categories = {row["code"]: row["id"] for row in (await first.get("/categories")).json()}
        services = []
        for number in range(writers + 1):
            body = {
                "provider_id": provider["id"],
                "category_id": categories["usage"],
                "name": f"Read-your-writes {number}",
            }
            made = await first.post("/service", json=body)
            made.raise_for_status()
            services.append(_Service(int(made.json()["id"])))
        rng = random.Random(14)  # noqa: S311 - a test's amounts, not a secret
        one_by_one = Tally()
        for number in range(rounds):
            pair = (clients[0], clients[1]) if number % 2 == 0 else (clients[1], clients[0])
            await _pair(pair, services[0], one_by_one, rng, number)
        at_once = Tally()

        async def write_and_read(index: int) -> None:
            own = random.Random(index)  # noqa: S311
            for number in range(per_writer):
                turn = (number + index) % 2
                pair = (clients[turn], clients[1 - turn])
                await _pair(pair, services[index + 1], at_once, own, number)

        await asyncio.gather(*(write_and_read(index) for index in range(writers)))
        return {"one by one": one_by_one, "concurrent": at_once}
    finally:
        for client in clients:
            await client.aclose()


def read_your_writes(
    nodes: list[GaleraNode],
    env: dict[str, str],
    work: Path,
    token: str,
    *,
    rounds: int = 200,
    writers: int = 8,
    per_writer: int = 25,
) -> dict[str, Tally]:
    """Start a replica on ``nodes[0]`` and one on ``nodes[-1]``, run the pairs, stop them.

    ``env``: the settings of the test's replicas (the same secrets, so ``token`` is valid on
    both); only the database URL differs.
    """
    database = make_url(env["COSTWATCH_DATABASE_URL"]).database or ""
    chosen = [nodes[0], nodes[-1]]
    ports = free_ports(len(chosen))
    apis: list[Api] = []
    try:
        for node, port in zip(chosen, ports, strict=True):
            url = mariadb.database_url(node.url, database)
            apis.append(
                start_api(
                    port,
                    {**env, "COSTWATCH_DATABASE_URL": url},
                    work / f"api-{node.name}-{port}.log",
                )
            )
        for api in apis:
            api.wait_ready(timeout=90)
        return asyncio.run(_run([api.url for api in apis], token, rounds, writers, per_writer))
    finally:
        stop([api.process for api in apis], timeout=10)
