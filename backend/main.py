"""Start CostWatch: migrate the database, create the admin, optionally seed demo data, serve.

Usage (from the repository root): ``python backend/main.py [--seed] [--host H] [--port P]``.
"""

import argparse
import asyncio
import json
import logging.config
import sys
from pathlib import Path

# Running as a script from the repository root: make the package importable without install.
sys.path.insert(0, str(Path(__file__).resolve().parent))

from costwatch.config import ConfigError, Settings, load_settings
from costwatch.logs import logging_config
from costwatch.startup import prepare_database

log = logging.getLogger("costwatch")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Read the command line."""
    parser = argparse.ArgumentParser(description="Run the CostWatch API server.")
    parser.add_argument("--seed", action="store_true", help="load the demo data (idempotent)")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=8000, help="port to listen on")
    parser.add_argument("--reload", action="store_true", help="restart on code changes (dev)")
    parser.add_argument(
        "--workers",
        type=int,
        help="server processes (default: COSTWATCH_WORKERS, else 1 per core in production)",
    )
    parser.add_argument(
        "--print-openapi", action="store_true", help="print the OpenAPI schema as JSON and exit"
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Entry point."""
    args = parse_args(argv)
    try:
        settings: Settings = load_settings()
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return 2
    log_config = logging_config(settings.effective_log_format, settings.log_level)
    logging.config.dictConfig(log_config)
    if args.print_openapi:
        from costwatch.app import create_app

        print(json.dumps(create_app(settings).openapi(), indent=2, sort_keys=True))
        return 0
    # Migrations run here, once, before any worker starts (and under a lock, for replicas).
    asyncio.run(prepare_database(settings, seed=args.seed))

    import uvicorn

    uvicorn.run(
        "costwatch.asgi:app",
        host=args.host,
        port=args.port,
        reload=args.reload,
        workers=None if args.reload else (args.workers or settings.effective_workers),
        proxy_headers=True,
        forwarded_allow_ips=settings.forwarded_allow_ips,
        log_config=log_config,
        access_log=False,  # RequestContextMiddleware logs each request, with its id
        server_header=False,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
