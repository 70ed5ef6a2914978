"""Who may see which case: a case of another landlord, or a restricted case the caller is not
named on (and does not supervise), is indistinguishable from no case (404). A route that shows
the case's personal data uses :func:`read_case_for`, which records the read first and refuses it
(503) when the record cannot be written (services/access.py)."""

from __future__ import annotations

from typing import Any

from fastapi import HTTPException, status
from temporalio.client import WorkflowHandle

from edge.auth import Principal
from edge.deps import Services
from edge.errors import RETRY_AFTER_SECONDS
from services.access import AccessNotRecorded, Reader, Route, read_case, visible_case
from services.cases import case_handle as _case_handle
from services.records import CaseRow

__all__ = ["Route", "case_for", "case_handle", "not_found", "read_case_for", "reader"]


def not_found(reference: str) -> HTTPException:
    return HTTPException(status.HTTP_404_NOT_FOUND, f"no case {reference}")


def reader(principal: Principal) -> Reader:
    return Reader(principal.user_id, tuple(principal.roles), principal.landlord)


def not_recorded() -> HTTPException:
    return HTTPException(
        status.HTTP_503_SERVICE_UNAVAILABLE,
        "the read could not be recorded in the access log, so the case is not shown; try again",
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
    )


async def case_for(svc: Services, principal: Principal, reference: str) -> CaseRow:
    """The case's read-model row, or 404 when the caller may not open it (or it is unknown)."""
    case = await visible_case(svc.sessions, reader(principal), reference)
    if case is None:
        raise not_found(reference)
    return case


async def read_case_for(
    svc: Services, principal: Principal, reference: str, route: Route
) -> CaseRow:
    """As :func:`case_for`, for a read of the case's personal data: recorded, or refused."""
    try:
        case = await read_case(svc.sessions, reader(principal), reference, route)
    except AccessNotRecorded:
        raise not_recorded() from None
    if case is None:
        raise not_found(reference)
    return case


def case_handle(svc: Services, reference: str) -> WorkflowHandle[Any, Any]:
    return _case_handle(svc.client, reference)
