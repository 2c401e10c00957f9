"""Time the FOCUS import three ways on one generated FOCUS 1.2 CSV: DuckDB alone, the CLI, the API.

    cd backend && ../.venv/bin/python -m tools.bench.focus [--rows 1000000] [--keep DIR]

1. DuckDB alone: the bare aggregation (every cell text, ``TRY_CAST`` to DECIMAL, ``GROUP BY``
   provider, service, billing period and currency, two threads), in this process: the floor.
2. The CLI: ``python -m costwatch.imports focus FILE --commit`` as its own process, into a
   fresh migrated SQLite database, from start to exit (Python start-up included).
3. The API: ``backend/main.py`` started as production starts it (one worker, its own fresh
   SQLite database); ``curl`` streams the file to ``POST /imports/focus?dry_run=false``, timed
   from the first byte sent to the answer: once as a form (multipart, ``-F``), once as the
   body itself (``-T``, what the dashboard and a script can send). The server's peak resident
   memory is its ``VmHWM`` (the kernel's high-water mark) read just before it is stopped.

The file has every column FOCUS 1.2 makes mandatory (and the usual optional ones), written by
DuckDB from ``range(N)``: three providers, 60 services, 3 billing months, costs with 11
decimals, literal ``NULL`` tokens, JSON tags with commas, ``T``/``Z`` and plain timestamps,
Usage, Tax, Credit, Purchase and Adjustment rows, USD and EUR. Prints the times, the ratios to
DuckDB alone and the peak memory; checks that all three found the same totals.
"""

# ruff: noqa: S603 - the commands run are this repository's own, and curl

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import duckdb
import httpx

from tools.servers import ROOT, free_port, start_api, stop

BACKEND = ROOT / "backend"
CURL = shutil.which("curl") or "/usr/bin/curl"
ADMIN_EMAIL = "bench@example.com"
ADMIN_PASSWORD = "bench-password-for-focus-1"  # noqa: S105 - a throwaway local server

