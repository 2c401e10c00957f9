"""The Docker image's multi-replica layout, without Docker: nginx in front of two API processes.

Run by scripts/test-replicas.sh (from ./test.sh) with the project's venv. It needs nginx, a built
dashboard (frontend/dist) and a MySQL/MariaDB server named by COSTWATCH_TEST_DATABASE_URL; it
creates and drops a database of its own there. It checks that:

1. two replicas started at the same moment run the migrations once (the other one waits for the
   lock and finds the database at head);
2. nginx, configured from deploy/nginx.conf.template, serves the dashboard (SPA routes included)
   and proxies /api/ to both replicas;
3. a write through one replica is read back through the other, and a token issued by one is
   accepted by the other.
"""

# ruff: noqa: S603 - the commands run are this repository's own programs and nginx

import json
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
DIST = ROOT / "frontend" / "dist"
ADMIN = ("ops@costwatch.test", "replica-password-" + secrets.token_hex(4))
results: list[tuple[str, bool]] = []


def check(name: str, ok: bool, detail: object = "") -> None:
    """Record and print one check."""
    results.append((name, ok))
    print(f"{'ok  ' if ok else 'FAIL'} {name}" + (f": {detail}" if not ok and detail else ""))


def free_port() -> int:
    """A port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(url: str, seconds: float = 60) -> bool:
    """Poll a URL until it answers 200."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return True
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    return False


def main() -> int:
    """Run every check; 0 when all pass."""
    test_url = os.environ.get("COSTWATCH_TEST_DATABASE_URL", "")
    if not test_url.startswith(("mysql", "mariadb")):
        print(
            "check_replicas needs COSTWATCH_TEST_DATABASE_URL=mysql+asyncmy://...", file=sys.stderr
        )
        return 2
    if not (DIST / "index.html").exists():
        print("check_replicas needs the built dashboard in frontend/dist", file=sys.stderr)
        return 2
    url = make_url(test_url)
    name = f"{url.database}_replicas"
    replica_url = url.set(database=name).render_as_string(hide_password=False)
    run([sys.executable, "-c", _SQL, test_url, f"DROP DATABASE IF EXISTS `{name}`"])
    run([sys.executable, "-c", _SQL, test_url, f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4"])

    work = Path(tempfile.mkdtemp(prefix="costwatch-replicas-"))
    ports = [free_port(), free_port()]
    web_port = free_port()
    env = {
        **os.environ,
        "COSTWATCH_ENV": "production",
        "COSTWATCH_DATABASE_URL": replica_url,
        "COSTWATCH_DATA_DIR": str(work),
        "COSTWATCH_JWT_SECRET": secrets.token_urlsafe(48),  # shared: tokens work on every replica
        "COSTWATCH_ADMIN_EMAIL": ADMIN[0],
        "COSTWATCH_ADMIN_PASSWORD": ADMIN[1],
        "COSTWATCH_WORKERS": "1",
        "COSTWATCH_LOG_FORMAT": "json",
    }
    processes: list[subprocess.Popen[bytes]] = []
    logs = [work / f"replica-{port}.log" for port in ports]
    try:
        # Both replicas at the same moment: they race for the migration lock.
        for port, log in zip(ports, logs, strict=True):
            processes.append(
                subprocess.Popen(
                    [sys.executable, str(ROOT / "backend" / "main.py"), "--port", str(port)],
                    env=env,
                    stdout=log.open("wb"),
                    stderr=subprocess.STDOUT,
                )
            )
        conf = work / "nginx.conf"
        nginx_env = {
            **os.environ,
            "COSTWATCH_HTTP_PORT": str(web_port),
            "COSTWATCH_WEB_ROOT": str(DIST),
            "COSTWATCH_UPSTREAMS": " ".join(f"server 127.0.0.1:{port};" for port in ports),
            "COSTWATCH_NGINX_RUN": str(work / "nginx"),
        }
        run([str(ROOT / "deploy" / "render-nginx.sh"), str(conf)], env=nginx_env)
        nginx = os.environ.get("NGINX", "/usr/sbin/nginx")
        run([nginx, "-t", "-q", "-e", "stderr", "-c", str(conf)])
        processes.append(
            subprocess.Popen(
                [nginx, "-e", "stderr", "-c", str(conf), "-g", "daemon off;"],
                stdout=(work / "nginx.log").open("wb"),
                stderr=subprocess.STDOUT,
            )
        )
        web = f"http://127.0.0.1:{web_port}"
        replicas = [f"http://127.0.0.1:{port}" for port in ports]
        up = all(wait_for(f"{base}/ready") for base in replicas) and wait_for(f"{web}/api/ready")
        check("both replicas and nginx answer /ready", up)
        if not up:
            for log in logs:
                print(log.read_text()[-3000:])
            return 1

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
        assets = [p.name for p in (DIST / "assets").iterdir() if p.suffix == ".js"]
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
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        run([sys.executable, "-c", _SQL, test_url, f"DROP DATABASE IF EXISTS `{name}`"])

    failed = sum(not ok for _, ok in results)
    print(f"replicas: {len(results) - failed} passed, {failed} failed")
    return 1 if failed else 0


# Run one SQL statement on the server of an async URL (a subprocess keeps this script sync).
_SQL = """
import asyncio, sys
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
async def go():
    engine = create_async_engine(sys.argv[1])
    async with engine.begin() as connection:
        await connection.execute(text(sys.argv[2]))
    await engine.dispose()
asyncio.run(go())
"""


def run(command: list[str], env: dict[str, str] | None = None) -> None:
    """Run a command; stop the check if it fails."""
    subprocess.run(command, env=env, check=True)


if __name__ == "__main__":
    sys.exit(main())
