"""The console's door to access records and restricted cases (console/backend.py's part for
issue 16, kept apart for size): the same services as the API's ``api/access_log.py``."""

from __future__ import annotations

from fastapi import HTTPException

from console.backend import Problem
from edge import cursors
from edge.access import reader
from edge.auth import Principal
from edge.deps import Services
from services import access, restrictions
from services.access import AccessPage
from services.errors import InvalidInput

__all__ = ["AccessPage", "lift_restriction", "older", "reads_by_case", "reads_by_user", "restrict"]


def _before(cursor: str) -> int | None:
    if not cursor:
        return None
    try:
        return cursors.decode_before(cursor)
    except HTTPException:  # the API's 422 naming the cursor
        raise Problem([(None, "This link to older records is not valid.")], 422) from None


def older(found: AccessPage) -> str | None:
    """The cursor of the next (older) page, as the API's ``next_cursor``."""
    return cursors.encode_before(found.next_before) if found.next_before else None


async def reads_by_case(
    svc: Services, principal: Principal, reference: str, limit: int, cursor: str
) -> AccessPage:
    return await access.reads_of_case(svc, reader(principal), reference, limit, _before(cursor))


async def reads_by_user(
    svc: Services, principal: Principal, user_id: str, limit: int, cursor: str
) -> AccessPage:
    return await access.reads_by_user(svc, reader(principal), user_id, limit, _before(cursor))


async def restrict(
    svc: Services, principal: Principal, reference: str, reason: str, users: str
) -> None:
    """As ``PUT /cases/{reference}/restriction``: the users are staff ids, separated by commas
    or spaces."""
    try:
        code = restrictions.Reason(reason)
    except ValueError:
        choices = ", ".join(r.value for r in restrictions.Reason)
        raise Problem([("reason", f"Choose a reason: {choices}")]) from None
    named = [user for user in users.replace(",", " ").split() if user]
    try:
        await restrictions.restrict(svc, reader(principal), reference, code, named)
    except restrictions.CaseUnknown:
        raise Problem([(None, f"There is no case {reference}.")], 404) from None
    except restrictions.NotSupervisor as refused:
        raise Problem([(None, str(refused))], 403) from None
    except InvalidInput as invalid:
        raise Problem([(invalid.field, f"Named users: {invalid.message}")]) from None


async def lift_restriction(svc: Services, principal: Principal, reference: str) -> None:
    """As ``DELETE /cases/{reference}/restriction``."""
    try:
        await restrictions.lift(svc, reader(principal), reference)
    except restrictions.CaseUnknown:
        raise Problem([(None, f"There is no case {reference}.")], 404) from None
    except restrictions.NotSupervisor as refused:
        raise Problem([(None, str(refused))], 403) from None
