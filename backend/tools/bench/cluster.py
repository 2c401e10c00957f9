"""``./bench.sh --cluster``: the mixed load on one MariaDB server and on a Galera cluster.

In one run, on one data set (``--set``, the large one by default):

1. a private MariaDB server (``tools.cluster.GaleraNode`` without replication: the nodes'
   option file minus the ``wsrep`` settings) is filled by the generator and stopped;
2. a copy of its data directory founds a three-node cluster (``tools.cluster.GaleraCluster``:
   the first node starts on it, the other two receive it by SST) with HAProxy in front, and
   the single server is started again: the same data on both;
3. the API (production mode, the same workers) runs on each, the single server directly, the
   cluster through HAProxy; each report's first request after a write is timed on both, then
   the mixed load of the main benchmark (``run.mixed_load``: 32 connections going round the
   dashboard's requests while one writer posts a consumption every 100 ms, then ``/health``
   under the same writer) runs on each by turns.

The figures, and their ratios cluster / single, replace the section between the ``cluster``
markers of BENCHMARKS.md; the main benchmark (``./bench.sh``) keeps that section when it writes
the file again. Every process started is stopped, and the work folder removed.
"""

import argparse
import asyncio
import os
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from tools import mariadb, servers
from tools.bench.generate import generate
from tools.bench.imports import splice
from tools.bench.report import machine
from tools.bench.results import MIXED_CONNECTIONS, SETS, Result, endpoints
from tools.bench.run import (
    CLUSTER_END,
    CLUSTER_START,
    SCRATCH,
    after_a_write,
    api_environment,
    login,
    mixed_load,
    warm_up,
)
from tools.cluster import GaleraCluster, GaleraNode
from tools.servers import free_ports

DATABASE = "costwatch_bench"
# Both servers: the same option file (but for the wsrep settings), room for the large set.
BUFFER_POOL = "512M"


@dataclass
class Side:
    """What one database layout measured.

    The mixed load's readers and ``/health`` under the writer, the writer's figures
    (``run.mixed_load``), each report's first request after a write (ms).
    """

    readers: Result
    health: Result
    writes: dict[str, float] = field(default_factory=dict)
    cold_ms: dict[str, float] = field(default_factory=dict)


def _mean(results: list[Result]) -> Result:
    """One row of the mean figures of several runs of the same load."""
    count = len(results)
    return Result(
        results[0].path,
        results[0].connections,
        sum(r.rps for r in results) / count,
        sum(r.p50_ms for r in results) / count,
        sum(r.p99_ms for r in results) / count,
        sum(r.errors for r in results),
    )


def _mean_writes(rounds: list[dict[str, float]]) -> dict[str, float]:
    """Posts and failures summed, the writer's p50 and p99 averaged over the rounds."""
    return {
        "posts": sum(r["posts"] for r in rounds),
        "failed": sum(r["failed"] for r in rounds),
        "p50_ms": sum(r["p50_ms"] for r in rounds) / len(rounds),
        "p99_ms": sum(r["p99_ms"] for r in rounds) / len(rounds),
    }


def measure(urls: dict[str, str], seconds: int, workers: int, rounds: int) -> dict[str, Side]:
    """Both layouts, each behind an API of its own, measured by turns.

    The APIs run side by side. Each report's first request after a write is timed, then the
    mixed load runs, ``rounds`` times on each, in the order ABBA... so that a drift in the
    machine's other load weighs on both alike. Figures: the means.
    """
    apis = {
        name: servers.start_api(
            servers.free_port(),
            api_environment(f"cluster-{name}", url, workers),
            SCRATCH / f"costwatch-bench-cluster-{name}.log",
        )
        for name, url in urls.items()
    }
    try:
        tokens = {}
        for name, api in apis.items():
            api.wait_ready(timeout=120)
            tokens[name] = login(api.url)
            warm_up(api.url, tokens[name])
        names = list(apis)
        turns = [names if number % 2 == 0 else names[::-1] for number in range(rounds)]
        colds: dict[str, list[dict[str, float]]] = {name: [] for name in apis}
        for turn in turns:
            for name in turn:
                colds[name].append(after_a_write(apis[name].url, tokens[name]))
        cold = {
            name: {path: sum(c[path] for c in runs) / len(runs) for path in runs[0]}
            for name, runs in colds.items()
        }
        mixed: dict[str, list[tuple[list[Result], dict[str, float]]]] = {n: [] for n in apis}
        for number, turn in enumerate(turns):
            for name in turn:
                print(f"{name}, round {number + 1}:", flush=True)
                mixed[name].append(mixed_load(apis[name].url, tokens[name], seconds))
    finally:
        servers.stop([api.process for api in apis.values()])
    return {
        name: Side(
            _mean([results[0] for results, _ in runs]),
            _mean([results[1] for results, _ in runs]),
            _mean_writes([writes for _, writes in runs]),
            cold[name],
        )
        for name, runs in mixed.items()
    }


