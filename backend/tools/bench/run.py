"""Benchmark the API on MariaDB with a large and a small data set; write BENCHMARKS.md.

Run through ``./bench.sh`` (which makes sure wrk is installed), or from ``backend/`` as
``python -m tools.bench.run --server-url mysql+asyncmy://root@127.0.0.1:3306/mysql``. For each
data set it generates the data, starts the API in production mode, and loads each endpoint
with wrk at 32 and at 4 connections. Everything is measured in one run on one machine, and
compared as ratios to ``/health`` (one ``SELECT 1``: the ceiling of the stack), since absolute
figures here move with whatever else the machine is doing.
"""

import argparse
import asyncio
import os
import re
import secrets
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
from cryptography.fernet import Fernet
from sqlalchemy import update

from costwatch.auth.security import hash_password
from costwatch.db.engine import make_engine
from costwatch.models.admin_user import AdminUser
from tools import mariadb, servers
from tools.bench import imports, wrk
from tools.bench.generate import generate
from tools.bench.imports import kept_section, splice
from tools.bench.report import report
from tools.bench.results import (
    CONNECTIONS,
    EXTRA_SETS,
    MIXED_CONNECTIONS,
    SETS,
    WRITE_EVERY_SECONDS,
    Result,
    SetResult,
    endpoints,
)

ADMIN = ("bench@costwatch.test", "bench-password-" + secrets.token_hex(4))
SCRATCH = Path("/tmp")  # noqa: S108 - the servers' data folders and logs, one per data set
DATABASE = "costwatch_bench_{}"  # on the server, for each data set
SETTLE_SECONDS = 10.0  # after a start, before the first requests after writes (--cold-only)
WARM_UP_ROUNDS = 12  # requests of each path before them, under URLs of their own (warm_up)
# The section of BENCHMARKS.md that ./bench.sh --cluster writes (tools.bench.cluster).
CLUSTER_START = "<!-- cluster: written by ./bench.sh --cluster -->"
CLUSTER_END = "<!-- /cluster -->"
# The sections other runs write (./bench.sh --imports, --cluster): kept by this one.
KEPT_SECTIONS = ((imports.START, imports.END), (CLUSTER_START, CLUSTER_END))


def rss_of_workers(parent: int, proc: Path = Path("/proc")) -> list[float]:
    """Resident memory (MB) of the child processes of ``parent`` (the server's workers)."""
    children = proc / str(parent) / "task" / str(parent) / "children"
    try:
        pids = children.read_text().split()
    except OSError:
        return []
    sizes = []
    for pid in pids:
        try:
            # uvicorn's workers, not multiprocessing's resource tracker
            if b"resource_tracker" in (proc / pid / "cmdline").read_bytes():
                continue
            status = (proc / pid / "status").read_text()
        except OSError:  # it has exited meanwhile
            continue
        match = re.search(r"VmRSS:\s+(\d+) kB", status)
        if match:
            sizes.append(int(match.group(1)) / 1024)
    return sizes


async def renew_password(url: str) -> None:
    """Give the bench's admin this run's password (``ADMIN``).

    A data set kept from an earlier run (``--reuse``) has the admin that run created, with
    that run's random password: the server creates the admin only in an empty database.
    """
    engine = make_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.execute(
                update(AdminUser)
                .where(AdminUser.email == ADMIN[0])
                .values(password_hash=hash_password(ADMIN[1]))
            )
    finally:
        await engine.dispose()


