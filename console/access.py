"""Admin pages: who read a case's personal data, and what a user read (issue 16).

The same service as ``GET /cases/{ref}/access-records`` and ``GET /users/{id}/access-records``
(services/access.py), the same keyset cursor in the "Older records" link.
"""

from __future__ import annotations

import re

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from console import access_backend, backend
from console.backend import Problem
from console.session import Session
from console.web import admin, render, see_other
from domain.vocabulary import is_staff_id
from edge.deps import Services, services

router = APIRouter(prefix="/console/access", include_in_schema=False)
PAGE = 50
REFERENCE = re.compile(r"^[A-Za-z0-9-]{1,40}$")
CURSOR = Query("", max_length=100)


@router.get("", response_class=HTMLResponse)
async def find(
    request: Request,
    case: str = Query("", max_length=60),
    user: str = Query("", max_length=120),
    s: Session = Depends(admin),
) -> Response:
    """Look up by case reference or user id; a valid one goes to its page."""
    errors: list[tuple[str | None, str]] = []
    if case.strip():
        if REFERENCE.match(case.strip()):
            return see_other(f"/console/access/cases/{case.strip()}")
        errors.append(("case", "Enter a case reference, like ASB-2026-0000ABCD"))
    elif user.strip():
        if is_staff_id(user.strip()):
            return see_other(f"/console/access/users/{user.strip()}")
        errors.append(("user", "Enter a user id: letters, digits, dots, hyphens or underscores"))
    return render(
        request, "access_find.html", s, 422 if errors else 200, title="Access records",
        errors=errors, values={"case": case, "user": user},
    )  # fmt: skip


@router.get("/cases/{reference}", response_class=HTMLResponse)
async def by_case(
    request: Request,
    reference: str,
    cursor: str = CURSOR,
    s: Session = Depends(admin),
    svc: Services = Depends(services),
) -> Response:
    await backend.case_row(svc, s.principal, reference)  # another landlord's: 404
    found = await access_backend.reads_by_case(svc, s.principal, reference, PAGE, cursor)
    return render(
        request, "access_records.html", s, title=f"Access records of case {reference}",
        heading=f"Who read case {reference}", subject="case", subject_value=reference,
        found=found, older=access_backend.older(found),
    )  # fmt: skip


@router.get("/users/{user_id}", response_class=HTMLResponse)
async def by_user(
    request: Request,
    user_id: str,
    cursor: str = CURSOR,
    s: Session = Depends(admin),
    svc: Services = Depends(services),
) -> Response:
    if not is_staff_id(user_id):
        raise Problem([(None, "There is no such user id.")], 404)
    found = await access_backend.reads_by_user(svc, s.principal, user_id, PAGE, cursor)
    return render(
        request, "access_records.html", s, title=f"Access records of {user_id}",
        heading=f"Cases {user_id} read", subject="user", subject_value=user_id,
        found=found, older=access_backend.older(found),
    )  # fmt: skip
