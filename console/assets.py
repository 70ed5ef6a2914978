"""Browser assets served by the product itself: GOV.UK Frontend, Swagger UI, ReDoc.

They are npm packages pinned in package.json / package-lock.json and installed by ``make install``
(``npm ci``) into ``node_modules``; nothing is fetched from another origin at run time, so the
console and ``/docs`` work on a locked-down network.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
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
    app.mount("/assets/redoc", StaticFiles(directory=modules / "redoc" / "bundles"), name="redoc")
    app.mount("/assets", StaticFiles(directory=govuk / "assets"), name="govuk-assets")

    @app.get("/docs", include_in_schema=False)
    async def swagger_ui() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title=f"{app.title} - API",
            swagger_js_url="/assets/swagger-ui/swagger-ui-bundle.js",
            swagger_css_url="/assets/swagger-ui/swagger-ui.css",
            swagger_favicon_url="/assets/swagger-ui/favicon-32x32.png",
        )

    @app.get("/redoc", include_in_schema=False)
    async def redoc() -> HTMLResponse:
        return get_redoc_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title=f"{app.title} - API",
            redoc_js_url="/assets/redoc/redoc.standalone.js",
            redoc_favicon_url="/assets/swagger-ui/favicon-32x32.png",
            with_google_fonts=False,
        )