def measure(
    name: str,
    url: str,
    rows: dict[str, int],
    seconds: int,
    workers: int,
    *,
    cold_only: bool = False,
) -> SetResult:
    """Start the API on a database and load every endpoint (``cold_only``: no wrk loads).

    On the large set, the mixed load too (``mixed_load``).
    """
    env = api_environment(name, url, workers)
    api = servers.start_api(servers.free_port(), env, SCRATCH / f"costwatch-bench-{name}.log")
    result = SetResult(name, rows)
    try:
        api.wait_ready()
        asyncio.run(renew_password(url))
        token = login(api.url)
        for connections in () if cold_only else CONNECTIONS:
            for path in endpoints():
                # one request first: what is measured is the steady state, not the first read
                httpx.get(
                    f"{api.url}{path}", headers={"Authorization": f"Bearer {token}"}, timeout=60
                ).raise_for_status()
                sampler = threading.Timer(
                    seconds / 2, lambda: result.rss_mb.extend(rss_of_workers(api.process.pid))
                )
                sampler.start()
                figures = wrk.run(f"{api.url}{path}", token, connections, seconds)
                sampler.join()
                result.results.append(
                    Result(
                        path,
                        connections,
                        figures.rps,
                        figures.p50_ms,
                        figures.p99_ms,
                        figures.errors,
                    )
                )
                print(
                    f"  {name:5} c={connections:<2} {path:45} {figures.rps:9.0f} req/s"
                    f"  p50 {figures.p50_ms:7.2f} ms  p99 {figures.p99_ms:7.2f} ms"
                    + (f"  {figures.errors} errors" if figures.errors else ""),
                    flush=True,
                )
        if cold_only:
            warm_up(api.url, token)
        result.cold_ms = after_a_write(api.url, token)
        if name == "large" and not cold_only:
            result.mixed, result.writes = mixed_load(api.url, token, seconds)
    finally:
        servers.stop([api.process])
    return result


def api_environment(name: str, url: str, workers: int) -> dict[str, str]:
    """The API's settings for a benchmark on database ``url`` (production mode)."""
    return {
        "COSTWATCH_ENV": "production",
        "COSTWATCH_DATABASE_URL": url,
        "COSTWATCH_JWT_SECRET": secrets.token_urlsafe(48),
        "COSTWATCH_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "COSTWATCH_ADMIN_EMAIL": ADMIN[0],
        "COSTWATCH_ADMIN_PASSWORD": ADMIN[1],
        "COSTWATCH_WORKERS": str(workers),
        "COSTWATCH_DATA_DIR": str(SCRATCH / f"costwatch-bench-{name}"),
    }


def login(base: str) -> str:
    """The admin's token from the API at ``base``."""
    # Sent again after a 503 (nothing stored): right after a start on a large set the
    # first writes have been seen to wait past the lock timeout.
    for _ in range(10):
        answer = httpx.post(
            f"{base}/auth/login", data={"username": ADMIN[0], "password": ADMIN[1]}, timeout=60
        )
        if answer.status_code != 503:
            break
        time.sleep(1)
    answer.raise_for_status()
    return str(answer.json()["access_token"])


def warm_up(base: str, token: str, rounds: int = WARM_UP_ROUNDS) -> None:
    """What the wrk runs do before a measurement without them.

    Every route answered by every worker process (a process's first answer of a route pays
    for resolving it and filling its memos: the cost of a start, not of a write), the set's
    pages read into the buffer pool, and the alert evaluation that follows the start finished.
    Each request comes on a connection of its own (the server's workers take turns at
    accepting them; on one kept-alive connection every request goes to the same worker) and
    under a query string of its own (a parameter the routes ignore), so that whichever
    worker takes it computes it: ``rounds`` requests of a path miss a given worker of two
    with a chance of 1 in 2^rounds.
    """
    auth = {"Authorization": f"Bearer {token}"}
    for number in range(rounds):
        for path in endpoints():
            separator = "&" if "?" in path else "?"
            url = f"{base}{path}{separator}warm_up={number}"
            httpx.get(url, headers=auth, timeout=60).raise_for_status()
    time.sleep(SETTLE_SECONDS)


def _write(client: httpx.Client, path: str, body: dict[str, object]) -> httpx.Response:
    """POST, sent again after a 503 (nothing stored; ``Retry-After``), as a client would."""
    for _ in range(20):
        answer = client.post(path, json=body)
        if answer.status_code != 503:
            break
        time.sleep(min(float(answer.headers.get("Retry-After", 1)), 2))
    answer.raise_for_status()
    return answer


