"""``python -m costwatch.connections rotate-keys | sync ID``: maintenance from the command line.

``rotate-keys`` re-encrypts every provider credential with the first key of
``COSTWATCH_ENCRYPTION_KEYS`` (put the new key first, run this, then drop the old one).
``sync ID`` runs one connection's sync, as ``POST /connections/{id}/sync`` does.
The settings come from the same ``COSTWATCH_*`` variables as the server's.
"""

import argparse
import asyncio
import sys

from costwatch.config import ConfigError, load_settings
from costwatch.connections.keys import rotate_keys
from costwatch.connections.sync import SyncFailed, Writer, sync_connection
from costwatch.db.engine import make_engine
from costwatch.db.session import make_sessionmaker
from costwatch.errors import DomainError
from costwatch.vault import KeyError_, UnreadableCredentials, Vault


async def _run(args: argparse.Namespace) -> str:
    settings = load_settings()
    vault = Vault(settings.effective_encryption_keys)
    engine = make_engine(settings.effective_database_url, bounded=False)
    try:
        if args.command == "rotate-keys":
            count = await rotate_keys(engine, vault)
            return (
                f"re-encrypted {count} stored secret(s) (connection credentials, webhook keys)"
                " with the first key"
            )
        writer = Writer(make_sessionmaker(engine), None)
        run, counts = await sync_connection(writer, vault, args.id, trigger="manual")
        return (
            f"run {run.id}: {counts.days} days, {counts.created} created,"
            f" {counts.updated} updated, {counts.unchanged} unchanged"
        )
    finally:
        await engine.dispose()


def main(argv: list[str] | None = None) -> int:
    """Run the command; 0 on success, 1 when it failed, 2 on bad settings."""
    parser = argparse.ArgumentParser(prog="python -m costwatch.connections")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("rotate-keys", help="re-encrypt every credential with the first key")
    sync = commands.add_parser("sync", help="sync one connection now")
    sync.add_argument("id", type=int, help="the connection's id")
    args = parser.parse_args(argv)
    try:
        print(asyncio.run(_run(args)))
    except (ConfigError, KeyError_) as exc:
        print(exc, file=sys.stderr)
        return 2
    except (UnreadableCredentials, SyncFailed, DomainError) as exc:
        print(f"error: {exc.detail if isinstance(exc, DomainError) else exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
