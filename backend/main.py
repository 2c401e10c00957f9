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
LOOPBACK = ("127.", "::1", "localhost")
DEMO_WARNING = (
    "The admin's password is the demo password (costwatch-demo): anyone who can reach this"
    " server can sign in. Change it on the Settings page or with POST /auth/password."
)


def demo_password_problem(host: str, settings: Settings) -> str | None:
    """Why the server must not start: the demo password on an address others can reach."""
    if host.startswith(LOOPBACK) or settings.allow_demo_password_on_network:
        return None
    return (
        f"Refusing to serve the demo password (costwatch-demo) on {host}: anyone on the network"
        " could sign in. Change the admin password first (set COSTWATCH_ADMIN_PASSWORD before"
        " the first start, or POST /auth/password), listen on 127.0.0.1, or set"
        " COSTWATCH_ALLOW_DEMO_PASSWORD_ON_NETWORK=true to accept the risk."
    )


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
    demo_password = asyncio.run(prepare_database(settings, seed=args.seed))
    if demo_password:
        problem = demo_password_problem(args.host, settings)
        if problem:
            print(problem, file=sys.stderr)
            return 2
        log.warning(DEMO_WARNING)

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