def after_a_write(base: str, token: str, rounds: int = 5) -> dict[str, float]:
    """Mean ms of each report's first request after a write, when it is computed afresh."""
    auth = {"Authorization": f"Bearer {token}"}
    timings: dict[str, float] = {}
    with httpx.Client(base_url=base, headers=auth, timeout=60) as client:
        for path in endpoints()[1:]:
            spent = 0.0
            for _ in range(rounds):
                _write(client, "/providers", {"name": f"bench write {secrets.token_hex(6)}"})
                started = time.perf_counter()
                client.get(path).raise_for_status()
                spent += time.perf_counter() - started
            timings[path] = spent / rounds * 1000
    return timings


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(int(len(ordered) * share), len(ordered) - 1)] if ordered else 0.0


def mixed_load(base: str, token: str, seconds: int) -> tuple[list[Result], dict[str, float]]:
    """Readers going round the dashboard's requests while one writer adds consumption.

    ``MIXED_CONNECTIONS`` wrk connections request the reports of ``endpoints()`` in turn, then
    ``/health`` alike, each for ``seconds``; all the while a thread posts a consumption event
    every ``WRITE_EVERY_SECONDS`` (each one voids the cached answers). Returns the readers'
    and /health's figures, and the writer's: posts, failures, p50 and p99 in ms.
    """
    auth = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=base, headers=auth, timeout=60) as client:
        first = client.get("/usage/balances", params={"limit": 1})
        first.raise_for_status()
        service_id = first.json()[0]["service_id"]
    stop = threading.Event()
    latencies: list[float] = []
    failures = 0

    def writer() -> None:
        nonlocal failures
        today = time.strftime("%Y-%m-%d", time.gmtime())
        with httpx.Client(base_url=base, headers=auth, timeout=60) as client:
            while not stop.is_set():
                started = time.perf_counter()
                body = {
                    "service_id": service_id,
                    "consumption_date": today,
                    "amount_consumed": "0.01",
                }
                if client.post("/usage/consumption", json=body).status_code != 201:
                    failures += 1
                latencies.append((time.perf_counter() - started) * 1000)
                stop.wait(max(WRITE_EVERY_SECONDS - (time.perf_counter() - started), 0))

    thread = threading.Thread(target=writer, daemon=True)
    thread.start()
    results = []
    try:
        with tempfile.NamedTemporaryFile("w", suffix=".lua") as script:
            script.write(wrk.rotation_script(endpoints()[1:]))
            script.flush()
            for label, path, lua in (
                ("dashboard", endpoints()[1], script.name),
                ("/health", "/health", None),
            ):
                figures = wrk.run(f"{base}{path}", token, MIXED_CONNECTIONS, seconds, script=lua)
                results.append(
                    Result(
                        label,
                        MIXED_CONNECTIONS,
                        figures.rps,
                        figures.p50_ms,
                        figures.p99_ms,
                        figures.errors,
                    )
                )
                print(
                    f"  mixed c={MIXED_CONNECTIONS} {label:45} {figures.rps:9.0f} req/s"
                    f"  p50 {figures.p50_ms:7.2f} ms  p99 {figures.p99_ms:7.2f} ms"
                    + (f"  {figures.errors} errors" if figures.errors else ""),
                    flush=True,
                )
    finally:
        stop.set()
        thread.join()
    writes = {
        "posts": float(len(latencies)),
        "failed": float(failures),
        "p50_ms": _percentile(latencies, 0.5),
        "p99_ms": _percentile(latencies, 0.99),
    }
    print(
        f"  mixed writer: {len(latencies)} posts, {failures} failed,"
        f" p50 {writes['p50_ms']:.1f} ms, p99 {writes['p99_ms']:.1f} ms",
        flush=True,
    )
    return results, writes