# FOCUS 1.2's columns (mandatory, and the conditional/recommended ones exports fill).
GENERATOR = r"""
COPY (
  WITH base AS (
    SELECT i,
           hash(i) AS h,
           (hash(i * 7 + 1) % 1000) AS p,
           (i % 3) AS m,
           (hash(i * 13 + 5) % 60) AS s
    FROM range({rows}) t(i)
  ), shaped AS (
    SELECT *,
      CASE WHEN s < 30 THEN 'AWS' WHEN s < 48 THEN 'Microsoft' ELSE 'Google Cloud' END AS provider,
      CASE WHEN s >= 30 AND s < 48 THEN 'EUR' ELSE 'USD' END AS currency,
      CASE WHEN p < 850 THEN 'Usage' WHEN p < 900 THEN 'Tax' WHEN p < 940 THEN 'Credit'
           WHEN p < 980 THEN 'Purchase' ELSE 'Adjustment' END AS category,
      ((h % 100000000000) / 1e11 * CASE WHEN p < 850 THEN 3 ELSE 1 END) AS amount
    FROM base
  )
  SELECT
    CASE WHEN p % 97 = 0 THEN 'NULL' ELSE 'us-east-' || (s % 3 + 1)::VARCHAR || 'a' END
      AS AvailabilityZone,
    printf('%.11f', CASE WHEN category = 'Credit' THEN -amount ELSE amount END) AS BilledCost,
    '1234567890' || (s % 4)::VARCHAR AS BillingAccountId,
    'Acme ' || provider || ' billing' AS BillingAccountName,
    'Billing Account' AS BillingAccountType,
    currency AS BillingCurrency,
    CASE WHEN provider = 'Microsoft'
         THEN printf('2025-%02d-01T00:00:00Z', m + 2)
         ELSE printf('2025-%02d-01 00:00:00', m + 2) END AS BillingPeriodEnd,
    CASE WHEN provider = 'Microsoft'
         THEN printf('2025-%02d-01T00:00:00Z', m + 1)
         ELSE printf('2025-%02d-01 00:00:00', m + 1) END AS BillingPeriodStart,
    category AS ChargeCategory,
    CASE WHEN p % 50 = 0 THEN 'Correction' ELSE 'NULL' END AS ChargeClass,
    '$' || printf('%.4f', amount) || ' per unit-hour, in ' || provider || ', "standard"'
      AS ChargeDescription,
    CASE WHEN category = 'Purchase' THEN 'One-Time' ELSE 'Usage-Based' END AS ChargeFrequency,
    printf('2025-%02d-%02d 01:00:00', m + 1, i % 28 + 1) AS ChargePeriodEnd,
    printf('2025-%02d-%02d 00:00:00', m + 1, i % 28 + 1) AS ChargePeriodStart,
    'NULL' AS CommitmentDiscountCategory,
    'NULL' AS CommitmentDiscountId,
    'NULL' AS CommitmentDiscountName,
    'NULL' AS CommitmentDiscountStatus,
    'NULL' AS CommitmentDiscountType,
    printf('%.6f', (h % 1000) / 7.0) AS ConsumedQuantity,
    'Hours' AS ConsumedUnit,
    printf('%.11f', amount) AS ContractedCost,
    printf('%.10f', amount / 3) AS ContractedUnitPrice,
    printf('%.11f', amount * 0.97) AS EffectiveCost,
    'INV-2025-' || (m + 1)::VARCHAR || '-' || (s % 4)::VARCHAR AS InvoiceId,
    provider || ' Inc.' AS InvoiceIssuerName,
    printf('%.11f', amount * 1.1) AS ListCost,
    printf('%.10f', amount / 2.9) AS ListUnitPrice,
    'Standard' AS PricingCategory,
    printf('%.6f', (h % 1000) / 7.0) AS PricingQuantity,
    'Hours' AS PricingUnit,
    provider AS ProviderName,
    provider || ' Inc.' AS PublisherName,
    'us-east-' || (s % 3 + 1)::VARCHAR AS RegionId,
    'US East ' || (s % 3 + 1)::VARCHAR AS RegionName,
    'arn:res:' || (h % 50000)::VARCHAR AS ResourceId,
    'resource-' || (h % 50000)::VARCHAR AS ResourceName,
    'Virtual Machine' AS ResourceType,
    CASE WHEN s % 5 = 0 THEN 'Storage' WHEN s % 5 = 1 THEN 'Networking' ELSE 'Compute' END
      AS ServiceCategory,
    'Compute, General' AS ServiceSubcategory,
    provider || ' service ' || s::VARCHAR AS ServiceName,
    'SKU' || (h % 900)::VARCHAR AS SkuId,
    'SKU' || (h % 900)::VARCHAR || '.P' || (h % 7)::VARCHAR AS SkuPriceId,
    (100000 + s % 8)::VARCHAR AS SubAccountId,
    'Project ' || (s % 8)::VARCHAR AS SubAccountName,
    'Account' AS SubAccountType,
    CASE WHEN p % 3 = 0 THEN 'NULL'
         ELSE '{{"env": "prod", "team": "team-' || (s % 9)::VARCHAR || '", "cost-center": "cc, 4"}}'
    END AS Tags
  FROM shaped
) TO '{path}' (FORMAT csv, HEADER true)
"""

BASELINE = r"""
SELECT ProviderName, ServiceName, BillingPeriodStart, BillingCurrency,
       sum(TRY_CAST(NULLIF(BilledCost, 'NULL') AS DECIMAL(38,10)))
FROM read_csv('{path}', all_varchar=true)
GROUP BY ALL
"""


def generate(path: Path, rows: int) -> None:
    """Write the FOCUS 1.2 CSV of ``rows`` rows."""
    with duckdb.connect(config={"threads": 2}) as db:
        db.execute("SET enable_progress_bar = false")
        db.execute(GENERATOR.format(rows=rows, path=path))


