"""The staff directory: who an officer is to a resident (name, title, phone, email).

Letters name officers from here and never by user name. Assigning a case to an id that is not
in its landlord's directory is refused (api/actions.py), so every named officer can be printed.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from importlib import resources
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.engine import create_engine, session_factory
from db.models import StaffMember
from db.repository import insert_new

STAFF_FIELDS = ("display_name", "job_title", "phone", "email", "active")


async def find_staff(session: AsyncSession, landlord: str, staff_id: str) -> StaffMember | None:
    found: StaffMember | None = await session.get(StaffMember, (landlord, staff_id))
    return found


async def is_active_staff(session: AsyncSession, landlord: str, staff_id: str) -> bool:
    member = await find_staff(session, landlord, staff_id)
    return member is not None and member.active


async def list_staff(session: AsyncSession, landlord: str) -> Sequence[StaffMember]:
    statement = (
        select(StaffMember).where(StaffMember.landlord == landlord).order_by(StaffMember.staff_id)
    )
    return (await session.execute(statement)).scalars().all()


async def put_staff(
    session: AsyncSession, landlord: str, staff_id: str, values: dict[str, Any]
) -> tuple[StaffMember, bool]:
    """Create or replace one entry; True when it was created."""
    now = datetime.now(UTC)
    member = await find_staff(session, landlord, staff_id)
    if member is None:
        member = StaffMember(landlord=landlord, staff_id=staff_id, updated_at=now, **values)
        session.add(member)
        await session.flush()
        return member, True
    for name in STAFF_FIELDS:
        if name in values:
            setattr(member, name, values[name])
    member.updated_at = now
    await session.flush()
    return member, False


LETTER_FIELDS = ("display_name", "job_title", "phone", "email")


async def sync_staff(
    session: AsyncSession, landlord: str, staff_id: str, claimed: dict[str, str]
) -> StaffMember:
    """Keep an entry in step with the identity provider's claims (non-blank values only, so
    a claim the provider does not send never blanks what a supervisor entered). A person new
    to the directory is added, active only when the claims gave every field a letter prints:
    otherwise letters would sign with a blank phone or title, so a supervisor completes the
    entry (PUT /staff/{id}) and it signs letters from then on. ``active`` is never changed
    here: a leaver switched off stays off."""
    member = await find_staff(session, landlord, staff_id)
    if member is None:
        values = {name: claimed.get(name, "") for name in LETTER_FIELDS}
        member, _ = await put_staff(
            session, landlord, staff_id, {**values, "active": all(values.values())}
        )
        return member
    changed = {
        name: value
        for name, value in claimed.items()
        if name in LETTER_FIELDS and value and getattr(member, name) != value
    }
    if changed:
        member, _ = await put_staff(session, landlord, staff_id, changed)
    return member


def seed_entries() -> list[dict[str, Any]]:
    """The development directory (db/staff_seed.toml), one entry per person."""
    text = (resources.files("db") / "staff_seed.toml").read_text("utf-8")
    entries: list[dict[str, Any]] = tomllib.loads(text)["staff"]
    return entries


async def seed_development_staff(url: str, landlords: Iterable[str]) -> int:
    """``make run``, the benchmark, the soak and the fuzz run: the development directory."""
    engine = create_engine(url)
    try:
        return await seed_staff(session_factory(engine), landlords)
    finally:
        await engine.dispose()


async def seed_staff(
    sessions: async_sessionmaker[Any],
    landlords: Iterable[str],
    extra: Iterable[dict[str, Any]] = (),
) -> int:
    """Add the development directory for each landlord; entries already there are kept."""
    now = datetime.now(UTC)
    rows = [
        {"landlord": code, "active": True, "updated_at": now, **entry}
        for code in landlords
        for entry in [*seed_entries(), *extra]
    ]
    async with sessions() as session, session.begin():
        return await insert_new(session, StaffMember, rows)
