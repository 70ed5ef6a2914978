"""The real stack behind a real browser: Chromium (Playwright) -> console -> Temporal -> worker
-> database, with a real SMTP relay. Every page a test visits is checked with axe-core."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
import uvicorn
from playwright.async_api import Browser, async_playwright
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from temporalio.testing import WorkflowEnvironment

from core.policies import known_landlords
from core.settings import Settings
from db.engine import create_engine, session_factory
from db.migrate import upgrade_async
from db.staff import seed_staff
from edge.deps import Services
from scripts.product_stack import system_chromium
from tests.browser.support import USERS, staff_entry
from tests.conftest import _create_postgres_database, _drop_postgres_database, database_params
from tests.integration.record_support import CountingHandler
from tests.integration.test_mailer_smtp import serving
from web.app import create_app
from workers.build import build_worker


def _listening_socket() -> socket.socket:
    """Bound and listening before the server starts: the browser's first request waits in the
    backlog instead of the test polling for the server."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    return sock


@pytest.fixture(scope="module")
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=system_chromium())
        yield launched
        await launched.close()


@pytest.fixture(scope="module")
async def browser_database(tmp_path_factory: Any) -> AsyncIterator[tuple[AsyncEngine, Any]]:
    url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('browser-db') / 'asb.db'}"
    await upgrade_async(url)
    engine = create_engine(url)
    yield engine, session_factory(engine)
    await engine.dispose()


@pytest.fixture(scope="module")
def smtp_relay() -> Any:
    handler = CountingHandler()
    with serving(handler) as port:
        yield handler, port


@pytest.fixture(scope="module")
async def site(
    dev_env: WorkflowEnvironment,
    browser_database: tuple[AsyncEngine, async_sessionmaker[Any]],
    smtp_relay: tuple[CountingHandler, int],
    tmp_path_factory: Any,
) -> AsyncIterator[str]:
    """The product (API and console) served over HTTP on a free port, with its worker."""
    async with _serving(dev_env, *browser_database, smtp_relay[1], tmp_path_factory) as url:
        yield url


@pytest.fixture(scope="module", params=[p for p in database_params() if p != "sqlite"])
async def postgres_site(
    dev_env: WorkflowEnvironment,
    smtp_relay: tuple[CountingHandler, int],
    tmp_path_factory: Any,
) -> AsyncIterator[str]:
    """The same stack on a PostgreSQL database of its own (when a server answers on
    127.0.0.1:5432, as for the other postgres-marked tests; CI requires one)."""
    name, url = await _create_postgres_database()
    try:
        await upgrade_async(url)
        engine = create_engine(url)
        try:
            sessions = session_factory(engine)
            async with _serving(dev_env, engine, sessions, smtp_relay[1], tmp_path_factory) as at:
                yield at
        finally:
            await engine.dispose()
    finally:
        await _drop_postgres_database(name)


@asynccontextmanager
async def _serving(
    dev_env: WorkflowEnvironment,
    engine: AsyncEngine,
    sessions: async_sessionmaker[Any],
    smtp_port: int,
    tmp_path_factory: Any,
) -> AsyncIterator[str]:
    # The development directory, plus every user the journeys sign in as (the staff directory
    # guards who may be assigned a case).
    await seed_staff(sessions, known_landlords(), [staff_entry(user) for user in USERS])
    sock = _listening_socket()
    port = sock.getsockname()[1]
    settings = Settings(
        environment="development",
        task_queue=f"browser-{port}",
        data_dir=tmp_path_factory.mktemp("browser-data"),
        mail_mode="smtp",
        smtp_port=smtp_port,
        intake_per_minute=1000,
    )
    app = create_app(settings, Services(settings, dev_env.client, engine, sessions))
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    async with build_worker(dev_env.client, settings, sessions):
        serve = asyncio.create_task(server.serve(sockets=[sock]))
        yield f"http://127.0.0.1:{port}"
        server.should_exit = True
        await serve
    sock.close()
