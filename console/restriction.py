"""Restricting a case from its page (supervisors): the same service as
``PUT/DELETE /cases/{reference}/restriction`` (services/restrictions.py)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from console import access_backend
from console.backend import Problem
from console.officer import case_page_with
from console.session import Session
from console.web import checked_form, see_other, supervisor
from edge.deps import Services, services

router = APIRouter(prefix="/console", include_in_schema=False)
FORM = "restriction"  # the case page's error summary links to restriction-<field>


@router.post("/cases/{reference}/restriction")
async def restrict(
    request: Request,
    reference: str,
    form: dict[str, str] = Depends(checked_form),
    s: Session = Depends(supervisor),
    svc: Services = Depends(services),
) -> Response:
    reason, users = form.get("reason", ""), form.get("users", "")
    try:
        await access_backend.restrict(svc, s.principal, reference, reason, users)
    except Problem as problem:
        if problem.status in (403, 404):
            raise
        errors = [(f"{FORM}-{f}" if f else None, message) for f, message in problem.messages]
        submitted = {f"{FORM}-reason": reason, f"{FORM}-users": users}
        return await case_page_with(
            request, s, svc, reference, errors, FORM, submitted, problem.status
        )
    return see_other(f"/console/cases/{reference}?done=restrict#restriction")


@router.post("/cases/{reference}/restriction/lift")
async def lift(
    reference: str,
    _form: dict[str, str] = Depends(checked_form),
    s: Session = Depends(supervisor),
    svc: Services = Depends(services),
) -> Response:
    await access_backend.lift_restriction(svc, s.principal, reference)
    return see_other(f"/console/cases/{reference}?done=unrestrict#restriction")
