"""Browser assets served by the product itself: GOV.UK Frontend, Swagger UI, ReDoc.

They are npm packages pinned in package.json / package-lock.json and installed by ``make install``
(``npm ci``) into ``node_modules``; nothing is fetched from another origin at run time, so the
console and ``/docs`` work on a locked-down network.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from core.settings import Settings

HERE = Path(__file__).parent
DEFAULT_MODULES = HERE.parent / "node_modules"


def modules_dir(settings: Settings) -> Path:
    found = settings.assets_dir or DEFAULT_MODULES
    if not (found / "govuk-frontend").is_dir():
        raise RuntimeError(f"browser assets are missing from {found}: run `make install` (npm ci)")
    return found


def install(app: FastAPI, settings: Settings) -> None:
    modules = modules_dir(settings)
    govuk = modules / "govuk-frontend" / "dist" / "govuk"
    # The GOV.UK stylesheet finds its fonts and images under /assets/ (its default path).
    app.mount("/assets/govuk", StaticFiles(directory=govuk), name="govuk")
    app.mount("/assets/console", StaticFiles(directory=HERE / "static"), name="console-static")
    app.mount(
        "/assets/swagger-ui", StaticFiles(directory=modules / "swagger-ui-dist"), name="swagger"
    )
    app.mount("/assets", StaticFiles(directory=govuk / "assets"), name="govuk-assets")

    @app.get("/docs", include_in_schema=False)
    async def swagger_ui() -> HTMLResponse:
        # Swagger UI starts from a served script: the CSP allows no inline one (edge/headers.py).
        return HTMLResponse(
            _SWAGGER.format(title=escape(f"{app.title} - API"),
                            openapi=escape(app.openapi_url or "/openapi.json"))
        )  # fmt: skip


_SWAGGER = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link type="text/css" rel="stylesheet" href="/assets/swagger-ui/swagger-ui.css">
<link rel="icon" href="/assets/swagger-ui/favicon-32x32.png">
<title>{title}</title>
</head>
<body>
<div id="swagger-ui" data-openapi-url="{openapi}"></div>
<script src="/assets/swagger-ui/swagger-ui-bundle.js"></script>
<script src="/assets/console/swagger-init.js"></script>
</body>
</html>
"""
