"""Statuses are enums stored as such: the database itself refuses a value no code knows."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import bindparam, select, text
from sqlalchemy.exc import IntegrityError, StatementError
from sqlalchemy.ext.asyncio import async_sessionmaker

from db.models import Case, Letter, LetterStatus, OfficerTask, TaskKind, UtcDateTime
from domain.case import Stage
from domain.commands import LetterKind


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


@pytest.mark.parametrize(
    ("table", "columns", "values"),
    [
        # A letter kind no code renders (the two test-only templates are gone).
        ("letters", "key, reference, kind, channel, status, subject, body, created_at",
         "'ASB-ST:letter:3', 'ASB-ST', 'route_decision', 'post', 'pending', '', '', :now"),
        ("officer_tasks", "key, reference, kind, summary, created_at",
         "'ASB-ST:task:1', 'ASB-ST', 'chores', 's', :now"),
        ("escalations", "key, reference, reason, clock, summary, raised_at",
         "'ASB-ST:esc:1', 'ASB-ST', 'deadline_missed', 'sundial', 's', :now"),
        ("escalations", "key, reference, reason, clock, summary, raised_at",
         "'ASB-ST:esc:2', 'ASB-ST', 'felt_like_it', 'stall', 's', :now"),
    ],
    ids=["letter kind", "task kind", "escalation clock", "escalation reason"],
)  # fmt: skip
async def test_kinds_and_clocks_outside_their_enums_are_refused(
    sessions: async_sessionmaker[Any], table: str, columns: str, values: str
) -> None:
    insert = text(f"INSERT INTO {table} ({columns}) VALUES ({values})").bindparams(
        bindparam("now", datetime.now(UTC), type_=UtcDateTime())
    )
    async with sessions() as session:
        with pytest.raises(IntegrityError):
            await session.execute(insert)
        await session.rollback()


async def test_rows_read_back_as_enums(sessions: async_sessionmaker[Any]) -> None:
    now = datetime.now(UTC)
    async with sessions() as session, session.begin():
        session.add(Letter(key="ASB-ST:letter:4", reference="ASB-ST", kind=LetterKind.ABC,
                           channel="post", status=LetterStatus.PENDING, subject="", body="",
                           created_at=now))  # fmt: skip
        session.add(OfficerTask(key="ASB-ST:task:2", reference="ASB-ST", kind=TaskKind.LETTER,
                                summary="s", created_at=now))  # fmt: skip
    async with sessions() as session:
        letter = (
            await session.scalars(select(Letter).where(Letter.key == "ASB-ST:letter:4"))
        ).one()
        task = await session.scalars(select(OfficerTask).where(OfficerTask.reference == "ASB-ST"))
        assert letter.kind is LetterKind.ABC and letter.status is LetterStatus.PENDING
        assert [t.kind for t in task] == [TaskKind.LETTER]


async def test_a_case_holds_only_a_stage_of_the_stage_machine(
    sessions: async_sessionmaker[Any],
) -> None:
    """cases.stage is domain.case.Stage: a stage the machine (domain/stages.py) lacks is refused
    by the database itself, and a row reads back as the enum."""
    now = datetime.now(UTC)
    async with sessions() as session, session.begin():
        session.add(Case(reference="ASB-ST-C", landlord="X", policy_version="X-1",
                         stage=Stage.INVESTIGATION, tier="standard", received_at=now,
                         opened_at=now, updated_at=now))  # fmt: skip
    async with sessions() as session:
        with pytest.raises(IntegrityError):
            await session.execute(
                text("UPDATE cases SET stage = 'investigating' WHERE reference = 'ASB-ST-C'")
            )
        await session.rollback()
        row = (await session.scalars(select(Case).where(Case.reference == "ASB-ST-C"))).one()
        assert row.stage is Stage.INVESTIGATION
