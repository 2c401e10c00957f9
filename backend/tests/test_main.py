"""The entry point: --print-openapi, configuration errors, and the start-up preparation."""

import json
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

import main
from costwatch.app import create_app
from costwatch.config import Settings
from costwatch.db.engine import make_engine
from costwatch.db.session import make_sessionmaker
from costwatch.models.admin_user import AdminUser
from costwatch.models.alert import AlertEvent
from costwatch.models.catalog import Service
from costwatch.startup import prepare_database


def clear_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("ENV", "JWT_SECRET", "ADMIN_EMAIL", "ADMIN_PASSWORD", "DATABASE_URL", "DATA_DIR"):
        monkeypatch.delenv(f"COSTWATCH_{name}", raising=False)


def test_print_openapi(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    clear_env(monkeypatch)
    monkeypatch.setenv("COSTWATCH_DATA_DIR", str(tmp_path))
    assert main.main(["--print-openapi"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["info"]["title"] == "CostWatch"
    assert "/alerts/low-balance" in schema["paths"]


def test_production_without_secrets_refuses_to_start(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    clear_env(monkeypatch)
    monkeypatch.setenv("COSTWATCH_ENV", "production")
    assert main.main([]) == 2
    message = capsys.readouterr().err
    assert "COSTWATCH_JWT_SECRET" in message
    assert "COSTWATCH_ADMIN_PASSWORD" in message
    assert "COSTWATCH_ENCRYPTION_KEYS" in message


def test_arguments() -> None:
    args = main.parse_args(["--seed", "--host", "0.0.0.0", "--port", "9000"])  # noqa: S104
    assert (args.seed, args.host, args.port) == (True, "0.0.0.0", 9000)  # noqa: S104
    assert main.parse_args([]).port == 8000


async def test_prepare_database_migrates_creates_the_admin_and_seeds_once(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'fresh.db'}"
    settings = Settings(
        env="test",
        data_dir=tmp_path,
        database_url=url,
        admin_email="boss@example.com",
        admin_password="a-long-password",
        jwt_secret="s" * 40,
    )
    await prepare_database(settings, seed=True)
    await prepare_database(settings, seed=True)
    engine = make_engine(url)
    try:
        async with make_sessionmaker(engine)() as session:
            users = (await session.execute(select(AdminUser.email))).scalars().all()
            assert users == ["boss@example.com"]
            assert (await session.execute(select(func.count(Service.id)))).scalar_one() == 9
            # The seed ran the alert rules once (twice: the second run opened nothing new).
            kinds = (await session.execute(select(AlertEvent.kind).distinct())).scalars().all()
            assert {"budget", "runway", "low_balance"} <= set(kinds)
        app = create_app(settings, engine)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            login = await client.post(
                "/auth/login", data={"username": "boss@example.com", "password": "a-long-password"}
            )
            assert login.status_code == 200
    finally:
        await engine.dispose()


async def test_health_is_503_when_the_database_does_not_answer(
    settings: Settings, tmp_path: Path
) -> None:
    broken = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'missing' / 'dir' / 'x.db'}")
    app = create_app(settings, broken)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        response = await client.get("/health")
    await broken.dispose()
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable"}


@pytest.mark.parametrize("path", ["/docs", "/openapi.json", "/health"])
async def test_open_routes_need_no_token(anon: httpx.AsyncClient, path: str) -> None:
    assert (await anon.get(path)).status_code == 200
