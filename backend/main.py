"""Start CostWatch: migrate the database, create the admin, optionally seed demo data, serve.

Usage (from the repository root): ``python backend/main.py [--seed] [--host H] [--port P]``.
"""

import argparse
import asyncio
import json
import logging
import sys
from pathlib import Path

# Running as a script from the repository root: make the package importable without install.
sys.path.insert(0, str(Path(__file__).resolve().parent))

from costwatch.config import ConfigError, Settings, load_settings
from costwatch.setup import prepare_database

log = logging.getLogger("costwatch")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Read the command line."""
    parser = argparse.ArgumentParser(description="Run the CostWatch API server.")
    parser.add_argument("--seed", action="store_true", help="load the demo data (idempotent)")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=8000, help="port to listen on")
    parser.add_argument("--reload", action="store_true", help="restart on code changes (dev)")
    parser.add_argument(
        "--print-openapi", action="store_true", help="print the OpenAPI schema as JSON and exit"
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Entry point."""
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    try:
        settings: Settings = load_settings()
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return 2
    if args.print_openapi:
        from costwatch.app import create_app

        print(json.dumps(create_app(settings).openapi(), indent=2, sort_keys=True))
        return 0
    asyncio.run(prepare_database(settings, seed=args.seed))

    import uvicorn

    uvicorn.run(
        "costwatch.asgi:app",
        host=args.host,
        port=args.port,
        reload=args.reload,
        log_level="info",
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
