"""Access records (admins list who read a case, and what a user read) and restricted cases
(supervisors restrict a case to named users). The rules are in services/access.py and
services/restrictions.py; this module translates."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Depends, Path, Query, Response, status
from pydantic import BaseModel, ConfigDict, Field

from domain.vocabulary import STAFF_ID_PATTERN
from edge import cursors
from edge.access import not_found, reader
from edge.auth import STAFF, SUPERVISORS, Principal, require_roles
from edge.deps import Services, services
from edge.errors import forbidden, unprocessable
from services import access, restrictions
from services.errors import InvalidInput

router = APIRouter(tags=["access records"])
ADMIN = require_roles("admin")


class AccessRecordOut(BaseModel):
    id: int
    reference: str
    user_id: str
    role: str = Field(description="The roles the user held when reading")
    route: access.Route = Field(description="Where the personal data was read")
    workflow_id: str | None = Field(description="The workflow decoded (route codec_decode)")
    accessed_at: datetime


class AccessPageOut(BaseModel):
    limit: int
    items: list[AccessRecordOut]
    next_cursor: str | None = Field(
        description="pass as ?cursor= for the next (older) page; null on the last page"
    )


class RestrictionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: restrictions.Reason
    users: list[str] = Field(
        max_length=restrictions.MAX_NAMED,
        description="Staff ids (besides the landlord's supervisors) who may open the case",
    )


class RestrictionOut(BaseModel):
    reference: str
    restricted: bool
    reason: str | None = None
    users: list[str] = []
    restricted_by: str | None = None
    restricted_at: datetime | None = None


LIMIT = Query(50, ge=1, le=500)
CURSOR = Query(None, max_length=100, description="next_cursor of the previous page")


def _page(found: access.AccessPage, limit: int) -> AccessPageOut:
    return AccessPageOut(
        limit=limit,
        items=[AccessRecordOut.model_validate(row, from_attributes=True) for row in found.items],
        next_cursor=cursors.encode_before(found.next_before) if found.next_before else None,
    )


@router.get(
    "/cases/{reference}/access-records",
    response_model=AccessPageOut,
    summary="Who read this case's personal data (admins)",
)
async def by_case(
    reference: str = Path(max_length=40),
    limit: int = LIMIT,
    cursor: str | None = CURSOR,
    principal: Principal = Depends(ADMIN),
    svc: Services = Depends(services),
) -> AccessPageOut:
    """Newest first. A case of another landlord is unknown (404), as everywhere."""
    before = cursors.decode_before(cursor) if cursor else None
    found = await access.reads_of_case(svc, reader(principal), reference, limit, before)
    return _page(found, limit)


@router.get(
    "/users/{user_id}/access-records",
    response_model=AccessPageOut,
    summary="Which cases a user read (admins)",
)
async def by_user(
    user_id: str = Path(pattern=STAFF_ID_PATTERN),
    limit: int = LIMIT,
    cursor: str | None = CURSOR,
    principal: Principal = Depends(ADMIN),
    svc: Services = Depends(services),
) -> AccessPageOut:
    before = cursors.decode_before(cursor) if cursor else None
    found = await access.reads_by_user(svc, reader(principal), user_id, limit, before)
    return _page(found, limit)


def _restriction_out(reference: str, found: restrictions.Restriction | None) -> RestrictionOut:
    if found is None:
        return RestrictionOut(reference=reference, restricted=False)
    return RestrictionOut(
        reference=reference, restricted=True, reason=found.reason, users=found.users,
        restricted_by=found.restricted_by, restricted_at=found.restricted_at,
    )  # fmt: skip


@router.get(
    "/cases/{reference}/restriction",
    response_model=RestrictionOut,
    summary="Whether the case is restricted, and to whom",
)
async def restriction(
    reference: str,
    principal: Principal = Depends(require_roles(*STAFF)),
    svc: Services = Depends(services),
) -> RestrictionOut:
    try:
        found = await restrictions.shown(svc, reader(principal), reference)
    except restrictions.CaseUnknown:
        raise not_found(reference) from None
    return _restriction_out(reference, found)


@router.put(
    "/cases/{reference}/restriction",
    response_model=RestrictionOut,
    summary="Restrict the case to named users (supervisors)",
)
async def restrict(
    reference: str,
    body: RestrictionIn,
    principal: Principal = Depends(require_roles(*SUPERVISORS)),
    svc: Services = Depends(services),
) -> RestrictionOut:
    """Only the named users and the landlord's supervisors can then open the case; for anyone
    else every route answers 404 and lists leave it out. Putting again replaces the named
    users. Each change is audited on the case's timeline."""
    try:
        found = await restrictions.restrict(
            svc, reader(principal), reference, body.reason, body.users
        )
    except restrictions.CaseUnknown:
        raise not_found(reference) from None
    except restrictions.NotSupervisor as refused:
        raise forbidden(str(refused)) from None
    except InvalidInput as invalid:
        raise unprocessable(invalid.field, invalid.message) from None
    return _restriction_out(reference, found)


@router.delete(
    "/cases/{reference}/restriction",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    summary="Lift the case's restriction (supervisors); lifting none changes nothing",
)
async def lift(
    reference: str,
    principal: Principal = Depends(require_roles(*SUPERVISORS)),
    svc: Services = Depends(services),
) -> Response:
    try:
        await restrictions.lift(svc, reader(principal), reference)
    except restrictions.CaseUnknown:
        raise not_found(reference) from None
    except restrictions.NotSupervisor as refused:
        raise forbidden(str(refused)) from None
    return Response(status_code=status.HTTP_204_NO_CONTENT)
