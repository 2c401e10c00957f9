"""The cluster benchmark's section of BENCHMARKS.md (tools.bench.cluster), and its keeping."""

from pathlib import Path

from tools.bench import cluster, imports, run
from tools.bench.results import Result, endpoints


def _side(rps: float, p50: float, writer_p99: float, failed: float) -> cluster.Side:
    writes = {"posts": 100.0, "failed": failed, "p50_ms": 20.0, "p99_ms": writer_p99}
    cold = {path: 4.0 for path in endpoints()[1:]}
    return cluster.Side(
        Result("dashboard", 32, rps, p50, 40.0),
        Result("/health", 32, 2 * rps, 5.0, 20.0),
        writes,
        cold,
    )


def _section(single: cluster.Side, galera: cluster.Side) -> str:
    return cluster.section(
        single,
        galera,
        set_name="small",
        rows={"services": 100, "consumption": 10_000},
        seconds=10,
        rounds=2,
        workers=2,
        version="MariaDB 10.11.19",
        sst_seconds=31.0,
        load=(0.5, 2.4),
    )


def test_the_section_gives_each_figure_and_its_ratio() -> None:
    text = _section(_side(1000, 10.0, 50.0, 0), _side(800, 15.0, 100.0, 2))
    assert text.startswith(run.CLUSTER_START) and text.endswith(run.CLUSTER_END)
    assert "| readers: req/s | 1,000 | 800 | 0.80 |" in text
    assert "| readers: p50 ms | 10.00 | 15.00 | 1.50 |" in text
    assert "| writer: p99 ms | 50.0 | 100.0 | 2.00 |" in text
    assert "| writer: failed posts | 0 | 2 | - |" in text
    assert "**small**: 100 services, 10,000 consumption" in text
    assert "| `/summary` | 4.0 | 4.0 | 1.00 |" in text
    assert "load average (1 min) was 0.5 before the measurements and 2.4 after" in text


def test_each_run_keeps_the_sections_of_the_others(tmp_path: Path) -> None:
    path = tmp_path / "BENCHMARKS.md"
    imports_section = f"{imports.START}\n## Bulk imports\nfigures\n{imports.END}"
    first = _section(_side(1000, 10.0, 50.0, 0), _side(800, 15.0, 100.0, 0))
    # ./bench.sh --imports, then ./bench.sh --cluster, on the main run's file
    path.write_text(imports.splice("# Benchmarks\n\nmain run 1\n", imports_section))
    path.write_text(imports.splice(path.read_text(), first, run.CLUSTER_START, run.CLUSTER_END))
    # the main run writes the whole file again and carries both sections over
    path.write_text(run.carry_over("# Benchmarks\n\nmain run 2\n", path))
    text = path.read_text()
    assert "main run 1" not in text and "main run 2" in text
    assert imports_section in text and first in text
    # the cluster run again: its section replaced, nothing else
    second = first.replace("| 0.80 |", "| 0.90 |")
    path.write_text(imports.splice(text, second, run.CLUSTER_START, run.CLUSTER_END))
    again = path.read_text()
    assert again.count(run.CLUSTER_START) == 1 and "| 0.90 |" in again
    assert imports_section in again and "main run 2" in again
