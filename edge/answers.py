"""The services' refusals as HTTP answers: one mapping for the API (JSON, installed as exception
handlers) and the console (which turns the same answer into its error summary)."""

from __future__ import annotations

from fastapi import FastAPI, HTTPException, Request, status
from fastapi.responses import JSONResponse

from edge.errors import RETRY_AFTER_SECONDS, unprocessable
from edge.idempotency import KEY_HEADER
from services.access import AccessNotRecorded
from services.errors import (
    CaseFinished,
    CaseNotFound,
    InvalidInput,
    KeyInFlight,
    KeyReused,
    NotFound,
    NotPermitted,
    Refused,
    ServiceError,
)


def http_error(error: ServiceError | AccessNotRecorded) -> HTTPException:
    """The answer for a refusal; the reason is the service's own (plain English)."""
    if isinstance(error, InvalidInput):
        return unprocessable(error.field, error.message)
    if isinstance(error, CaseNotFound | NotFound):
        return HTTPException(status.HTTP_404_NOT_FOUND, str(error))
    if isinstance(error, NotPermitted):
        return HTTPException(status.HTTP_403_FORBIDDEN, str(error))
    if isinstance(error, Refused | CaseFinished):
        return HTTPException(status.HTTP_409_CONFLICT, {"reason": str(error)})
    if isinstance(error, KeyReused):
        return HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            [{"loc": ["header", KEY_HEADER], "type": "value_error",
              "msg": "this Idempotency-Key was used before with a different request; "
              "use a new key for a new request"}],
        )  # fmt: skip
    if isinstance(error, KeyInFlight):
        return HTTPException(
            status.HTTP_409_CONFLICT,
            {"reason": "A request with this Idempotency-Key is still being processed; "
             "retry it shortly."},
            headers={"Retry-After": "1"},
        )  # fmt: skip
    if isinstance(error, AccessNotRecorded):
        return HTTPException(
            status.HTTP_503_SERVICE_UNAVAILABLE,
            "the read could not be recorded in the access log, so the case is not shown; try again",
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )
    return HTTPException(status.HTTP_409_CONFLICT, {"reason": str(error)})


async def _refused(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, ServiceError | AccessNotRecorded)
    answer = http_error(error)
    return JSONResponse(
        {"detail": answer.detail}, status_code=answer.status_code, headers=answer.headers
    )


def install(app: FastAPI) -> None:
    app.add_exception_handler(ServiceError, _refused)
    app.add_exception_handler(AccessNotRecorded, _refused)
