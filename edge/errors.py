"""Domain and workflow failures as HTTP errors, and outages as 503 with Retry-After.

Nothing a client can send is a 500: a validation error quoting a NaN or Infinity it sent is
answered with the value as text (JSON has no such numbers), a lone surrogate (``"\\ud800"``, which
no UTF-8 text can hold) anywhere in a JSON body is a 422 naming where (``edge/unicode.py``), and
the database or Temporal being unreachable, or a database write lock held past
``db.engine.BUSY_SECONDS``, is a 503 saying which, with ``Retry-After`` (``/readyz`` says the
same). A console or public page gets the 503 as a page in plain English (the console registers
it with :func:`set_outage_page`); the API gets JSON. See docs/outages.md.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, HTTPException, Request, status
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from temporalio.client import WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode

from domain.errors import UnknownValueError
from edge.unicode import LoneSurrogateGuard, printable
from services.errors import DATABASE_ERRORS, database_down

log = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = 5
# The console's page for an outage, for the paths it serves (None: answer JSON).
OutagePage = Callable[[Request, str], Response | None]
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
    if isinstance(value, str):
        return printable(value)  # a lone surrogate cannot be encoded: echo it escaped
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(item) for item in value]
    return value


async def _invalid_request(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    errors = _finite(jsonable_encoder(error.errors()))
    return JSONResponse({"detail": errors}, status_code=status.HTTP_422_UNPROCESSABLE_CONTENT)


def temporal_down(error: BaseException) -> bool:
    """Temporal is unreachable (or the case's worker did not answer in time)."""
    if isinstance(error, WorkflowUpdateRPCTimeoutOrCancelledError):
        return True
    if isinstance(error, RPCError):
        return error.status in _UNREACHABLE
    if isinstance(error, HTTPException):
        return error.status_code == status.HTTP_503_SERVICE_UNAVAILABLE
    return isinstance(error, RuntimeError) and str(error).startswith("Failed client connect")


async def _database_outage(request: Request, error: Exception) -> Response:
    if not database_down(error):
        raise error
    log.warning("database unreachable on %s %s: %s", request.method, request.url.path, error)
    return _answer(request, outage("The database"))


async def _temporal_outage(request: Request, error: Exception) -> Response:
    if isinstance(error, RuntimeError) and not str(error).startswith("Failed client connect"):
        raise error
    if isinstance(error, RPCError) and error.status not in _UNREACHABLE:
        raise error  # a request Temporal refused is our bug, not an outage: let it be a 500
    if isinstance(error, WorkflowUpdateRPCTimeoutOrCancelledError):
        log.warning("no answer in time on %s %s", request.method, request.url.path)
        return _answer(
            request, outage("The case", "did not answer in time (its worker may be restarting)")
        )
    log.warning("Temporal unreachable on %s %s: %s", request.method, request.url.path, error)
    return _answer(request, outage("Temporal"))


def set_outage_page(app: FastAPI, page: OutagePage) -> None:
    """How the console answers an outage on its own pages (HTML in plain English)."""
    app.state.outage_page = page


def _answer(request: Request, error: HTTPException) -> Response:
    page: OutagePage | None = getattr(request.app.state, "outage_page", None)
    shown = page(request, str(error.detail)) if page is not None else None
    if shown is not None:
        shown.headers.update(error.headers or {})
        return shown
    return JSONResponse(
        {"detail": error.detail}, status_code=error.status_code, headers=error.headers
    )


def install(app: FastAPI) -> None:
    app.add_middleware(LoneSurrogateGuard)
    app.add_exception_handler(RequestValidationError, _invalid_request)
    for database_error in DATABASE_ERRORS:
        app.add_exception_handler(database_error, _database_outage)
    # RuntimeError: a lazily connected client that cannot reach the server; an update that
    # timed out waiting for a worker is the same answer: try again shortly.
    for temporal_error in (RPCError, WorkflowUpdateRPCTimeoutOrCancelledError, RuntimeError):
        app.add_exception_handler(temporal_error, _temporal_outage)
