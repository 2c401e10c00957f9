"""``python -m costwatch.backup export FILE [--secrets] | restore FILE``: backups from a shell.

The same file as ``GET /backup`` and ``POST /restore``, for a cron job or a database too large
to download through a browser. The settings come from the same ``COSTWATCH_*`` variables as
the server's (the database URL, the encryption keys for ``--secrets``).
"""

import argparse
import asyncio
import os
import sys
import zipfile
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine

from costwatch.backup.schemas import Manifest, RestoreReport
from costwatch.backup.service import (
    MANIFEST,
    begin_snapshot,
    export_backup,
    restore_backup,
    schema_revision,
)
from costwatch.config import ConfigError, load_settings
from costwatch.db.engine import make_engine
from costwatch.db.session import make_sessionmaker, write_transaction
from costwatch.errors import DomainError
from costwatch.vault import KeyError_, Vault

ACTOR = "cli"


async def export_file(engine: AsyncEngine, path: Path, *, secrets: bool = False) -> Manifest:
    """Write a backup of the database to ``path`` (whole or not at all); its manifest."""
    partial = path.with_name(path.name + ".part")
    async with make_sessionmaker(engine)() as session:
        revision = await schema_revision(session)
        await session.rollback()  # the snapshot starts with the export's first read
        await begin_snapshot(session)
        with partial.open("wb") as out:
            async for chunk in export_backup(session, revision=revision, secrets=secrets):
                out.write(chunk)
    os.replace(partial, path)
    with zipfile.ZipFile(path) as archive:
        return Manifest.model_validate_json(archive.read(MANIFEST))


async def restore_file(engine: AsyncEngine, path: Path, vault: Vault) -> RestoreReport:
    """Restore the backup at ``path`` into the (empty) database, in one transaction."""
    factory = make_sessionmaker(engine)
    with path.open("rb") as file:
        async with write_transaction(factory, None, actor=ACTOR) as session:
            return await restore_backup(session, file, vault)


async def _run(args: argparse.Namespace) -> str:
    settings = load_settings()
    engine = make_engine(settings.effective_database_url, bounded=False)
    try:
        if args.command == "export":
            manifest = await export_file(engine, args.file, secrets=args.secrets)
            rows = sum(entry.rows for entry in manifest.files)
            return f"wrote {args.file}: {len(manifest.files)} tables, {rows} rows"
        report = await restore_file(engine, args.file, Vault(settings.effective_encryption_keys))
        return f"restored {args.file}: " + ", ".join(
            f"{table} {rows}" for table, rows in report.tables.items()
        )
    finally:
        await engine.dispose()


def main(argv: list[str] | None = None) -> int:
    """Run the command; 0 on success, 1 when it failed, 2 on bad settings."""
    parser = argparse.ArgumentParser(prog="python -m costwatch.backup")
    commands = parser.add_subparsers(dest="command", required=True)
    export = commands.add_parser("export", help="write the whole ledger to a zip file")
    export.add_argument("file", type=Path)
    export.add_argument(
        "--secrets",
        action="store_true",
        help="include connections and notification channels (secrets stay encrypted)",
    )
    restore = commands.add_parser("restore", help="restore a zip file into an empty ledger")
    restore.add_argument("file", type=Path)
    args = parser.parse_args(argv)
    try:
        print(asyncio.run(_run(args)))
    except (ConfigError, KeyError_) as exc:
        print(exc, file=sys.stderr)
        return 2
    except DomainError as exc:
        print(f"error: {exc.detail}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
