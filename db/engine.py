"""Async engine and session factory for SQLite (embedded default) and PostgreSQL (production)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine

from db.party_keys import SQLITE_FUNCTION, party_key

# How long a statement waits for a lock another connection holds (a SQLite writer, a
# PostgreSQL table lock) before it fails: the API answers 503 within seconds, not after 31 s,
# and a worker's activity is retried by Temporal.
BUSY_SECONDS = 5


def create_engine(url: str) -> AsyncEngine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(url, connect_args={"timeout": BUSY_SECONDS})
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    # A table locked by another session, or a statement stuck behind one, fails after
    # BUSY_SECONDS (SQLSTATE 55P03 / 57014, answered 503) rather than holding the request.
    timeouts = {"lock_timeout": str(BUSY_SECONDS * 1000), "statement_timeout": "60000"}
    return create_async_engine(
        url,
        pool_pre_ping=True,
        pool_size=10,
        max_overflow=10,
        pool_timeout=BUSY_SECONDS,
        connect_args={"server_settings": timeouts, "timeout": BUSY_SECONDS},
    )


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets the API read while the worker writes; foreign keys are off by default in SQLite.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_SECONDS * 1000}")
    cursor.close()
    # NM01 groups reports by party (db/party_keys.py); PostgreSQL computes the key in SQL.
    dbapi_connection.create_function(SQLITE_FUNCTION, 2, party_key, deterministic=True)


def session_factory(engine: AsyncEngine) -> async_sessionmaker[Any]:
    return async_sessionmaker(engine, expire_on_commit=False)


async def ping(engine: AsyncEngine) -> None:
    """One round trip to the database (readiness)."""
    async with engine.connect() as connection:
        await connection.execute(text("SELECT 1"))


async def ping_write(engine: AsyncEngine, seconds: float = 1) -> None:
    """Readiness of writes: take the write lock and let it go, failing within ``seconds``
    when another connection holds it (SQLite) or the database is read-only (PostgreSQL)."""
    async with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            await connection.exec_driver_sql(f"PRAGMA busy_timeout={int(seconds * 1000)}")
            try:
                await connection.exec_driver_sql("BEGIN IMMEDIATE")
                await connection.exec_driver_sql("ROLLBACK")
            finally:
                await connection.exec_driver_sql(f"PRAGMA busy_timeout={BUSY_SECONDS * 1000}")
            return
        read_only = await connection.scalar(text("SHOW transaction_read_only"))
        if read_only != "off":
            raise OSError("the database accepts no writes (read-only)")
