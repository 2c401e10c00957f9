"""Security headers on every answer; Swagger UI served from this server, not a CDN."""

import httpx
import pytest


@pytest.mark.parametrize("path", ["/health", "/service", "/openapi.json", "/nowhere"])
async def test_every_answer_has_the_security_headers(anon: httpx.AsyncClient, path: str) -> None:
    response = await anon.get(path)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["Content-Security-Policy"] == (
        "default-src 'none'; frame-ancestors 'none'"
    )


async def test_swagger_ui_loads_only_local_files(anon: httpx.AsyncClient) -> None:
    page = await anon.get("/docs", headers={"X-Forwarded-Prefix": "/api"})
    assert page.status_code == 200
    assert "cdn." not in page.text
    assert "https://" not in page.text.split("<body>")[-1].split("</body>")[0]
    assert '"/api/docs/assets/swagger-ui-bundle.js"' in page.text
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    for name, kind in [
        ("swagger-ui-bundle.js", "application/javascript"),
        ("swagger-ui.css", "text/css"),
        ("favicon-32x32.png", "image/png"),
    ]:
        asset = await anon.get(f"/docs/assets/{name}")
        assert asset.status_code == 200
        assert asset.headers["content-type"].startswith(kind)
        assert len(asset.content) > 1000 or name.endswith(".png")
    assert (await anon.get("/docs/assets/..%2Fpasswd")).status_code in (404, 422)
    assert (await anon.get("/redoc")).status_code == 404
