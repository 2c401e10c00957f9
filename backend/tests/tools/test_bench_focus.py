"""The FOCUS benchmark's file: a FOCUS 1.2 export the import reads, with the baseline's totals."""

from decimal import Decimal
from pathlib import Path

from costwatch.imports.focus import aggregate
from tools.bench.focus import duckdb_alone, generate


def test_the_generated_file_is_read_as_the_baseline_reads_it(tmp_path: Path) -> None:
    path = tmp_path / "focus.csv"
    generate(path, 3000)
    _, total = duckdb_alone(path)
    result = aggregate(path)
    assert result.focus_version == "1.2"
    assert result.rows == 3000
    assert not result.skipped
    assert {g.currency for g in result.groups} == {"USD", "EUR"}
    assert len({g.month for g in result.groups}) == 3
    # Each group is rounded once: the groups' sum is within half a cent per group of the total.
    assert abs(sum(g.amount for g in result.groups) - total) <= Decimal("0.005") * len(
        result.groups
    )
