"""Domain and workflow failures as HTTP errors."""

from __future__ import annotations

from fastapi import HTTPException, status
from temporalio.client import WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode

from domain.errors import UnknownValueError


def unprocessable(field: str, error: UnknownValueError | str) -> HTTPException:
    """422 in FastAPI's own shape, so every validation error reads the same."""
    return HTTPException(
        status.HTTP_422_UNPROCESSABLE_CONTENT,
        [{"loc": ["body", field], "msg": str(error), "type": "value_error"}],
    )


def refused(error: WorkflowUpdateFailedError) -> HTTPException:
    """409 with the workflow's reason: the case's stage or policy forbids the action."""
    cause = error.cause
    reason = cause.message if isinstance(cause, ApplicationError) else str(cause or error)
    return HTTPException(status.HTTP_409_CONFLICT, {"reason": reason})


def forbidden(reason: str) -> HTTPException:
    return HTTPException(status.HTTP_403_FORBIDDEN, reason)


def unavailable(error: RPCError) -> HTTPException:
    if error.status == RPCStatusCode.NOT_FOUND:
        return HTTPException(status.HTTP_404_NOT_FOUND, "no such case")
    return HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, f"case engine unavailable: {error}")
