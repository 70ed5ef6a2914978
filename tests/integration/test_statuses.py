"""Statuses are enums stored as such: the database itself refuses a value no code knows."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import bindparam, text
from sqlalchemy.exc import IntegrityError, StatementError
from sqlalchemy.ext.asyncio import async_sessionmaker

from db.models import Letter, LetterStatus, UtcDateTime


async def test_a_letter_status_outside_the_enum_is_refused(
    sessions: async_sessionmaker[Any],
) -> None:
    insert = text(
        "INSERT INTO letters (key, reference, kind, channel, status, subject, body, created_at) "
        "VALUES ('ASB-ST:letter:1', 'ASB-ST', 'warning', 'post', 'lost_in_post', '', '', :now)"
    ).bindparams(bindparam("now", datetime.now(UTC), type_=UtcDateTime()))
    async with sessions() as session:
        with pytest.raises(IntegrityError):
            await session.execute(insert)
        await session.rollback()


async def test_the_model_refuses_an_unknown_status_before_the_database(
    sessions: async_sessionmaker[Any],
) -> None:
    letter = Letter(
        key="ASB-ST:letter:2", reference="ASB-ST", kind="warning", channel="post",
        status="lost_in_post", subject="", body="", created_at=datetime.now(UTC),
    )  # fmt: skip
    async with sessions() as session:
        session.add(letter)
        with pytest.raises(StatementError, match="lost_in_post"):
            await session.flush()
        await session.rollback()
    assert "sent" in {status.value for status in LetterStatus}
