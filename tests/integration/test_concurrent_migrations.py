"""Every API and worker pod migrates the database before it starts (deploy/kubernetes, the
``migrate`` initContainer), so several pods of a release run ``python -m db.migrate`` at the same
moment. On PostgreSQL they queue on an advisory lock (db/migrations/env.py): all succeed and the
schema ends at head, where unordered runs would race to create the same tables."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import text

from db.engine import create_engine
from db.migrate import alembic_config
from tests.conftest import _create_postgres_database, _drop_postgres_database, database_params

ROOT = Path(__file__).resolve().parents[2]
PODS = 4


async def migrate(url: str) -> tuple[int, str]:
    """``python -m db.migrate`` as the initContainer runs it."""
    env = {**os.environ, "ASB_ENVIRONMENT": "test", "ASB_DATABASE_URL": url}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "db.migrate", env=env, cwd=ROOT,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    output, _ = await process.communicate()
    return process.returncode or 0, output.decode()


@pytest.mark.parametrize("kind", [p for p in database_params() if p != "sqlite"])
async def test_pods_migrating_at_once_all_succeed_and_the_schema_is_at_head(kind: object) -> None:
    name, url = await _create_postgres_database()
    try:
        runs = await asyncio.gather(*(migrate(url) for _ in range(PODS)))
        assert [code for code, _ in runs] == [0] * PODS, [out for _, out in runs]
        engine = create_engine(url)
        async with engine.connect() as connection:
            versions = await connection.execute(text("SELECT version_num FROM alembic_version"))
            rows = versions.scalars().all()
        await engine.dispose()
        assert rows == [ScriptDirectory.from_config(alembic_config(url)).get_current_head()]
        assert (await migrate(url))[0] == 0  # a pod restarting later: nothing to do, no error
    finally:
        await _drop_postgres_database(name)