def carry_over(text: str, path: Path) -> str:
    """``text`` with the sections other runs wrote in the file at ``path`` (``KEPT_SECTIONS``)."""
    for start, end in KEPT_SECTIONS:
        kept = kept_section(path, start, end)
        if kept:
            text = splice(text, kept, start, end)
    return text


def cold_table(sets: dict[str, SetResult]) -> str:
    """The first-request-after-a-write figures of the sets measured, as a Markdown table."""
    names = list(sets)
    lines = [
        "| endpoint | " + " | ".join(f"{name}: ms" for name in names) + " |",
        "| --- |" + " ---: |" * len(names),
    ]
    for path in endpoints()[1:]:
        cells = " | ".join(f"{sets[name].cold_ms.get(path, 0):.1f}" for name in names)
        lines.append(f"| `{path}` | {cells} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description="Benchmark CostWatch on MariaDB.")
    parser.add_argument(
        "--server-url",
        required=True,
        help="async URL of a MySQL/MariaDB server (its database is not touched)",
    )
    parser.add_argument("--seconds", type=int, default=10, help="length of each wrk run")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--reuse", action="store_true", help="keep the data sets of a previous run")
    parser.add_argument("--output", default=str(servers.ROOT / "BENCHMARKS.md"))
    parser.add_argument(
        "--cold-only",
        action="store_true",
        help="measure only each report's first request after a write (no wrk loads);"
        " prints the figures and leaves BENCHMARKS.md alone",
    )
    parser.add_argument(
        "--sets",
        default=",".join(SETS),
        help=f"data sets, comma-separated, of {', '.join([*SETS, *EXTRA_SETS])}"
        " (the report needs large and small; the others are measured with --cold-only)",
    )
    parser.add_argument(
        "--database",
        default=None,
        help="name of each set's database on the server, {} standing for the set"
        f" (default {DATABASE}): another name keeps other benchmarks' databases",
    )
    args = parser.parse_args(argv)
    known = {**SETS, **EXTRA_SETS}
    chosen = {name: known[name] for name in args.sets.split(",") if name in known}
    if not args.cold_only and set(SETS) - set(chosen):
        parser.error("the report needs the large and small sets (or use --cold-only)")
    urls: dict[str, str] = {}
    rows: dict[str, dict[str, int]] = {}
    # Every data set first, then the measurements, once the server has written the loads out:
    # a measurement right after a million-row load competes with the flushing of it.
    for name, size in chosen.items():
        database = (args.database or DATABASE).format(name)
        if args.reuse:
            urls[name] = mariadb.database_url(args.server_url, database)
            rows[name] = dict(size)
            continue
        urls[name] = asyncio.run(mariadb.recreate(args.server_url, database))
        started = time.perf_counter()
        rows[name] = asyncio.run(generate(urls[name], **size))
        took = time.perf_counter() - started
        print(f"{name}: generated {sum(rows[name].values()):,} rows in {took:.1f} s", flush=True)
    if not asyncio.run(mariadb.settle(args.server_url)):
        print("the server is still writing the loads out; measuring anyway", flush=True)
    if args.cold_only:
        measured = {
            name: measure(name, urls[name], rows[name], 0, args.workers, cold_only=True)
            for name in chosen
        }
        print(cold_table(measured))
        return 0
    sets = {
        name: measure(name, urls[name], rows[name], args.seconds, args.workers) for name in SETS
    }
    # The other sets asked for: their first requests after a write only.
    for name in chosen.keys() - SETS.keys():
        sets[name] = measure(name, urls[name], rows[name], 0, args.workers, cold_only=True)
    version = asyncio.run(mariadb.server_version(args.server_url))
    # The imports' and the cluster's sections (./bench.sh --imports, --cluster) are measured on
    # their own: carried over.
    text = report(sets, version, args.seconds, args.workers)
    Path(args.output).write_text(carry_over(text, Path(args.output)))
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