def duckdb_alone(path: Path) -> tuple[float, Decimal]:
    """The bare aggregation's time and grand total."""
    started = time.perf_counter()
    with duckdb.connect(config={"threads": 2}) as db:
        db.execute("SET enable_progress_bar = false")
        rows = db.execute(BASELINE.format(path=path)).fetchall()
    elapsed = time.perf_counter() - started
    return elapsed, sum((Decimal(row[4]) for row in rows), Decimal(0))


def migrated_sqlite(folder: Path, name: str) -> str:
    """A fresh SQLite database at the newest migration; its URL."""
    url = f"sqlite+aiosqlite:///{folder / name}"
    code = (
        "import asyncio\n"
        "from costwatch.db.engine import make_engine\n"
        "from costwatch.migrate import upgrade_to_head\n"
        "async def go():\n"
        f"    e = make_engine({url!r})\n"
        "    await upgrade_to_head(e)\n"
        "    await e.dispose()\n"
        "asyncio.run(go())\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=BACKEND, check=True)
    return url


def cli(path: Path, folder: Path) -> tuple[float, str, int]:
    """The CLI's wall time, its output and its peak resident memory (kB)."""
    env = {
        **os.environ,
        "COSTWATCH_DATABASE_URL": migrated_sqlite(folder, f"cli-{time.time_ns()}.db"),
        "COSTWATCH_DATA_DIR": str(folder),
    }
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "costwatch.imports", "focus", str(path), "--commit"],
        cwd=BACKEND,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"the CLI failed: {done.stderr or done.stdout}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return elapsed, done.stdout, peak


