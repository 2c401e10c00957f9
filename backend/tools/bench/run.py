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
import threading
import time
from pathlib import Path

import httpx
from cryptography.fernet import Fernet

from tools import mariadb, servers
from tools.bench import wrk
from tools.bench.generate import generate
from tools.bench.report import report
from tools.bench.results import CONNECTIONS, SETS, Result, SetResult, endpoints

ADMIN = ("bench@costwatch.test", "bench-password-" + secrets.token_hex(4))
SCRATCH = Path("/tmp")  # noqa: S108 - the servers' data folders and logs, one per data set
DATABASE = "costwatch_bench_{}"  # on the server, for each data set


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


def measure(name: str, url: str, rows: dict[str, int], seconds: int, workers: int) -> SetResult:
    """Start the API on a database and load every endpoint."""
    env = {
        "COSTWATCH_ENV": "production",
        "COSTWATCH_DATABASE_URL": url,
        "COSTWATCH_JWT_SECRET": secrets.token_urlsafe(48),
        "COSTWATCH_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "COSTWATCH_ADMIN_EMAIL": ADMIN[0],
        "COSTWATCH_ADMIN_PASSWORD": ADMIN[1],
        "COSTWATCH_WORKERS": str(workers),
        "COSTWATCH_DATA_DIR": str(SCRATCH / f"costwatch-bench-{name}"),
    }
    api = servers.start_api(servers.free_port(), env, SCRATCH / f"costwatch-bench-{name}.log")
    result = SetResult(name, rows)
    try:
        api.wait_ready()
        login = httpx.post(
            f"{api.url}/auth/login", data={"username": ADMIN[0], "password": ADMIN[1]}
        )
        login.raise_for_status()
        token = login.json()["access_token"]
        for connections in CONNECTIONS:
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
        result.cold_ms = after_a_write(api.url, token)
    finally:
        servers.stop([api.process])
    return result


def after_a_write(base: str, token: str, rounds: int = 5) -> dict[str, float]:
    """Mean ms of each report's first request after a write, when it is computed afresh."""
    auth = {"Authorization": f"Bearer {token}"}
    timings: dict[str, float] = {}
    with httpx.Client(base_url=base, headers=auth, timeout=60) as client:
        for path in endpoints()[1:]:
            spent = 0.0
            for _ in range(rounds):
                name = f"bench write {secrets.token_hex(6)}"
                client.post("/providers", json={"name": name}).raise_for_status()
                started = time.perf_counter()
                client.get(path).raise_for_status()
                spent += time.perf_counter() - started
            timings[path] = spent / rounds * 1000
    return timings


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
    args = parser.parse_args(argv)
    urls: dict[str, str] = {}
    rows: dict[str, dict[str, int]] = {}
    # Every data set first, then the measurements, once the server has written the loads out:
    # a measurement right after a million-row load competes with the flushing of it.
    for name, size in SETS.items():
        database = DATABASE.format(name)
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
    sets = {
        name: measure(name, urls[name], rows[name], args.seconds, args.workers) for name in SETS
    }
    version = asyncio.run(mariadb.server_version(args.server_url))
    Path(args.output).write_text(report(sets, version, args.seconds, args.workers))
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
