"""Swagger UI, served from this server: no CDN, no floating version, works offline.

The Swagger UI files come from the pinned ``fastapi-swagger`` package (its ``resources``:
the Swagger UI 5 distribution); only those files are used, through our own two routes, so
the page's links follow the proxy prefix (``/api``) like the schema's.
"""

from functools import cache
from importlib import resources
from typing import Literal

from fastapi import APIRouter, Request, Response
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse

ASSETS = {
    "swagger-ui-bundle.js": "application/javascript",
    "swagger-ui.css": "text/css",
    "favicon-32x32.png": "image/png",
}
AssetName = Literal["swagger-ui-bundle.js", "swagger-ui.css", "favicon-32x32.png"]

router = APIRouter(include_in_schema=False)


@cache
def _asset(name: str) -> bytes:
    return resources.files("fastapi_swagger.resources").joinpath(name).read_bytes()


@router.get("/docs")
async def swagger_ui(request: Request) -> HTMLResponse:
    """The Swagger UI page for this API's schema."""
    root = request.scope.get("root_path", "").rstrip("/")
    return get_swagger_ui_html(
        openapi_url=f"{root}{request.app.openapi_url}",
        title=f"{request.app.title} - Swagger UI",
        swagger_js_url=f"{root}/docs/assets/swagger-ui-bundle.js",
        swagger_css_url=f"{root}/docs/assets/swagger-ui.css",
        swagger_favicon_url=f"{root}/docs/assets/favicon-32x32.png",
        swagger_ui_parameters=request.app.swagger_ui_parameters,
    )


@router.get("/docs/assets/{name}")
async def swagger_asset(name: AssetName) -> Response:
    """One file of the Swagger UI distribution (cached by browsers for a day)."""
    return Response(
        _asset(name), media_type=ASSETS[name], headers={"Cache-Control": "public, max-age=86400"}
    )
