"""``python -m costwatch.imports focus FILE [--commit]``: the FOCUS import without an upload.

For files too large to send through the browser: DuckDB reads the file where it lies, the
same rules as ``POST /imports/focus`` decide what each group does (``service.import_focus``),
and the commit is one transaction in the database of the app's settings
(``COSTWATCH_DATABASE_URL``), recorded in the audit log as ``cli``. Exit status: 0 when done,
1 when the file is refused or a commit meets a conflict (nothing stored), 2 for bad arguments.
"""

import argparse
import asyncio
import sys
import time
from pathlib import Path
from typing import TextIO

from sqlalchemy.exc import DBAPIError

from costwatch.config import load_settings
from costwatch.db.engine import make_engine
from costwatch.db.session import make_sessionmaker, write_transaction
from costwatch.errors import DomainError
from costwatch.imports.focus import aggregate
from costwatch.imports.schemas import FocusReport
from costwatch.imports.service import import_focus
from costwatch.money import format_money

ACTOR = "cli"
MARKS = {
    "create": "new",
    "replace": "replaced",
    "unchanged": "unchanged",
    "skip": "skipped",
    "conflict": "CONFLICT",
}


def parser() -> argparse.ArgumentParser:
    """The command line."""
    main = argparse.ArgumentParser(prog="python -m costwatch.imports")
    commands = main.add_subparsers(dest="command", required=True)
    focus = commands.add_parser(
        "focus", help="Preview (or store, with --commit) a FOCUS billing export as invoices."
    )
    focus.add_argument("file", type=Path, help="FOCUS 1.0-1.3 export: .csv, .csv.gz or .parquet")
    focus.add_argument(
        "--commit", action="store_true", help="store the invoices (default: preview)"
    )
    focus.add_argument("--cost", choices=("billed", "effective"), default="billed")
    focus.add_argument(
        "--group-by", choices=("service", "sub_account", "provider"), default="service"
    )
    return main


def print_report(report: FocusReport, out: TextIO) -> None:
    """The preview table, the totals per month and the outcome."""
    print(
        f"FOCUS {report.focus_version} ({report.file_format}), {report.rows:,} rows,"
        f" {report.skipped:,} skipped; cost={report.cost}, group-by={report.group_by}",
        file=out,
    )
    for reason in report.skipped_reasons:
        print(f"  skipped {reason.rows:,} rows: {reason.reason}", file=out)
    head = ("month", "provider", "service", "currency", "amount", "action")
    rows = [
        (
            f"{g.month:%Y-%m}",
            g.provider,
            g.service,
            g.currency,
            format_money(g.amount),
            MARKS[g.action]
            + (
                f" (was {format_money(g.previous_amount)})"
                if g.action == "replace" and g.previous_amount is not None
                else ""
            ),
        )
        for g in report.groups
    ]
    widths = [max([len(head[i]), *(len(row[i]) for row in rows)]) for i in range(len(head))]
    for row in [head, *rows]:
        cells = [
            cell.rjust(widths[i]) if i == 4 else cell.ljust(widths[i]) for i, cell in enumerate(row)
        ]
        print("  ".join(cells).rstrip(), file=out)
    for group in report.groups:
        if group.error:
            print(
                f"{MARKS[group.action]}: {group.provider} / {group.service}"
                f" {group.month:%Y-%m}: {group.error}",
                file=out,
            )
    for total in report.totals:
        print(
            f"total {total.month:%Y-%m} {total.currency}: {format_money(total.file_amount)}"
            f" in the file; {format_money(total.amount)} in {total.groups} invoices",
            file=out,
        )
    counts = ", ".join(f"{count} {MARKS[action]}" for action, count in report.counts.items())
    print(f"groups: {counts or 'none'}", file=out)
    if report.committed:
        print("committed: the invoices are stored.", file=out)
    elif report.conflicts:
        print(f"NOT imported: {report.conflicts} group(s) in conflict.", file=out)
    else:
        print("preview only: run again with --commit to store.", file=out)


async def run_focus(args: argparse.Namespace, out: TextIO) -> int:
    """Sum the file, then preview or commit it in the app's database."""
    settings = load_settings()
    started = time.perf_counter()
    summed = await asyncio.to_thread(aggregate, args.file, cost=args.cost, group_by=args.group_by)
    summed_at = time.perf_counter()
    engine = make_engine(settings.effective_database_url, bounded=False)
    try:
        async with write_transaction(make_sessionmaker(engine), None, actor=ACTOR) as session:
            report = await import_focus(
                session, summed, cost=args.cost, group_by=args.group_by, dry_run=not args.commit
            )
            if not report.committed:
                await session.rollback()
    finally:
        await engine.dispose()
    print_report(report, out)
    done = time.perf_counter()
    print(f"read in {summed_at - started:.2f} s, matched in {done - summed_at:.2f} s", file=out)
    return 1 if args.commit and not report.committed else 0


def main(argv: list[str] | None = None, out: TextIO = sys.stdout) -> int:
    """Run the command; returns the exit status."""
    args = parser().parse_args(argv)
    if not args.file.is_file():
        print(f"error: {args.file} is not a file", file=sys.stderr)
        return 2
    try:
        return asyncio.run(run_focus(args, out))
    except DomainError as error:
        print(f"error: {error.detail}", file=sys.stderr)
        return 1
    except DBAPIError as error:
        # An unreachable database, or one the server has not migrated yet.
        reason = str(error.orig).splitlines()[0] if error.orig else type(error).__name__
        print(
            f"error: the database cannot be used ({reason}); check COSTWATCH_DATABASE_URL and"
            " start the server once so that it migrates the database.",
            file=sys.stderr,
        )
        return 1
