"""BENCHMARKS.md: the machine, the tables, the ratios to ``/health``, the targets."""

import os
import platform
import re
from datetime import UTC, datetime
from pathlib import Path

from tools.bench.results import CONNECTIONS, SetResult, endpoints


def machine(proc: Path = Path("/proc")) -> str:
    """A one-line description of this machine: cores, CPU model, memory, OS."""
    cpu = "unknown CPU"
    cpuinfo = proc / "cpuinfo"
    if cpuinfo.exists():
        match = re.search(r"model name\s*:\s*(.+)", cpuinfo.read_text())
        cpu = match.group(1).strip() if match else cpu
    meminfo = proc / "meminfo"
    match = re.search(r"MemTotal:\s+(\d+) kB", meminfo.read_text()) if meminfo.exists() else None
    gib = int(match.group(1)) / 1024 / 1024 if match else 0
    return f"{os.cpu_count()} cores ({cpu}), {gib:.0f} GiB, {platform.platform()}"


def report(sets: dict[str, SetResult], server_version: str, seconds: int, workers: int) -> str:
    """The text of BENCHMARKS.md for the ``large`` and ``small`` sets."""
    large, small = sets["large"], sets["small"]
    # Sets measured only after writes (``--sets``: the 10M-row one), shown beside large.
    extra = [name for name in sets if name not in ("large", "small") and sets[name].cold_ms]
    lines = [
        "# Benchmarks",
        "",
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC by `./bench.sh` on {machine()};",
        f"{server_version}; the API in production mode with {workers} worker processes; load from",
        f"wrk (2 threads, {seconds} s per run) on the same machine. Absolute figures move with the",
        "machine's load: compare the ratios, all measured in this one run.",
        "",
        "Data sets: "
        + "; ".join(
            f"**{s.name}**: " + ", ".join(f"{count:,} {table}" for table, count in s.rows.items())
            for s in sets.values()
        )
        + ".",
        "",
    ]
    health = {c: large.get("/health", c) for c in CONNECTIONS}
    for connections in CONNECTIONS:
        lines += [
            f"## {connections} connections",
            "",
            "| endpoint | large: req/s | ratio to /health | p50 ms | p99 ms | p99 / /health's |"
            " small: req/s | small p99 ms | p99 large / small |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for path in endpoints():
            big, little = large.get(path, connections), small.get(path, connections)
            lines.append(
                f"| `{path}` | {big.rps:,.0f} | {big.rps / health[connections].rps:.2f} |"
                f" {big.p50_ms:.2f} | {big.p99_ms:.2f} |"
                f" {big.p99_ms / health[connections].p99_ms:.2f} |"
                f" {little.rps:,.0f} | {little.p99_ms:.2f} | {big.p99_ms / little.p99_ms:.2f} |"
            )
        lines.append("")
    if large.cold_ms:
        lines += [
            "## After a write",
            "",
            "Every write voids the cached answers (the data version moves). Mean of 5 first",
            "requests, each right after a write, one at a time:",
            "",
            "| endpoint | large: ms | small: ms |"
            + "".join(f" {name}: ms | {name} / large |" for name in extra),
            "| --- | ---: | ---: |" + " ---: | ---: |" * len(extra),
        ]
        lines += [
            f"| `{path}` | {large.cold_ms[path]:.1f} | {small.cold_ms.get(path, 0):.1f} |"
            + "".join(
                f" {sets[name].cold_ms.get(path, 0):.1f} |"
                f" {sets[name].cold_ms.get(path, 0) / large.cold_ms[path]:.2f} |"
                for name in extra
            )
            for path in endpoints()[1:]
        ]
        lines.append("")
    if large.mixed:
        readers, still = large.mixed[0], large.mixed[1]
        writes = large.writes
        lines += [
            "## Mixed load (large set)",
            "",
            f"{readers.connections} connections going round the reports above while one writer"
            " posts a consumption event every 100 ms (each post voids the cached answers);"
            " then `/health` under the same writer:",
            "",
            "| load | req/s | ratio to /health | p50 ms | p50 / /health's | p99 ms"
            " | p99 / /health's |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for row in (readers, still):
            lines.append(
                f"| {row.path} | {row.rps:,.0f} | {row.rps / still.rps:.2f} |"
                f" {row.p50_ms:.2f} | {row.p50_ms / still.p50_ms:.2f} |"
                f" {row.p99_ms:.2f} | {row.p99_ms / still.p99_ms:.2f} |"
            )
        lines += [
            "",
            f"The writer: {writes.get('posts', 0):.0f} posts, {writes.get('failed', 0):.0f}"
            f" not stored; p50 {writes.get('p50_ms', 0):.1f} ms, p99"
            f" {writes.get('p99_ms', 0):.1f} ms.",
            "",
        ]
    errors = sum(r.errors for s in sets.values() for r in [*s.results, *s.mixed])
    lines += ["## Targets (large set)", "", "| target | met | measured |", "| --- | --- | ---: |"]
    lines += [
        f"| {name} | {'yes' if ok else '**no**'} | {value} |"
        for name, ok, value in targets(large, small)
    ]
    rss = large.rss_mb + small.rss_mb
    lines += [
        "",
        f"Errors (non-2xx answers and timeouts) over every run: {errors}.",
        "",
        "Resident memory per worker process under load: "
        + (f"{min(rss):.0f}-{max(rss):.0f} MB." if rss else "not measured."),
        "",
    ]
    return "\n".join(lines)


def targets(large: SetResult, small: SetResult) -> list[tuple[str, bool, str]]:
    """Each target of an endpoint: its name, whether it is met, the figure measured."""
    health = {c: large.get("/health", c) for c in CONNECTIONS}
    checks = []
    for path in endpoints()[1:]:
        at32, at4 = large.get(path, 32), large.get(path, 4)
        small4, small32 = small.get(path, 4), small.get(path, 32)
        throughput = at32.rps / health[32].rps
        checks.append(
            (f"`{path}` throughput >= 0.90 x /health at 32", throughput >= 0.9, f"{throughput:.2f}")
        )
        p99 = at32.p99_ms / health[32].p99_ms
        checks.append((f"`{path}` p99 <= 1.5 x /health's at 32", p99 <= 1.5, f"{p99:.2f}"))
        checks.append((f"`{path}` p99 <= 20 ms at 4", at4.p99_ms <= 20, f"{at4.p99_ms:.2f} ms"))
        # p50 at both loads and p99 at 4 connections: at 32 the p99 is queueing on 2 cores
        # (it moves as much between two runs of one set); it is in the tables above.
        worst = max(
            at4.p99_ms / small4.p99_ms, at4.p50_ms / small4.p50_ms, at32.p50_ms / small32.p50_ms
        )
        checks.append((f"`{path}` latency large <= 1.5 x small", worst <= 1.5, f"{worst:.2f}"))
    return checks
