"""BENCHMARKS.md (tools.bench.report)."""

import os
import platform
import re
from pathlib import Path

from tools.bench import report
from tools.bench.results import CONNECTIONS, Result, SetResult, endpoints


def fake_set(name: str, rps: float = 950.0, p99: float = 10.0) -> SetResult:
    """/health at 1000 req/s and p99 8 ms; every other endpoint at ``rps`` and ``p99``."""
    result = SetResult(name, {"services": 10, "consumption": 1_000_000})
    for connections in CONNECTIONS:
        for path in endpoints():
            if path == "/health":
                result.results.append(Result(path, connections, 1000.0, 2.0, 8.0))
            else:
                result.results.append(Result(path, connections, rps, 2.0, p99, 1))
    result.rss_mb = [80.0, 95.5]
    result.cold_ms = {path: 4.31 for path in endpoints()[1:]}
    return result


def row(text: str, path: str, heading: str) -> str:
    section = text.split(f"## {heading}")[1].split("\n## ")[0]
    [line] = [line for line in section.splitlines() if line.startswith(f"| `{path}` |")]
    return line


def test_the_tables_hold_the_figures_and_ratios() -> None:
    text = report.report(
        {"large": fake_set("large"), "small": fake_set("small", rps=1900.0, p99=5.0)},
        "MariaDB 10.11.19",
        10,
        2,
    )
    assert text.startswith("# Benchmarks\n")
    assert "\nMariaDB 10.11.19; the API in production mode with 2 worker processes" in text
    assert "wrk (2 threads, 10 s per run)" in text
    assert "**large**: 10 services, 1,000,000 consumption" in text
    for connections in CONNECTIONS:
        assert row(text, "/health", f"{connections} connections") == (
            "| `/health` | 1,000 | 1.00 | 2.00 | 8.00 | 1.00 | 1,000 | 8.00 | 1.00 |"
        )
        assert row(text, "/summary", f"{connections} connections") == (
            "| `/summary` | 950 | 0.95 | 2.00 | 10.00 | 1.25 | 1,900 | 5.00 | 2.00 |"
        )
    assert row(text, "/usage/balances", "After a write") == "| `/usage/balances` | 4.3 | 4.3 |"
    # one error per endpoint but /health, per connection count, per set
    assert f"over every run: {(len(endpoints()) - 1) * len(CONNECTIONS) * 2}." in text
    assert "Resident memory per worker process under load: 80-96 MB." in text


def test_targets_are_met_or_not() -> None:
    met = dict((name, ok) for name, ok, _ in report.targets(fake_set("large"), fake_set("small")))
    assert len(met) == 4 * (len(endpoints()) - 1)
    assert met["`/summary` throughput >= 0.90 x /health at 32"]  # 0.95
    assert met["`/summary` p99 <= 1.5 x /health's at 32"]  # 10 / 8
    assert met["`/summary` p99 <= 20 ms at 4"]
    assert met["`/summary` latency large <= 1.5 x small"]
    slow = report.targets(fake_set("large", rps=850.0, p99=25.0), fake_set("small"))
    failed = {name for name, ok, _ in slow if not ok}
    assert "`/summary` throughput >= 0.90 x /health at 32" in failed  # 0.85
    assert "`/summary` p99 <= 1.5 x /health's at 32" in failed  # 25 / 8
    assert "`/summary` p99 <= 20 ms at 4" in failed
    assert "`/summary` latency large <= 1.5 x small" in failed  # 25 / 10
    text = report.report(
        {"large": fake_set("large", 850.0, 25.0), "small": fake_set("small")}, "", 1, 1
    )
    assert "| `/summary` p99 <= 20 ms at 4 | **no** | 25.00 ms |" in text


def test_without_memory_figures_or_writes_the_report_says_so() -> None:
    large, small = fake_set("large"), fake_set("small")
    large.rss_mb = small.rss_mb = []
    large.cold_ms = {}
    text = report.report({"large": large, "small": small}, "MySQL 8.4", 1, 1)
    assert "Resident memory per worker process under load: not measured." in text
    assert "## After a write" not in text


def test_the_machine_is_described_from_proc(tmp_path: Path) -> None:
    (tmp_path / "cpuinfo").write_text("processor\t: 0\nmodel name\t: Test CPU 9000 \n")
    (tmp_path / "meminfo").write_text("MemTotal:       25165824 kB\nMemFree: 1 kB\n")
    assert report.machine(tmp_path) == (
        f"{os.cpu_count()} cores (Test CPU 9000), 24 GiB, {platform.platform()}"
    )
    assert report.machine(tmp_path / "missing") == (
        f"{os.cpu_count()} cores (unknown CPU), 0 GiB, {platform.platform()}"
    )
    # and this machine's own /proc
    assert re.fullmatch(rf"{os.cpu_count()} cores \(.+\), [1-9]\d* GiB, .+", report.machine())


def test_the_mixed_load_is_shown_as_ratios_to_health() -> None:
    large = fake_set("large")
    large.mixed = [
        Result("dashboard", 32, 800.0, 4.0, 30.0),
        Result("/health", 32, 1000.0, 2.0, 20.0),
    ]
    large.writes = {"posts": 98.0, "failed": 0.0, "p50_ms": 12.5, "p99_ms": 40.25}
    text = report.report({"large": large, "small": fake_set("small")}, "MariaDB 10.11.19", 10, 2)
    section = text.split("## Mixed load (large set)")[1].split("\n## ")[0]
    assert "| dashboard | 800 | 0.80 | 4.00 | 2.00 | 30.00 | 1.50 |" in section
    assert "| /health | 1,000 | 1.00 | 2.00 | 1.00 | 20.00 | 1.00 |" in section
    assert "The writer: 98 posts, 0 not stored; p50 12.5 ms, p99 40.2 ms." in section
    assert "## Mixed load" not in report.report(
        {"large": fake_set("large"), "small": fake_set("small")}, "MariaDB 10.11.19", 10, 2
    )


def test_a_set_measured_only_after_writes_gets_columns_of_its_own() -> None:
    huge = SetResult("huge", {"services": 10, "consumption": 10_000_000})
    huge.cold_ms = {path: 6.465 for path in endpoints()[1:]}
    sets = {"large": fake_set("large"), "small": fake_set("small"), "huge": huge}
    text = report.report(sets, "MariaDB 10.11.19", 10, 2)
    assert "| endpoint | large: ms | small: ms | huge: ms | huge / large |" in text
    assert f"| `{endpoints()[1]}` | 4.3 | 4.3 | 6.5 | 1.50 |" in text
    assert "**huge**: 10 services, 10,000,000 consumption." in text
