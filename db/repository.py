"""Reads and idempotent writes of the case record."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Base, Case


async def insert_once(session: AsyncSession, row: Base) -> bool:
    """Insert a row guarded by a unique key; False when it is already there (a retry)."""
    try:
        async with session.begin_nested():
            session.add(row)
            await session.flush()
    except IntegrityError:
        return False
    return True


async def get_case(session: AsyncSession, reference: str) -> Case | None:
    return await session.get(Case, reference)


async def first(session: AsyncSession, statement: Any) -> Any:
    return (await session.execute(statement)).scalars().first()


__all__ = ["first", "get_case", "insert_once", "select"]
