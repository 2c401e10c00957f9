"""The Docker image's multi-replica layout, without Docker: nginx in front of two API processes.

Run by scripts/test-replicas.sh (from ./test.sh) with the project's venv, as
``python -m tools.replicas`` from ``backend/``. It needs nginx, a built dashboard (frontend/dist)
and a MySQL/MariaDB server named by COSTWATCH_TEST_DATABASE_URL; it creates and drops a database
of its own there. It checks that:

1. two replicas started at the same moment run the migrations once (the other one waits for the
   lock and finds the database at head);
2. nginx, configured from deploy/nginx.conf.template, serves the dashboard (SPA routes included)
   and proxies /api/ to both replicas;
3. a write through one replica is read back through the other, and a token issued by one is
   accepted by the other.
"""

# ruff: noqa: S603 - the commands run are this repository's own programs and nginx

import argparse
import asyncio
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from cryptography.fernet import Fernet
from sqlalchemy.engine import make_url

from tools import mariadb
from tools.servers import ROOT, NotReady, free_ports, start_api, stop, wait_ready

DIST = ROOT / "frontend" / "dist"
ADMIN = ("ops@costwatch.test", "replica-password-" + secrets.token_hex(4))
results: list[tuple[str, bool]] = []


def check(name: str, ok: bool, detail: object = "") -> None:
    """Record and print one check."""
    results.append((name, ok))
    print(f"{'ok  ' if ok else 'FAIL'} {name}" + (f": {detail}" if not ok and detail else ""))