def _peak_kb(pid: int) -> int:
    """The high-water mark of resident memory of a process and its children (kB)."""
    peak = 0
    pids = [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        pids += [int(child) for child in children.read_text().split()]
    for each in pids:
        status = Path(f"/proc/{each}/status")
        if status.exists():
            for line in status.read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak = max(peak, int(line.split()[1]))
    return peak


UPLOADS = {
    # What a browser sends: the file as the multipart field ``file``.
    "multipart": lambda path: ["-F", f"file=@{path};type=text/csv"],
    # What a script can send: the file as the body itself (streamed by curl, nothing to parse).
    "body": lambda path: ["-T", str(path), "-H", "Content-Type: text/csv"],
}


def api(path: Path, folder: Path, how: str = "multipart") -> tuple[float, dict[str, object], int]:
    """The upload's time, the answer and the server's peak resident memory (kB).

    ``how``: ``multipart`` (``curl -F``, a form) or ``body`` (``curl -T``, as the dashboard
    sends a file).
    """
    env = {
        # A 10-million-row file is larger than the default 5 GB limit.
        "COSTWATCH_MAX_UPLOAD_BYTES": str(max(path.stat().st_size * 2, 5 * 1024**3)),
        "COSTWATCH_DATABASE_URL": migrated_sqlite(folder, f"api-{time.time_ns()}.db"),
        "COSTWATCH_DATA_DIR": str(folder),
        "COSTWATCH_ADMIN_EMAIL": ADMIN_EMAIL,
        "COSTWATCH_ADMIN_PASSWORD": ADMIN_PASSWORD,
        "COSTWATCH_WORKERS": "1",
        "COSTWATCH_SCHEDULER": "false",
        "TMPDIR": str(folder),
    }
    server = start_api(free_port(), env, folder / "server.log")
    try:
        server.wait_ready()
        with httpx.Client(base_url=server.url, timeout=3600) as client:
            login = client.post(
                "/auth/login", data={"username": ADMIN_EMAIL, "password": ADMIN_PASSWORD}
            )
            login.raise_for_status()
            token = login.json()["access_token"]
        # curl streams the file from native code: httpx's multipart encoder, in Python, would
        # be the slowest part of the measurement.
        started = time.perf_counter()
        done = subprocess.run(
            [
                CURL,
                "-sS",
                "-X",
                "POST",
                "-H",
                f"Authorization: Bearer {token}",
                *UPLOADS[how](path),
                "-w",
                "\n%{http_code}",
                f"{server.url}/imports/focus?dry_run=false",
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        elapsed = time.perf_counter() - started
        text, _, status = done.stdout.rpartition("\n")
        if status != "200":
            raise RuntimeError(f"the API answered {status}: {text[:500]}")
        peak = _peak_kb(server.process.pid)
    finally:
        stop([server.process])
    for line in server.log.read_text().splitlines():
        if "FOCUS import of" in line:  # the server's own split of its time
            print(f"  server ({how}): {line.split('FOCUS import of', 1)[1].strip()}")
    body: dict[str, object] = json.loads(text)
    return elapsed, body, peak


@dataclass(frozen=True)
class FocusFigures:
    """The best time of each way of importing one generated file, and the peaks of memory."""

    rows: int
    megabytes: float
    duckdb: float
    cli: float
    api: float  # the multipart upload
    cli_peak_mb: float
    api_peak_mb: float
    api_body: float = 0.0  # the file as the body


def measure(rows: int, repeat: int = 2, keep: Path | None = None) -> FocusFigures:
    """Generate a FOCUS 1.2 CSV of ``rows`` rows and time DuckDB alone, the CLI and the API."""
    with tempfile.TemporaryDirectory(prefix="costwatch-focus-bench-") as scratch:
        folder = Path(scratch)
        path = (keep or folder) / f"focus-1.2-{rows}.csv"
        started = time.perf_counter()
        if not path.exists():
            generate(path, rows)
            # The gigabytes just written go to disk first: not while the first ways are timed.
            os.sync()
        size = path.stat().st_size
        print(
            f"FOCUS 1.2 CSV: {rows:,} rows, {size / 1e6:,.0f} MB"
            f" (generated in {time.perf_counter() - started:.1f} s)"
        )
        # A shared machine is noisy: each way is timed ``repeat`` times (fresh databases),
        # interleaved, and the best time of each is compared.
        alones, clis, apis, bodies = [], [], [], []
        cli_peak = api_peak = 0
        for _ in range(repeat):
            os.sync()
            alone, total = duckdb_alone(path)
            alones.append(alone)
            cli_time, output, peak = cli(path, folder)
            clis.append(cli_time)
            cli_peak = max(cli_peak, peak)
            api_time, body, peak = api(path, folder)
            apis.append(api_time)
            api_peak = max(api_peak, peak)
            os.sync()  # the parts the server wrote, deleted or not, are not the next run's work
            body_time, as_body, peak = api(path, folder, "body")
            bodies.append(body_time)
            api_peak = max(api_peak, peak)
            if as_body["groups"] != body["groups"]:
                raise RuntimeError("the two uploads found different groups")
            print(
                f"  run: DuckDB {alone:.2f} s, CLI {cli_time:.2f} s, API {api_time:.2f} s"
                f" (multipart), {body_time:.2f} s (body)"
            )
        figures = FocusFigures(
            rows,
            size / 1e6,
            min(alones),
            min(clis),
            min(apis),
            cli_peak / 1024,
            api_peak / 1024,
            min(bodies),
        )
        print(f"DuckDB alone:        {figures.duckdb:7.2f} s  (grand total {total:.2f})")
        print(
            f"CLI --commit:        {figures.cli:7.2f} s  {figures.cli / figures.duckdb:5.2f}x"
            f"  peak RSS {figures.cli_peak_mb:,.0f} MB"
        )
        print(
            f"POST /imports/focus: {figures.api:7.2f} s  {figures.api / figures.duckdb:5.2f}x"
            f" (multipart), {figures.api_body:.2f} s {figures.api_body / figures.duckdb:5.2f}x"
            f" (body); server peak RSS {figures.api_peak_mb:,.0f} MB"
        )
        groups = body["groups"]
        assert isinstance(groups, list)
        print(
            f"groups: {len(groups)}, committed: {body['committed']}; CLI: {output.splitlines()[-1]}"
        )
        return figures


def main() -> None:
    """Generate, time the three ways, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--keep", type=Path, help="generate into this folder and keep the file")
    parser.add_argument("--repeat", type=int, default=2, help="runs of each way; the best counts")
    args = parser.parse_args()
    measure(args.rows, args.repeat, args.keep)


if __name__ == "__main__":
    main()
