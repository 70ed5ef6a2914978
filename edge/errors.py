"""Domain and workflow failures as HTTP errors, and outages as 503 with Retry-After.

Nothing a client can send is a 500: a validation error quoting a NaN or Infinity it sent is
answered with the value as text (JSON has no such numbers), and the database or Temporal being
unreachable is a 503 saying which, with ``Retry-After`` (``/readyz`` says the same).
"""

from __future__ import annotations

import logging
import math
from typing import Any

from fastapi import FastAPI, HTTPException, Request, status
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from temporalio.client import WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode

from domain.errors import UnknownValueError
from services.errors import DATABASE_ERRORS, database_down

log = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = 5
_UNREACHABLE = {
    RPCStatusCode.UNAVAILABLE,
    RPCStatusCode.DEADLINE_EXCEEDED,
    RPCStatusCode.CANCELLED,
    RPCStatusCode.RESOURCE_EXHAUSTED,
    RPCStatusCode.ABORTED,
}


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
    return outage("Temporal")


def outage(component: str, problem: str = "is unreachable") -> HTTPException:
    return HTTPException(
        status.HTTP_503_SERVICE_UNAVAILABLE,
        f"{component} {problem}; retry in a few seconds",
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
    )


def _finite(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)  # 'nan', 'inf': JSON has no such numbers
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(item) for item in value]
    return value


async def _invalid_request(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    errors = _finite(jsonable_encoder(error.errors()))
    return JSONResponse({"detail": errors}, status_code=status.HTTP_422_UNPROCESSABLE_CONTENT)


async def _database_outage(request: Request, error: Exception) -> JSONResponse:
    if not database_down(error):
        raise error
    log.warning("database unreachable on %s %s: %s", request.method, request.url.path, error)
    return _answer(outage("The database"))


async def _temporal_outage(request: Request, error: Exception) -> JSONResponse:
    if isinstance(error, RuntimeError) and not str(error).startswith("Failed client connect"):
        raise error
    if isinstance(error, RPCError) and error.status not in _UNREACHABLE:
        raise error  # a request Temporal refused is our bug, not an outage: let it be a 500
    if isinstance(error, WorkflowUpdateRPCTimeoutOrCancelledError):
        log.warning("no answer in time on %s %s", request.method, request.url.path)
        return _answer(outage("The case", "did not answer in time (its worker may be restarting)"))
    log.warning("Temporal unreachable on %s %s: %s", request.method, request.url.path, error)
    return _answer(outage("Temporal"))


def _answer(error: HTTPException) -> JSONResponse:
    return JSONResponse(
        {"detail": error.detail}, status_code=error.status_code, headers=error.headers
    )


def install(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _invalid_request)
    for database_error in DATABASE_ERRORS:
        app.add_exception_handler(database_error, _database_outage)
    # RuntimeError: a lazily connected client that cannot reach the server; an update that
    # timed out waiting for a worker is the same answer: try again shortly.
    for temporal_error in (RPCError, WorkflowUpdateRPCTimeoutOrCancelledError, RuntimeError):
        app.add_exception_handler(temporal_error, _temporal_outage)
