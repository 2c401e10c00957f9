"""``./bench.sh --imports``: the bulk imports of issue 12, measured in one run, into BENCHMARKS.md.

- a generated FOCUS 1.2 CSV (``--focus-rows``, 10,000,000 by default) aggregated by DuckDB
  alone, imported with the command line and through ``POST /imports/focus``: the two imports
  as ratios to DuckDB's own time, and the server's peak memory;
- 100,000 consumption rows through ``POST /imports/consumption`` (dry run and commit), on
  SQLite and on the MySQL-compatible server.

The figures replace the section between the ``imports`` markers of BENCHMARKS.md; the main
benchmark (``./bench.sh``) keeps that section when it writes the file again.
"""

import argparse
import asyncio
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from tools import mariadb
from tools.bench import csv_import, focus
from tools.bench.report import machine
from tools.servers import ROOT

START = "<!-- imports: written by ./bench.sh --imports -->"
END = "<!-- /imports -->"
CLI_LIMIT = 1.5
API_LIMIT = 2.0
MEMORY_LIMIT_MB = 1024
CSV_LIMIT_S = 10.0
DATABASE = "costwatch_bench_imports"


def section(
    figures: focus.FocusFigures, csv: dict[str, dict[str, float]], csv_rows: int = 100_000
) -> str:
    """The Markdown of the imports section (markers included)."""
    cli_ratio = figures.cli / figures.duckdb
    api_ratio = figures.api / figures.duckdb
    body_ratio = figures.api_body / figures.duckdb
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        START,
        "## Bulk imports",
        "",
        f"Measured {when} by `./bench.sh --imports` on {machine()}; one run, so compare the",
        "ratios (each against DuckDB alone on the same file, in the same run).",
        "",
        f"FOCUS 1.2 CSV of {figures.rows:,} rows ({figures.megabytes:,.0f} MB), best of the runs:",
        "",
        "| way | seconds | ratio to DuckDB alone | target | met | peak memory |",
        "| --- | ---: | ---: | --- | --- | ---: |",
        f"| DuckDB alone (the baseline) | {figures.duckdb:.2f} | 1.00 | | | |",
        f"| `python -m costwatch.imports focus FILE --commit` | {figures.cli:.2f} |"
        f" {cli_ratio:.2f} | <= {CLI_LIMIT}x | {'yes' if cli_ratio <= CLI_LIMIT else 'NO'} |"
        f" {figures.cli_peak_mb:,.0f} MB |",
        f"| `POST /imports/focus`, multipart (`curl -F`, a form) | {figures.api:.2f} |"
        f" {api_ratio:.2f} | <= {API_LIMIT}x, server < 1 GB |"
        f" {'yes' if api_ratio <= API_LIMIT and figures.api_peak_mb < MEMORY_LIMIT_MB else 'NO'}"
        f" | {figures.api_peak_mb:,.0f} MB |",
        "| `POST /imports/focus`, the file as the body (`curl -T`, as the dashboard sends it) |"
        f" {figures.api_body:.2f} |"
        f" {body_ratio:.2f} | <= {API_LIMIT}x, server < 1 GB |"
        f" {'yes' if body_ratio <= API_LIMIT and figures.api_peak_mb < MEMORY_LIMIT_MB else 'NO'}"
        f" | {figures.api_peak_mb:,.0f} MB |",
        "",
        f"{csv_rows:,} consumption rows through `POST /imports/consumption`"
        f" (target at 100,000: < {CSV_LIMIT_S:.0f} s):",
        "",
        "| database | dry run s | commit s | CPU of the client and API process s | met |",
        "| --- | ---: | ---: | ---: | --- |",
    ]
    for name, row in csv.items():
        met = row["dry_run"] < CSV_LIMIT_S and row["commit"] < CSV_LIMIT_S
        lines.append(
            f"| {name} | {row['dry_run']:.2f} | {row['commit']:.2f} |"
            f" {row['dry_run_cpu'] + row['commit_cpu']:.2f} | {'yes' if met else 'NO'} |"
        )
    lines += ["", END]
    return "\n".join(lines)


def splice(document: str, new_section: str, start: str = START, end: str = END) -> str:
    """``document`` with a section replaced by ``new_section`` (or it appended).

    The section is what lies between ``start`` and ``end``: the imports' by default.
    """
    if start in document and end in document:
        before = document[: document.index(start)]
        after = document[document.index(end) + len(end) :]
        return before + new_section + after
    return document.rstrip("\n") + "\n\n" + new_section + "\n"


def kept_section(path: Path, start: str = START, end: str = END) -> str:
    """A section of an existing BENCHMARKS.md, to carry over ('' when none).

    The section is what lies between ``start`` and ``end``: the imports' by default.
    """
    if not path.exists():
        return ""
    text = path.read_text()
    if start not in text or end not in text:
        return ""
    return text[text.index(start) : text.index(end) + len(end)]


def main(argv: list[str] | None = None) -> int:
    """Run both measurements and write the section."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--focus-rows", type=int, default=10_000_000)
    parser.add_argument("--csv-rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=1, help="runs of each FOCUS way")
    parser.add_argument("--server-url", default="", help="the MySQL-compatible server's URL")
    parser.add_argument("--output", type=Path, default=ROOT / "BENCHMARKS.md")
    args = parser.parse_args(argv)
    figures = focus.measure(args.focus_rows, args.repeat)
    csv: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as folder:
        sqlite = f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}"
        csv["SQLite"] = asyncio.run(csv_import.run(sqlite, args.csv_rows))
    if args.server_url:
        url = asyncio.run(mariadb.recreate(args.server_url, DATABASE))
        try:
            csv[asyncio.run(mariadb.server_version(args.server_url))] = asyncio.run(
                csv_import.run(url, args.csv_rows)
            )
        finally:
            asyncio.run(mariadb.drop(args.server_url, DATABASE))
    document = args.output.read_text() if args.output.exists() else "# Benchmarks\n"
    args.output.write_text(splice(document, section(figures, csv, args.csv_rows)))
    print(f"wrote the imports section of {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