def _ratio(cluster: float, single: float) -> str:
    return f"{cluster / single:.2f}" if single else "-"


def section(
    single: Side,
    cluster: Side,
    *,
    set_name: str,
    rows: dict[str, int],
    seconds: int,
    rounds: int,
    workers: int,
    version: str,
    sst_seconds: float,
    load: tuple[float, float],
) -> str:
    """The Markdown of the cluster section (markers included).

    ``load``: the machine's load average (1 min) before and after the measurements: work of
    others on the same cores slows both layouts, and makes the ratios less exact.
    """
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        CLUSTER_START,
        "## Cluster: three Galera nodes behind HAProxy vs one server",
        "",
        f"Measured {when} by `./bench.sh --cluster` on {machine()}; {version}. One run, so",
        "compare the ratios. The same data set ("
        + f"**{set_name}**: "
        + ", ".join(f"{count:,} {table}" for table, count in rows.items())
        + ") and the same API in production mode with"
        f" {workers} worker processes, on one MariaDB server and through HAProxy"
        " (one writer node, two synchronous standbys) on three Galera nodes founded on a copy"
        " of that server's data (the two others received it by SST: the cluster was Synced"
        f" {sst_seconds:.0f} s after its first node started). Both servers run with the same"
        f" option file but for the `wsrep` settings ({BUFFER_POOL} buffer pool); on the"
        " cluster every read waits for"
        " the node to have applied what was committed before it (`wsrep_sync_wait`).",
        "",
        f"The machine's load average (1 min) was {load[0]:.1f} before the measurements and"
        f" {load[1]:.1f} after ({os.cpu_count()} cores): what else ran meanwhile slowed both"
        " layouts alike at best, so compare the ratios, not the absolute figures, with the"
        " main tables above.",
        "",
        f"The mixed load: {MIXED_CONNECTIONS} connections going round the dashboard's reports"
        f" for {seconds} s while one writer posts a consumption every 100 ms, then `/health`"
        f" under the same writer; {rounds} times on each layout, by turns (both APIs running"
        " side by side), so that the machine's other load weighs on both alike; the means"
        " (posts and failures: the sums):",
        "",
        "| figure | one server | cluster | cluster / one server |",
        "| --- | ---: | ---: | ---: |",
    ]
    rows_out = [
        ("readers: req/s", single.readers.rps, cluster.readers.rps, ",.0f"),
        ("readers: p50 ms", single.readers.p50_ms, cluster.readers.p50_ms, ".2f"),
        ("readers: p99 ms", single.readers.p99_ms, cluster.readers.p99_ms, ".2f"),
        ("`/health`: req/s", single.health.rps, cluster.health.rps, ",.0f"),
        ("`/health`: p50 ms", single.health.p50_ms, cluster.health.p50_ms, ".2f"),
        ("`/health`: p99 ms", single.health.p99_ms, cluster.health.p99_ms, ".2f"),
        (
            "readers' req/s / `/health`'s",
            single.readers.rps / single.health.rps,
            cluster.readers.rps / cluster.health.rps,
            ".2f",
        ),
        ("writer: posts", single.writes["posts"], cluster.writes["posts"], ".0f"),
        ("writer: p50 ms", single.writes["p50_ms"], cluster.writes["p50_ms"], ".1f"),
        ("writer: p99 ms", single.writes["p99_ms"], cluster.writes["p99_ms"], ".1f"),
    ]
    for label, one, many, form in rows_out:
        lines.append(f"| {label} | {one:{form}} | {many:{form}} | {_ratio(many, one)} |")
    lines.append(
        f"| writer: failed posts | {single.writes['failed']:.0f} |"
        f" {cluster.writes['failed']:.0f} | - |"
    )
    errors = sum(row.errors for side in (single, cluster) for row in (side.readers, side.health))
    lines += [
        "",
        f"Errors (non-2xx answers and timeouts) of the readers and `/health`: {errors}.",
        "",
        f"Each report's first request after a write (mean of 5 x {rounds}, one at a time):",
        "",
        "| endpoint | one server: ms | cluster: ms | cluster / one server |",
        "| --- | ---: | ---: | ---: |",
    ]
    for path in endpoints()[1:]:
        one, many = single.cold_ms.get(path, 0.0), cluster.cold_ms.get(path, 0.0)
        lines.append(f"| `{path}` | {one:.1f} | {many:.1f} | {_ratio(many, one)} |")
    lines += ["", CLUSTER_END]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Generate the set, found the cluster on it, measure both; write the section."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--set", dest="set_name", choices=sorted(SETS), default="large")
    parser.add_argument("--seconds", type=int, default=10, help="length of each wrk run")
    parser.add_argument("--rounds", type=int, default=4, help="mixed loads on each layout")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--output", type=Path, default=servers.ROOT / "BENCHMARKS.md")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    args = parser.parse_args(argv)
    size = SETS[args.set_name]
    work = Path(tempfile.mkdtemp(prefix="costwatch-bench-cluster-"))
    single = GaleraNode(
        work / "single", "single", free_ports(4), [], galera=False, buffer_pool=BUFFER_POOL
    )
    cluster = GaleraCluster(work / "galera", buffer_pool=BUFFER_POOL)
    try:
        single.install()
        single.start()
        server = single.url.replace("/?", "/mysql?")
        url = asyncio.run(mariadb.recreate(server, DATABASE))
        started = time.perf_counter()
        rows = asyncio.run(generate(url, **size))
        print(
            f"{args.set_name}: generated {sum(rows.values()):,} rows"
            f" in {time.perf_counter() - started:.1f} s",
            flush=True,
        )
        version = asyncio.run(mariadb.server_version(server))
        single.stop()  # a clean shutdown: its data directory can be copied
        seed = work / "seed"
        shutil.copytree(single.data, seed, symlinks=True)
        single.start()
        started = time.perf_counter()
        cluster.start(seed=seed)
        sst_seconds = time.perf_counter() - started
        print(f"cluster of {len(cluster.nodes)} Synced in {sst_seconds:.0f} s", flush=True)
        shutil.rmtree(seed)
        for each in (server, cluster.url.replace("/?", "/mysql?")):
            if not asyncio.run(mariadb.settle(each, seconds=30)):
                print("a server is still writing its data out; measuring anyway", flush=True)
        load_before = os.getloadavg()[0]
        sides = measure(
            {"single": url, "cluster": mariadb.database_url(cluster.url, DATABASE)},
            args.seconds,
            args.workers,
            args.rounds,
        )
        load = (load_before, os.getloadavg()[0])
    finally:
        cluster.stop()
        single.stop()
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    text = section(
        sides["single"],
        sides["cluster"],
        set_name=args.set_name,
        rows=rows,
        seconds=args.seconds,
        rounds=args.rounds,
        workers=args.workers,
        version=version,
        sst_seconds=sst_seconds,
        load=load,
    )
    document = args.output.read_text() if args.output.exists() else "# Benchmarks\n"
    args.output.write_text(splice(document, text, CLUSTER_START, CLUSTER_END))
    print(text)
    print(f"wrote the cluster section of {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
