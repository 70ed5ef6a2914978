"""The documented backup (docs/operations.md) restores a product that serves the same
cases: pg_dump of a PostgreSQL database holding cases, letters and the audit trail; the original
dropped; pg_restore into a fresh database; the API on the restored one serves every case, its
timeline, the lists and reports as before, and every table holds the same rows."""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.testing import WorkflowEnvironment

from core.policies import known_landlords
from core.settings import Settings
from db.engine import create_engine, session_factory
from db.migrate import upgrade_async
from db.models import Base
from db.staff import seed_staff
from edge.auth import ROLES, mint_token
from edge.deps import Services
from tests.api.conftest import report, token_user
from tests.api.test_journeys import CLOSE_REASON, act
from tests.conftest import _create_postgres_database, _drop_postgres_database, database_params
from web.app import create_app
from workers.build import build_worker

pytestmark = pytest.mark.parametrize(
    "kind", [p for p in database_params() if getattr(p, "values", [p])[0] == "postgresql"]
)


def _libpq(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://")


async def run(tool: str, *args: str) -> None:
    found = shutil.which(tool)
    assert found, f"{tool} is missing: `make test` installs postgresql-client"
    env = {**os.environ, "PGUSER": os.environ.get("PGUSER", "postgres")}
    process = await asyncio.create_subprocess_exec(
        found, *args, env=env, stderr=asyncio.subprocess.PIPE
    )
    _, errors = await process.communicate()
    assert process.returncode == 0, f"{tool}: {errors.decode()}"


@pytest.fixture
async def original() -> AsyncIterator[tuple[str, str]]:
    name, url = await _create_postgres_database()
    await upgrade_async(url)
    yield name, url
    await _drop_postgres_database(name)


@pytest.fixture
async def fresh() -> AsyncIterator[tuple[str, str]]:
    name, url = await _create_postgres_database()  # empty: no schema until the restore
    yield name, url
    await _drop_postgres_database(name)


async def served(api: httpx.AsyncClient, settings: Settings, refs: list[str]) -> dict[str, Any]:
    officer = _token(settings, "officer")
    supervisor = _token(settings, "supervisor")
    pages: dict[str, Any] = {}
    for ref in refs:
        for path in (f"/cases/{ref}", f"/cases/{ref}/timeline"):
            response = await api.get(path, headers=officer)
            assert response.status_code == 200, response.text
            pages[path] = response.json()
    for path, params in [
        ("/cases", {"limit": 500}),
        ("/escalations", {}),
        ("/reports", {"from": "2020-01-01", "to": "2030-12-31", "homes": 1000}),
    ]:
        response = await api.get(path, params=params, headers=supervisor)
        assert response.status_code == 200, response.text
        pages[path] = response.json()
    return pages


def _token(settings: Settings, role: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {mint_token(settings, f'{role}.x', [role], 'X')}"}


async def rows(engine: AsyncEngine) -> dict[str, list[tuple[Any, ...]]]:
    async with engine.connect() as connection:
        tables = {
            table.name: [
                tuple(row)
                for row in await connection.execute(
                    select(table).order_by(*table.primary_key.columns)
                )
            ]
            for table in Base.metadata.sorted_tables
        }
        version = await connection.execute(text("SELECT version_num FROM alembic_version"))
        tables["alembic_version"] = [tuple(row) for row in version]
    return tables


async def test_a_restored_backup_serves_the_same_cases(
    kind: str,
    original: tuple[str, str],
    fresh: tuple[str, str],
    dev_env: WorkflowEnvironment,
    task_queue: str,
    tmp_path: Path,
) -> None:
    settings = Settings(task_queue=task_queue, data_dir=tmp_path)
    engine = create_engine(original[1])
    sessions = session_factory(engine)
    # The users the tokens act as must be in the landlord's staff directory.
    await seed_staff(sessions, known_landlords(), [token_user(f"{r}.x") for r in ROLES])
    app = create_app(settings, Services(settings, dev_env.client, engine, sessions))
    officer = _token(settings, "officer")
    async with (
        build_worker(dev_env.client, settings, sessions),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as api,
    ):
        refs = []
        for _ in range(2):
            opened = await api.post("/cases", json=report("X"), headers=officer)
            assert opened.status_code == 201, opened.text
            refs.append(opened.json()["reference"])
        closed, working = refs
        for ref in refs:
            await act(api, officer, ref, "acknowledge")
            await act(api, officer, ref, "record_contact", outcome="made", channel="phone")
        await act(api, officer, closed, "request_closure", reason=CLOSE_REASON["X"])
        before = await served(api, settings, refs)
    # The worker has stopped: nothing writes while the backup runs.
    before_rows = await rows(engine)
    assert before_rows["letters"] and before_rows["case_events"] and before_rows["parties"]
    await engine.dispose()

    dump = tmp_path / "asb.dump"
    await run("pg_dump", "--format=custom", "--no-owner", f"--file={dump}",
              f"--dbname={_libpq(original[1])}")  # fmt: skip
    await _drop_postgres_database(original[0])  # the original is gone: only the backup is left
    await run("pg_restore", "--no-owner", "--exit-on-error", f"--dbname={_libpq(fresh[1])}",
              str(dump))  # fmt: skip

    restored = create_engine(fresh[1])
    restored_sessions = session_factory(restored)
    try:
        assert await rows(restored) == before_rows
        app = create_app(settings, Services(settings, dev_env.client, restored, restored_sessions))
        async with (
            build_worker(dev_env.client, settings, restored_sessions),
            httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as api,
        ):
            assert await served(api, settings, refs) == before
            # And the restored record takes new work.
            await act(api, officer, working, "record_risk_assessment", tier="general")
    finally:
        await restored.dispose()