def main(argv: list[str] | None = None) -> int:
    """Run every check; 0 when all pass."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument(
        "--dist", type=Path, default=DIST, help=f"the built dashboard (default: {DIST})"
    )
    dist: Path = parser.parse_args(argv).dist.resolve()
    test_url = os.environ.get("COSTWATCH_TEST_DATABASE_URL", "")
    if not test_url.startswith(("mysql", "mariadb")):
        print(
            "tools.replicas needs COSTWATCH_TEST_DATABASE_URL=mysql+asyncmy://...", file=sys.stderr
        )
        return 2
    if not (dist / "index.html").exists():
        print(f"tools.replicas needs the built dashboard in {dist}", file=sys.stderr)
        return 2
    name = f"{make_url(test_url).database}_replicas"
    replica_url = asyncio.run(mariadb.recreate(test_url, name))

    work = Path(tempfile.mkdtemp(prefix="costwatch-replicas-"))
    *ports, web_port = free_ports(3)
    env = {
        "COSTWATCH_ENV": "production",
        "COSTWATCH_DATABASE_URL": replica_url,
        "COSTWATCH_DATA_DIR": str(work),
        "COSTWATCH_JWT_SECRET": secrets.token_urlsafe(48),  # shared: tokens work on every replica
        "COSTWATCH_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "COSTWATCH_ADMIN_EMAIL": ADMIN[0],
        "COSTWATCH_ADMIN_PASSWORD": ADMIN[1],
        "COSTWATCH_WORKERS": "1",
        "COSTWATCH_LOG_FORMAT": "json",
    }
    processes: list[subprocess.Popen[bytes]] = []
    logs = [work / f"replica-{port}.log" for port in ports]
    try:
        # Both replicas at the same moment: they race for the migration lock.
        apis = [start_api(port, env, log) for port, log in zip(ports, logs, strict=True)]
        processes += [api.process for api in apis]
        conf = work / "nginx.conf"
        nginx_env = {
            **os.environ,
            "COSTWATCH_HTTP_PORT": str(web_port),
            "COSTWATCH_WEB_ROOT": str(dist),
            "COSTWATCH_UPSTREAMS": " ".join(f"server 127.0.0.1:{port};" for port in ports),
            "COSTWATCH_NGINX_RUN": str(work / "nginx"),
        }
        run([str(ROOT / "deploy" / "render-nginx.sh"), str(conf)], env=nginx_env)
        nginx = os.environ.get("NGINX", "/usr/sbin/nginx")
        run([nginx, "-t", "-q", "-e", "stderr", "-c", str(conf)])
        with (work / "nginx.log").open("wb") as nginx_log:
            web_server = subprocess.Popen(
                [nginx, "-e", "stderr", "-c", str(conf), "-g", "daemon off;"],
                stdout=nginx_log,
                stderr=subprocess.STDOUT,
            )
        processes.append(web_server)
        web = f"http://127.0.0.1:{web_port}"
        replicas = [api.url for api in apis]
        try:
            for api in apis:
                api.wait_ready(timeout=60)
            wait_ready(f"{web}/api/ready", timeout=60, process=web_server)
        except NotReady as exc:
            check("both replicas and nginx answer /ready", False, exc)
            for log in [*logs, work / "nginx.log"]:
                print(f"--- {log}\n{log.read_text()[-3000:]}")
            return 1
        check("both replicas and nginx answer /ready", True)

        messages = [
            json.loads(line)["message"]
            for log in logs
            for line in log.read_text().splitlines()
            if line.startswith("{")
        ]
        migrated = sum(message.startswith("migrating the database from") for message in messages)
        waited = sum(message.startswith("database already at migration") for message in messages)
        check(
            "the migrations ran once, the other replica found them done",
            (migrated, waited) == (1, 1),
            f"migrated {migrated} times, found at head {waited} times",
        )

        index = httpx.get(f"{web}/")
        check(
            "nginx serves the dashboard",
            index.status_code == 200 and '<div id="root">' in index.text,
        )
        deep = httpx.get(f"{web}/licenses")
        check(
            "an SPA route falls back to index.html",
            deep.status_code == 200 and '<div id="root">' in deep.text,
        )
        assets = [p.name for p in (dist / "assets").iterdir() if p.suffix == ".js"]
        asset = httpx.get(f"{web}/assets/{assets[0]}", headers={"Accept-Encoding": "gzip"})
        check(
            "built assets are cached and compressed",
            asset.status_code == 200 and "immutable" in asset.headers.get("cache-control", ""),
        )

        login = httpx.post(
            f"{replicas[0]}/auth/login", data={"username": ADMIN[0], "password": ADMIN[1]}
        )
        token = login.json().get("access_token", "")
        auth = {"Authorization": f"Bearer {token}"}
        me = httpx.get(f"{replicas[1]}/auth/me", headers=auth)
        check("a token issued by one replica works on the other", me.status_code == 200, me.text)

        created = httpx.post(
            f"{replicas[0]}/providers", json={"name": "Written via replica 1"}, headers=auth
        )
        read = httpx.get(f"{replicas[1]}/providers/{created.json().get('id')}", headers=auth)
        check(
            "a write through one replica is read through the other",
            created.status_code == 201 and read.json().get("name") == "Written via replica 1",
            read.text,
        )

        via_nginx = httpx.post(
            f"{web}/api/providers", json={"name": "Written via nginx"}, headers=auth
        )
        listed = httpx.get(f"{web}/api/providers", params={"q": "written via"}, headers=auth)
        check(
            "nginx strips /api and proxies reads and writes",
            via_nginx.status_code == 201 and listed.headers.get("x-total-count") == "2",
            listed.text,
        )

        for _ in range(20):
            httpx.get(f"{web}/api/health")
        time.sleep(0.5)
        served = [
            sum('"path": "/health"' in line for line in log.read_text().splitlines())
            for log in logs
        ]
        check(
            "nginx spreads requests over both replicas", all(count > 0 for count in served), served
        )
    finally:
        stop(processes, timeout=10)
        asyncio.run(mariadb.drop(test_url, name))

    failed = sum(not ok for _, ok in results)
    print(f"replicas: {len(results) - failed} passed, {failed} failed")
    return 1 if failed else 0


def run(command: list[str], env: dict[str, str] | None = None) -> None:
    """Run a command; stop the check if it fails."""
    subprocess.run(command, env=env, check=True)


if __name__ == "__main__":
    sys.exit(main())
