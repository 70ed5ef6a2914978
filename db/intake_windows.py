"""The shared intake rate-limit counter: hits per client digest per fixed window."""

from __future__ import annotations

from typing import Any

from sqlalchemy import BigInteger, Integer, String, delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlalchemy.orm import Mapped, mapped_column

from db.models import Base


class IntakeWindow(Base):
    __tablename__ = "intake_windows"

    client_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    window: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    hits: Mapped[int] = mapped_column(Integer)


_INSERTS: dict[str, Any] = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}


async def count_hit(sessions: async_sessionmaker[Any], client_hash: str, window: int) -> int:
    """Count one hit and return the window's total, atomically on either database."""
    table = IntakeWindow.__table__
    async with sessions() as session, session.begin():
        insert = _INSERTS[session.get_bind().dialect.name](table)
        counted = (
            insert.values(client_hash=client_hash, window=window, hits=1)
            .on_conflict_do_update(
                index_elements=["client_hash", "window"], set_={"hits": table.c.hits + 1}
            )
            .returning(table.c.hits)
        )
        hits = (await session.execute(counted)).scalar_one()
        # Past windows count for nothing: dropping them keeps the table one window deep.
        await session.execute(delete(IntakeWindow).where(IntakeWindow.window < window - 1))
    return int(hits)
