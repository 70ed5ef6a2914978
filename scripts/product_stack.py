"""The whole product in one process for scripts: a Temporal dev server, a fresh SQLite record,
the case worker, and the API and console served over HTTP on a free port."""

from __future__ import annotations

import asyncio
import socket
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import uvicorn
from temporalio.testing import WorkflowEnvironment

from contracts.search_attributes import ALL as SEARCH_ATTRIBUTES
from core.devstack import temporal_cli
from core.policies import known_landlords
from core.settings import Settings
from core.temporal import data_converter
from db.engine import create_engine, session_factory
from db.migrate import upgrade_async
from db.staff import seed_development_staff
from edge.deps import Services
from web.app import create_app
from workers.build import build_worker

# Debian's chromium package (CI installs it with apt); elsewhere `playwright install chromium`
# provides Playwright's own build, used when this returns None.
SYSTEM_CHROMIUM = ("/usr/bin/chromium", "/usr/bin/chromium-browser")


def system_chromium() -> str | None:
    return next((path for path in SYSTEM_CHROMIUM if Path(path).exists()), None)


@dataclass
class Product:
    url: str
    services: Services
    app: Any


@asynccontextmanager
async def running_product(**overrides: Any) -> AsyncIterator[Product]:
    with tempfile.TemporaryDirectory(prefix="asb-") as folder:
        settings = Settings(data_dir=Path(folder), task_queue="asb-script", **overrides)
        await upgrade_async(settings.resolved_database_url)
        await seed_development_staff(settings.resolved_database_url, known_landlords())
        env = await WorkflowEnvironment.start_local(
            dev_server_existing_path=temporal_cli(),
            data_converter=data_converter(settings),
            search_attributes=SEARCH_ATTRIBUTES,
            dev_server_extra_args=["--sqlite-pragma", "journal_mode=wal", "--log-level", "error"],
        )
        engine = create_engine(settings.resolved_database_url)
        sessions = session_factory(engine)
        services = Services(settings, env.client, engine, sessions)
        app = create_app(settings, services)
        # A TCP socket as ``web.main`` gets from uvicorn (host and port): asyncio sets
        # TCP_NODELAY only on sockets whose protocol is TCP. A bare socket.socket() has protocol 0,
        # and every response then waits about 40 ms for the client's delayed ACK (Nagle), a
        # delay the product does not have.
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.bind(("127.0.0.1", 0))
        sock.listen(128)
        server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
        try:
            async with build_worker(env.client, settings, sessions):
                serving = asyncio.create_task(server.serve(sockets=[sock]))
                yield Product(f"http://127.0.0.1:{sock.getsockname()[1]}", services, app)
                server.should_exit = True
                await serving
        finally:
            sock.close()
            await engine.dispose()
            await env.shutdown()
