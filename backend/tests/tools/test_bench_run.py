"""The benchmark's orchestration (tools.bench.run): servers, loads, memory, the report."""

import os
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography.fernet import Fernet
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from tools import mariadb, servers
from tools.bench import run, wrk
from tools.bench.results import CONNECTIONS, Result, SetResult, endpoints


def test_memory_of_the_workers_is_read_from_proc(tmp_path: Path) -> None:
    (tmp_path / "7" / "task" / "7").mkdir(parents=True)
    (tmp_path / "7" / "task" / "7" / "children").write_text("11 12 13\n")
    for pid, cmdline, rss_kb in (
        ("11", b"python\0-c\0worker", 102400),
        ("12", b"resource_tracker", 5),
    ):
        (tmp_path / pid).mkdir()
        (tmp_path / pid / "cmdline").write_bytes(cmdline)
        (tmp_path / pid / "status").write_text(f"Name:\tpython\nVmRSS:\t  {rss_kb} kB\n")
    # 12 is multiprocessing's resource tracker, 13 has exited meanwhile
    assert run.rss_of_workers(7, proc=tmp_path) == [100.0]
    assert run.rss_of_workers(8, proc=tmp_path) == []


def test_memory_of_a_real_child_process() -> None:
    before = len(run.rss_of_workers(os.getpid()))
    child = subprocess.Popen(
        [sys.executable, "-c", "import time; print('up', flush=True); time.sleep(30)"],
        stdout=subprocess.PIPE,
    )
    assert child.stdout is not None
    try:
        assert child.stdout.readline() == b"up\n"  # running Python, not half-started
        sizes = run.rss_of_workers(os.getpid())
    finally:
        child.kill()
        child.wait()
        child.stdout.close()
    assert len(sizes) == before + 1  # the child sleeping above is counted
    assert all(1 < size < 4096 for size in sizes)
    assert run.rss_of_workers(2**22 + 7) == []


