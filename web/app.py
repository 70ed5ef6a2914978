"""The composition root: one FastAPI application with the HTTP API and the console side by side.

Neither the API nor the console imports the other; both translate between the web and the
services (services/), with the edge they share (edge/: the principal and its token, the
mapping of the services' refusals to HTTP answers)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from api import (
    access_log,
    actions,
    cases,
    codec,
    health,
    intake,
    letters,
    links,
    observability,
    oversight,
    reports,
    staff,
    tasks,
)
from console import mount as mount_console
from core.settings import Settings
from core.temporal import connect
from edge import answers, errors
from edge.deps import Services
from edge.headers import SecurityHeaders
from edge.limits import BodySizeLimit
from edge.oidc import OidcProvider
from services import context


def create_app(settings: Settings, services: Services | None = None) -> FastAPI:
    """With ``services`` given (tests), the app uses them and owns nothing."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if services is not None:
            yield
            return
        # lazy: the API starts while Temporal is down, answering 503 until it is back
        client = await connect(settings, lazy=True)
        app.state.services = started = context.start(settings, client)
        yield
        await context.stop(started)

    app = FastAPI(
        title="ASB case engine",
        version="0.1.0",
        description="Anti-social behaviour cases for social landlords: officers act, "
        "supervisors oversee. Each case is a durable Temporal workflow.",
        lifespan=lifespan,
        # /docs is served with Swagger UI installed from npm (console/assets.py). No ReDoc: its
        # bundle fetches a logo from the vendor's CDN, and nothing comes from another origin.
        docs_url=None,
        redoc_url=None,
    )
    app.add_middleware(BodySizeLimit)
    app.add_middleware(SecurityHeaders)
    observability.install(app)
    errors.install(app)
    answers.install(app)
    if services is not None:
        app.state.services = services
    # The landlord's identity provider, trusted by the API's bearer tokens and the console's
    # sign-in; its key cache lives as long as the app.
    app.state.oidc = OidcProvider(settings) if settings.oidc_enabled else None
    app.include_router(health.router)
    app.include_router(cases.router)
    app.include_router(oversight.router)
    app.include_router(actions.router)
    app.include_router(reports.router)
    app.include_router(intake.router)
    app.include_router(letters.router)
    app.include_router(tasks.router)
    app.include_router(staff.router)
    app.include_router(access_log.router)
    codec.install(app, settings)
    links.install(app)
    mount_console(app, settings)
    return app
