"""Reads and idempotent writes of the case record."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import UTC, datetime
from functools import cache
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import (
    Base,
    Case,
    CaseEvent,
    Letter,
    Party,
    Referral,
    ReferralStatus,
    ReportDetails,
)
from domain.vocabulary import PartyRole

Row = dict[str, Any]


async def insert_once(session: AsyncSession, row: Base) -> bool:
    """Insert a row guarded by a unique key; False when it is already there (a retry)."""
    await _open_sqlite_transaction(session)
    try:
        async with session.begin_nested():
            session.add(row)
            await session.flush()
    except IntegrityError:
        return False
    return True


async def insert_new(session: AsyncSession, model: type[Base], rows: Sequence[Row]) -> int:
    """Insert rows guarded by their unique key in one statement, skipping those already there (a
    retry); how many were new. One round trip where a savepoint per row would take four."""
    if not rows:
        return 0
    result = await session.execute(_insert_new(_dialect(session), model.__table__), list(rows))
    return int(getattr(result, "rowcount", 0) or 0)


async def upsert_case(session: AsyncSession, values: Row, opened_at: datetime) -> None:
    """Write a case's read-model row: created with ``opened_at`` once, then kept current."""
    statement = _upsert_case(_dialect(session), tuple(values))
    await session.execute(statement, {**values, "opened_at": opened_at})


# The statements are built once and take their values as parameters: built per call, with the
# values inlined, SQLAlchemy spent longer making each (and its cache key) than SQLite running it.
@cache
def _insert_new(dialect: str, table: Any) -> Any:
    # Only a clash on the row's own key means "already written"; any other is a real error.
    key = ["key"] if "key" in table.c else [column.name for column in table.primary_key]
    return _INSERTS[dialect](table).on_conflict_do_nothing(index_elements=key)


@cache
def _upsert_case(dialect: str, columns: tuple[str, ...]) -> Any:
    statement = _INSERTS[dialect](Case.__table__)
    changed = {name: statement.excluded[name] for name in columns if name != "reference"}
    return statement.on_conflict_do_update(index_elements=["reference"], set_=changed)


_INSERTS: dict[str, Any] = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}


def _dialect(session: AsyncSession) -> str:
    return session.get_bind().dialect.name


async def _open_sqlite_transaction(session: AsyncSession) -> None:
    """pysqlite begins a transaction only before INSERT/UPDATE/DELETE, so a SAVEPOINT sent first
    starts a transaction of its own whose RELEASE commits it (SQLAlchemy's pysqlite notes on
    SAVEPOINT): the row would survive a rollback of the work around it. Begin it here first."""
    connection = await session.connection()
    if connection.dialect.name != "sqlite":
        return
    driver = (await connection.get_raw_connection()).driver_connection
    if driver is not None and not driver.in_transaction:
        await connection.exec_driver_sql("BEGIN")


async def get_case(session: AsyncSession, reference: str) -> Case | None:
    return await session.get(Case, reference)


async def recorded_report(
    session: AsyncSession, reference: str
) -> tuple[str, list[str | None]] | None:
    """The narrative and party names recorded under ``reference``, if a report is."""
    details = await session.get(ReportDetails, reference)
    if details is None:
        return None
    names = await session.scalars(select(Party.name).where(Party.reference == reference))
    return details.description, list(names)


async def case_landlord(session: AsyncSession, reference: str) -> str | None:
    return await session.scalar(select(Case.landlord).where(Case.reference == reference))


async def complainant(session: AsyncSession, reference: str) -> Party | None:
    """The case's complainant as the record holds them (R8: may be anonymous)."""
    found: Party | None = (
        await session.execute(
            select(Party).where(Party.reference == reference, Party.role == PartyRole.COMPLAINANT)
        )
    ).scalar_one_or_none()
    return found


async def local_authority(session: AsyncSession, reference: str) -> str | None:
    """The local authority the report names, for letters about the ASB Case Review (R56)."""
    report = await session.get(ReportDetails, reference)
    return report.local_authority if report is not None else None


async def letter(session: AsyncSession, key: str, *, lock: bool = False) -> Letter | None:
    """A letter by its business key, locked for update when ``lock``."""
    statement = select(Letter).where(Letter.key == key)
    found: Letter | None = (
        await session.execute(statement.with_for_update() if lock else statement)
    ).scalar_one_or_none()
    return found


async def case_referrals(session: AsyncSession, reference: str) -> Sequence[Referral]:
    """A case's referrals, in the order they were made (R38)."""
    rows = await session.scalars(
        select(Referral).where(Referral.reference == reference).order_by(Referral.id)
    )
    return rows.all()


async def referral_of_case(session: AsyncSession, reference: str, key: str) -> bool:
    """Whether the referral ``key`` belongs to the case (a key of another case is unknown)."""
    found = await session.scalar(
        select(Referral.key).where(Referral.key == key, Referral.reference == reference)
    )
    return found is not None


async def lock_referral(session: AsyncSession, key: str) -> Referral | None:
    found: Referral | None = (
        await session.execute(select(Referral).where(Referral.key == key).with_for_update())
    ).scalar_one_or_none()
    return found


async def overdue_referrals(session: AsyncSession, now: datetime) -> list[str]:
    """R38: keys of referrals sent, unanswered and past their chase date, earliest first."""
    return list(
        await session.scalars(
            select(Referral.key)
            .where(
                (Referral.status == ReferralStatus.SENT)
                & Referral.responded_at.is_(None)
                & Referral.chase_due_at.is_not(None)
                & (Referral.chase_due_at <= now)
            )
            .order_by(Referral.chase_due_at, Referral.id)
        )
    )


async def record_referral_response(
    session: AsyncSession,
    key: str,
    response: str,
    *,
    actor: str = "system",
    at: datetime | None = None,
) -> Referral | None:
    """Record an agency's answer to the referral ``key`` (R38); it is no longer chased.

    None when no such referral exists. Repeating the same response changes nothing; a different
    one replaces it (the latest answer counts) and is audited as a new event. The audit entry
    holds no personal data: the response text stays on the referral row only."""
    referral: Referral | None = (
        await session.execute(select(Referral).where(Referral.key == key).with_for_update())
    ).scalar_one_or_none()
    if referral is None:
        return None
    if referral.responded_at is not None and referral.response == response:
        return referral  # a retried call
    when = at or datetime.now(UTC)
    referral.response = response
    referral.responded_at = when
    referral.status = ReferralStatus.RESPONDED
    referral.chase_due_at = None
    digest = hashlib.sha256(response.encode()).hexdigest()[:12]
    await insert_once(
        session,
        CaseEvent(
            key=f"{key}:response:{digest}",
            reference=referral.reference,
            occurred_at=when,
            actor=actor,
            action="referral_response",
            summary=f"Response from {referral.agency.replace('_', ' ')} recorded (R38).",
            data={"referral": key},
        ),
    )
    return referral


async def first(session: AsyncSession, statement: Any) -> Any:
    return (await session.execute(statement)).scalars().first()


__all__ = [
    "first",
    "get_case",
    "insert_new",
    "insert_once",
    "record_referral_response",
    "select",
    "upsert_case",
]