def test_measure_loads_every_endpoint_of_a_real_server(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The API in production mode (on SQLite here), wrk replaced by one request."""
    monkeypatch.setattr(run, "SCRATCH", tmp_path)
    started: list[servers.Api] = []
    real_start = servers.start_api

    def start_api(*args: Any) -> servers.Api:
        started.append(real_start(*args))
        return started[-1]

    monkeypatch.setattr(servers, "start_api", start_api)
    loads: list[tuple[str, int, int]] = []

    def fake_wrk(url: str, token: str, connections: int, seconds: int) -> wrk.Figures:
        answer = httpx.get(url, headers={"Authorization": f"Bearer {token}"}, timeout=30)
        loads.append((url.split(":", 2)[2].split("/", 1)[1], connections, answer.status_code))
        return wrk.Figures(1000.0 / connections, 1.5, 3.0, 0)

    monkeypatch.setattr(wrk, "run", fake_wrk)
    url = f"sqlite+aiosqlite:///{tmp_path / 'bench.db'}"
    result = run.measure("small", url, {"services": 0}, seconds=0, workers=2)

    expected = [(path, c) for c in CONNECTIONS for path in endpoints()]
    assert [(f"/{path}", c) for path, c, _ in loads] == expected
    assert {status for _, _, status in loads} == {200}
    assert [(r.path, r.connections, r.rps) for r in result.results] == [
        (path, c, 1000.0 / c) for path, c in expected
    ]
    assert set(result.cold_ms) == set(endpoints()[1:])
    assert all(ms > 0 for ms in result.cold_ms.values())
    # sampled once per load, two workers each time
    assert len(result.rss_mb) == 2 * len(expected)
    assert all(10 < mb < 4096 for mb in result.rss_mb)
    assert (tmp_path / "costwatch-bench-small.log").exists()
    [api] = started
    assert api.process.returncode is not None  # stopped


def test_main_generates_measures_and_writes_the_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    created: list[str] = []

    async def recreate(server_url: str, name: str) -> str:
        created.append(name)
        return f"sqlite+aiosqlite:///{tmp_path / name}.db"

    async def settle(server_url: str) -> bool:
        return False

    async def server_version(server_url: str) -> str:
        return "MariaDB 99.1"

    measured: list[tuple[str, str, int, int]] = []

    def measure(name: str, url: str, rows: dict[str, int], seconds: int, workers: int) -> SetResult:
        measured.append((name, url, seconds, workers))
        result = SetResult(name, rows)
        for connections in CONNECTIONS:
            for path in endpoints():
                result.results.append(Result(path, connections, 100.0, 1.0, 2.0))
        return result

    monkeypatch.setattr(mariadb, "recreate", recreate)
    monkeypatch.setattr(mariadb, "settle", settle)
    monkeypatch.setattr(mariadb, "server_version", server_version)
    monkeypatch.setattr(run, "measure", measure)
    monkeypatch.setattr(run, "DATABASE", "test_bench_{}")
    monkeypatch.setattr(
        run,
        "SETS",
        {
            "large": {"services": 20, "years": 1, "consumption_rows": 60},
            "small": {"services": 10, "years": 1, "consumption_rows": 6},
        },
    )
    output = tmp_path / "BENCH.md"
    server = "mysql+asyncmy://root@127.0.0.1:3306/mysql"
    args = ["--server-url", server, "--seconds", "3", "--workers", "5", "--output", str(output)]
    assert run.main(args) == 0

    assert created == ["test_bench_large", "test_bench_small"]
    assert [(name, seconds, workers) for name, _, seconds, workers in measured] == [
        ("large", 3, 5),
        ("small", 3, 5),
    ]
    text = output.read_text()
    assert "MariaDB 99.1; the API in production mode with 5 worker processes" in text
    assert "**large**: 2 providers, 20 services," in text
    assert ", 60 consumption; **small**: 1 providers, 10 services," in text
    out = capsys.readouterr().out
    assert "the server is still writing the loads out" in out
    assert f"wrote {output}" in out

    # --reuse: the databases of the last run, as they are
    created.clear()
    measured.clear()
    assert run.main([*args, "--reuse"]) == 0
    assert created == []
    assert measured[0][1] == "mysql+asyncmy://root@127.0.0.1:3306/test_bench_large"


def test_the_mixed_load_reads_while_a_writer_posts_consumption(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A real API (SQLite), wrk replaced by a loop of requests that follows the Lua turns."""
    monkeypatch.setattr(run, "SCRATCH", tmp_path)
    monkeypatch.setattr(run, "WRITE_EVERY_SECONDS", 0.02)
    url = f"sqlite+aiosqlite:///{tmp_path / 'bench.db'}"
    env = {
        "COSTWATCH_ENV": "production",
        "COSTWATCH_DATABASE_URL": url,
        "COSTWATCH_JWT_SECRET": secrets.token_urlsafe(48),
        "COSTWATCH_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "COSTWATCH_ADMIN_EMAIL": run.ADMIN[0],
        "COSTWATCH_ADMIN_PASSWORD": run.ADMIN[1],
        "COSTWATCH_WORKERS": "1",
        "COSTWATCH_DATA_DIR": str(tmp_path / "data"),
    }
    api = servers.start_api(servers.free_port(), env, tmp_path / "api.log")
    try:
        api.wait_ready()
        token = httpx.post(
            f"{api.url}/auth/login", data={"username": run.ADMIN[0], "password": run.ADMIN[1]}
        ).json()["access_token"]
        auth = {"Authorization": f"Bearer {token}"}
        categories = httpx.get(f"{api.url}/categories", headers=auth).json()
        usage = next(row["id"] for row in categories if row["code"] == "usage")
        provider = httpx.post(f"{api.url}/providers", headers=auth, json={"name": "P"}).json()
        service = {"provider_id": provider["id"], "category_id": usage, "name": "Metered"}
        httpx.post(f"{api.url}/service", headers=auth, json=service).raise_for_status()
        before = int(
            httpx.get(f"{api.url}/usage/consumption", headers=auth).headers["X-Total-Count"]
        )
        loads: list[tuple[str, str | None, int]] = []

        def fake_wrk(
            url: str, token: str, connections: int, seconds: int, script: str | None = None
        ) -> wrk.Figures:
            lua = Path(script).read_text() if script else None
            statuses = {
                httpx.get(url, headers={"Authorization": f"Bearer {token}"}).status_code
                for _ in range(10)
            }
            loads.append((url.split("/", 3)[3], lua, connections))
            assert statuses == {200}
            return wrk.Figures(500.0, 2.0, 9.0, 0)

        monkeypatch.setattr(wrk, "run", fake_wrk)
        results, writes = run.mixed_load(api.url, token, 1)
        after = int(
            httpx.get(f"{api.url}/usage/consumption", headers=auth).headers["X-Total-Count"]
        )
    finally:
        servers.stop([api.process])
    assert [(path, connections) for path, _, connections in loads] == [
        (endpoints()[1].lstrip("/"), 32),
        ("health", 32),
    ]
    dashboard_lua = loads[0][1]
    assert dashboard_lua is not None
    assert all(f'"{path}"' in dashboard_lua for path in endpoints()[1:])
    assert loads[1][1] is None
    assert [r.path for r in results] == ["dashboard", "/health"]
    assert writes["posts"] >= 1
    assert writes["failed"] == 0
    assert after - before == writes["posts"]  # every post stored once
    assert 0 < writes["p50_ms"] <= writes["p99_ms"]


def test_cold_only_measures_the_sets_asked_for_and_prints_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    measured: list[tuple[str, str, bool]] = []

    def measure(
        name: str, url: str, rows: dict[str, int], seconds: int, workers: int, **options: Any
    ) -> SetResult:
        measured.append((name, url, options.get("cold_only", False)))
        result = SetResult(name, rows)
        result.cold_ms = {path: 3.25 for path in endpoints()[1:]}
        return result

    async def settle(server_url: str) -> bool:
        return True

    monkeypatch.setattr(run, "measure", measure)
    monkeypatch.setattr(mariadb, "settle", settle)
    output = tmp_path / "BENCH.md"
    server = "mysql+asyncmy://root@127.0.0.1:3306/mysql"
    args = ["--server-url", server, "--reuse", "--cold-only", "--output", str(output)]
    assert run.main([*args, "--sets", "large,huge", "--database", "mine_{}"]) == 0
    assert measured == [
        ("large", "mysql+asyncmy://root@127.0.0.1:3306/mine_large", True),
        ("huge", "mysql+asyncmy://root@127.0.0.1:3306/mine_huge", True),
    ]
    out = capsys.readouterr().out
    assert "| endpoint | large: ms | huge: ms |" in out
    assert (
        f"| `{endpoints()[1]}` | 3.2 | 3.2 |" in out or f"| `{endpoints()[1]}` | 3.3 | 3.3 |" in out
    )
    assert not output.exists()  # the report is left alone
    with pytest.raises(SystemExit):
        run.main(["--server-url", server, "--reuse", "--sets", "huge"])


def test_cold_only_loads_nothing_and_times_the_first_requests_after_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(run, "SCRATCH", tmp_path)
    monkeypatch.setattr(run, "SETTLE_SECONDS", 0)

    def no_wrk(*args: Any, **kwargs: Any) -> wrk.Figures:
        raise AssertionError("wrk ran")

    monkeypatch.setattr(wrk, "run", no_wrk)
    url = f"sqlite+aiosqlite:///{tmp_path / 'bench.db'}"
    result = run.measure("large", url, {"services": 0}, 0, 1, cold_only=True)
    assert result.results == []
    assert result.mixed == []
    assert set(result.cold_ms) == set(endpoints()[1:])
    assert all(ms > 0 for ms in result.cold_ms.values())
    # The same database again (--reuse) in another run, whose admin password is another: the
    # admin the first run created gets this run's password, and the run signs in.
    monkeypatch.setattr(run, "ADMIN", (run.ADMIN[0], "another-bench-password-1234"))
    again = run.measure("large", url, {"services": 0}, 0, 1, cold_only=True)
    assert set(again.cold_ms) == set(endpoints()[1:])


def test_warm_up_asks_every_report_under_urls_of_its_own(
    httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(run, "SETTLE_SECONDS", 0)
    seen: list[tuple[str, str, str]] = []

    def answer(request: Request) -> Response:
        query = request.query_string.decode()
        seen.append((request.path, query, request.headers["Authorization"]))
        return Response("[]", content_type="application/json")

    for path in {path.split("?")[0] for path in endpoints()}:
        httpserver.expect_request(path).respond_with_handler(answer)
    run.warm_up(httpserver.url_for("").rstrip("/"), "the-token", rounds=3)

    assert len(seen) == 3 * len(endpoints())
    # No two requests share a URL (none could be answered from the API's cache), each report
    # was asked once a round, with the token, and its own query string kept.
    assert len({(path, query) for path, query, _ in seen}) == len(seen)
    for path in endpoints():
        bare, _, query = path.partition("?")
        asked = [seen_query for seen_path, seen_query, _ in seen if seen_path == bare]
        assert len(asked) == 3
        assert all(query in seen_query and "warm_up=" in seen_query for seen_query in asked)
    assert {token for _, _, token in seen} == {"Bearer the-token"}
