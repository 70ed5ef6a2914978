"""Who may see which case: a case of another landlord is indistinguishable from no case."""

from __future__ import annotations

from typing import Any

from fastapi import HTTPException, status
from temporalio.client import WorkflowHandle

from api.auth import Principal
from api.deps import Services
from services.cases import case_handle as _case_handle
from services.cases import find_case
from services.records import CaseRow


def not_found(reference: str) -> HTTPException:
    return HTTPException(status.HTTP_404_NOT_FOUND, f"no case {reference}")


async def case_for(svc: Services, principal: Principal, reference: str) -> CaseRow:
    """The case's read-model row, or 404 when it is unknown or another landlord's."""
    case = await find_case(svc.sessions, reference)
    if case is None or case.landlord != principal.landlord:
        raise not_found(reference)
    return case


def case_handle(svc: Services, reference: str) -> WorkflowHandle[Any, Any]:
    return _case_handle(svc.client, reference)
