"""Request ids and structured logs."""

import json
import logging
import secrets
from pathlib import Path

import httpx
import pytest
from cryptography.fernet import Fernet

from costwatch.config import Settings
from costwatch.logs import JsonFormatter, RequestIdFilter, logging_config, request_id_var


async def test_every_response_carries_a_request_id(anon: httpx.AsyncClient) -> None:
    generated = await anon.get("/health")
    assert len(generated.headers["X-Request-ID"]) == 32
    echoed = await anon.get("/health", headers={"X-Request-ID": "trace-42.a_b"})
    assert echoed.headers["X-Request-ID"] == "trace-42.a_b"
    # an id that could forge log lines is replaced
    forged = await anon.get("/health", headers={"X-Request-ID": "x" * 129})
    assert forged.headers["X-Request-ID"] != "x" * 129


async def test_access_log_line_per_request(
    anon: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="costwatch.access"):
        await anon.get("/summary", headers={"X-Request-ID": "req-1"})
    record = next(r for r in caplog.records if r.name == "costwatch.access")
    fields = vars(record)  # the access log's own fields, given as ``extra``
    assert (fields["method"], fields["path"], fields["status"]) == ("GET", "/summary", 401)
    assert isinstance(fields["duration_ms"], float)
    assert fields["duration_ms"] >= 0


def test_json_formatter_writes_one_object_with_the_request_id() -> None:
    record = logging.LogRecord(
        "costwatch.test", logging.WARNING, __file__, 1, "hello %s", ("you",), None
    )
    record.status = 204
    token = request_id_var.set("abc")
    try:
        RequestIdFilter().filter(record)
    finally:
        request_id_var.reset(token)
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "hello you"
    assert line["level"] == "warning"
    assert line["request_id"] == "abc"
    assert line["status"] == 204


def test_logging_config_follows_the_mode(tmp_path: Path) -> None:
    production = Settings(
        env="production",
        data_dir=tmp_path,
        jwt_secret=secrets.token_urlsafe(40),
        admin_email="ops@corp.example",
        admin_password="a-long-password",
        encryption_keys=Fernet.generate_key().decode(),
    )
    development = Settings(env="development", data_dir=tmp_path)
    assert production.effective_log_format == "json"
    assert development.effective_log_format == "text"
    assert development.effective_workers == 1
    assert production.effective_workers >= 1
    assert Settings(data_dir=tmp_path, workers=3).effective_workers == 3
    config = logging_config("json")
    assert config["formatters"]["default"] == {"()": JsonFormatter}
    assert "format" in logging_config("text")["formatters"]["default"]


async def test_docs_behind_the_proxy_prefix(anon: httpx.AsyncClient) -> None:
    proxied = await anon.get("/docs", headers={"X-Forwarded-Prefix": "/api"})
    assert "/api/openapi.json" in proxied.text
    schema = await anon.get("/openapi.json", headers={"X-Forwarded-Prefix": "/api"})
    assert schema.json()["servers"] == [{"url": "/api"}]
    direct = await anon.get("/openapi.json")
    assert "servers" not in direct.json()
    odd = await anon.get("/docs", headers={"X-Forwarded-Prefix": "/a/../b"})
    assert "'/openapi.json'" in odd.text or '"/openapi.json"' in odd.text
