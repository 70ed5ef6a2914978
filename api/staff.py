"""The staff directory: how letters name officers (display name, job title, phone, email).

Supervisors and admins manage it; the identity provider keeps name, email and job title in step
from its claims (edge/auth.py).
A case can be given only to an active member of its landlord's directory (api/actions.py).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path, Response, status
from pydantic import BaseModel, ConfigDict, EmailStr, Field, StringConstraints

from core.policies import load_policy, load_profile
from domain.vocabulary import STAFF_ID_PATTERN
from edge.auth import STAFF, SUPERVISORS, Principal, require_roles
from edge.deps import Services, services
from services import staff

router = APIRouter(tags=["staff directory"])
Line = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
StaffId = Annotated[str, Path(pattern=STAFF_ID_PATTERN)]


class StaffIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    display_name: Line = Field(examples=["Sam Jones"])
    job_title: Line = Field(examples=["Neighbourhood ASB Officer"])
    phone: Annotated[
        str, StringConstraints(strip_whitespace=True, pattern=r"^\+?[0-9 ()-]{6,40}$")
    ] = Field(examples=["01632 960 911"])
    email: EmailStr
    active: bool = True


class StaffOut(BaseModel):
    """An entry as kept: one added from the identity provider's claims may lack the phone or
    job title until a supervisor completes it (it is inactive until then: db/staff.py)."""

    staff_id: str
    landlord: str
    display_name: str
    job_title: str
    phone: str
    email: str
    active: bool
    updated_at: datetime


@router.get("/staff", response_model=list[StaffOut], summary="Your landlord's staff directory")
async def directory(
    principal: Principal = Depends(require_roles(*STAFF)),
    svc: Services = Depends(services),
) -> list[StaffOut]:
    found = await staff.directory(svc, principal.landlord)
    return [StaffOut.model_validate(m, from_attributes=True) for m in found]


@router.get("/staff/{staff_id}", response_model=StaffOut, summary="One directory entry")
async def entry(
    staff_id: StaffId,
    principal: Principal = Depends(require_roles(*STAFF)),
    svc: Services = Depends(services),
) -> StaffOut:
    member = await staff.find(svc, principal.landlord, staff_id)
    if member is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no staff member {staff_id}")
    return StaffOut.model_validate(member, from_attributes=True)


@router.put(
    "/staff/{staff_id}",
    response_model=StaffOut,
    summary="Add or update a directory entry",
    responses={201: {"description": "Added"}},
)
async def put_entry(
    staff_id: StaffId,
    body: StaffIn,
    response: Response,
    principal: Principal = Depends(require_roles(*SUPERVISORS)),
    svc: Services = Depends(services),
) -> StaffOut:
    """``staff_id`` is the user's id in bearer tokens (the ``sub`` claim)."""
    member, created = await staff.put(
        svc, principal.landlord, staff_id, body.model_dump(mode="json")
    )
    if created:
        response.status_code = status.HTTP_201_CREATED
    return StaffOut.model_validate(member, from_attributes=True)


class CaseReviewOut(BaseModel):
    local_authority: str
    contact: str


class LandlordOut(BaseModel):
    """How residents reach the landlord, as its letters print it (domain/profiles/)."""

    code: str
    name: str
    profile_version: str
    team: str
    phone: str
    email: str
    website: str | None
    address: list[str]
    office_hours: str
    case_review: list[CaseReviewOut]


@router.get("/landlord", response_model=LandlordOut, summary="Your landlord's contact details")
async def landlord(principal: Principal = Depends(require_roles(*STAFF))) -> LandlordOut:
    profile = load_profile(principal.landlord)
    return LandlordOut(
        name=load_policy(principal.landlord).name,
        **profile.model_dump(mode="json", exclude={"effective_from"}),
    )
