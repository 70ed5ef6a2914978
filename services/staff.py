"""The landlord's staff directory: who may be given a case and named in its letters (R13, R19).
Supervisors keep it (``PUT /staff/{id}``); with an identity provider, sign-in keeps each
person's name, email and job title in step with its claims."""

from __future__ import annotations

from typing import Any

from db import staff as store
from db.models import StaffMember
from services.context import Services

__all__ = ["StaffMember", "directory", "find", "keep_in_step", "names", "put"]


async def directory(svc: Services, landlord: str) -> list[StaffMember]:
    async with svc.sessions() as session:
        return list(await store.list_staff(session, landlord))


async def names(svc: Services, landlord: str) -> dict[str, str]:
    """Staff id -> display name: people are named as letters name them, never by user name."""
    return {member.staff_id: member.display_name for member in await directory(svc, landlord)}


async def find(svc: Services, landlord: str, staff_id: str) -> StaffMember | None:
    async with svc.sessions() as session:
        return await store.find_staff(session, landlord, staff_id)


async def put(
    svc: Services, landlord: str, staff_id: str, values: dict[str, Any]
) -> tuple[StaffMember, bool]:
    """Add or update the entry; True when it was added."""
    async with svc.sessions() as session, session.begin():
        return await store.put_staff(session, landlord, staff_id, values)


async def keep_in_step(
    svc: Services, landlord: str, staff_id: str, claimed: dict[str, str]
) -> None:
    """Write what the identity provider says of the person into the directory."""
    async with svc.sessions() as session, session.begin():
        await store.sync_staff(session, landlord, staff_id, claimed)
