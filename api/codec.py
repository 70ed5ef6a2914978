"""Codec endpoint for the Temporal Web UI: decrypts payloads for authenticated supervisors.

The UI (Settings -> Codec Server, or ``TEMPORAL_CODEC_ENDPOINT``) posts
``{"payloads": [{"metadata": {...}, "data": "..."}]}`` (protobuf JSON, bytes in base64) to
``<endpoint>/decode`` and shows what comes back; ``/encode`` is the reverse. Only a supervisor's
bearer token is accepted, and only the payloads of that supervisor's landlord's cases are decoded:
each payload names its workflow (bound to its ciphertext, ``core/codec.py``), and the case's
landlord is read from the record. Any other payload comes back still encrypted. Each case
decoded writes an access record first (route codec_decode, with the workflow id); if it cannot
be written nothing is decoded (503). A payload that
cannot be one of ours (truncated, altered) is a 400 naming it. The browser calls from the UI's
origin, so CORS allows exactly the origins in ``ASB_CODEC_CORS_ORIGINS``, and only on ``/codec/*``.

Wire it into the app with ``install(app, settings)``.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Request, status
from fastapi.responses import JSONResponse
from google.protobuf import json_format
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send
from temporalio.api.common.v1 import Payload, Payloads

from core.codec import ENCODING, CodecError, EncryptionCodec, MalformedPayload, workflow_of
from core.settings import Settings
from edge.access import not_recorded, reader
from edge.auth import SUPERVISORS, Principal, require_roles
from edge.deps import Services, services
from services.access import AccessNotRecorded, decodable, record_decodes

log = logging.getLogger(__name__)
PREFIX = "/codec"
CASE_PREFIX = "case-"

router = APIRouter(prefix=PREFIX, tags=["codec"])
SUPERVISOR = require_roles(*SUPERVISORS)  # supervisors (and admins) read decrypted histories
Transform = Callable[[Iterable[Payload]], Awaitable[list[Payload]]]

_BODY = {
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "properties": {"payloads": {"type": "array", "items": {"type": "object"}}},
                "required": ["payloads"],
            }
        }
    },
    "required": True,
}


def _codec(svc: Services) -> EncryptionCodec:
    return EncryptionCodec.from_spec(svc.settings.encryption_keys.get_secret_value())


async def _read(request: Request) -> list[Payload]:
    try:
        parsed = json_format.Parse(await request.body(), Payloads())
    except (
        json_format.ParseError,
        UnicodeDecodeError,
        ValueError,
    ) as error:  # ValueError: bad JSON
        raise HTTPException(
            status.HTTP_400_BAD_REQUEST, f"not a payloads document: {error}"
        ) from None
    return list(parsed.payloads)


def _answer(payloads: Iterable[Payload]) -> JSONResponse:
    return JSONResponse(json_format.MessageToDict(Payloads(payloads=list(payloads))))


async def _openable(svc: Services, principal: Principal, payloads: list[Payload]) -> set[str]:
    """The workflow ids, among those these payloads name, of cases the caller may open: their
    landlord's, and not restricted away from them (services/access.py)."""
    references = {
        workflow_id.removeprefix(CASE_PREFIX)
        for payload in payloads
        if (workflow_id := workflow_of(payload)) and workflow_id.startswith(CASE_PREFIX)
    }
    if not references:
        return set()
    opened = await decodable(svc, reader(principal), references)
    return {f"{CASE_PREFIX}{reference}" for reference in opened}


def _decode_each(
    codec: EncryptionCodec, payloads: list[Payload], workflows: set[str]
) -> list[Payload]:
    """Only the payloads of cases the caller may open decode; one the keys cannot open (a
    retired key) or of another case stays encrypted; one that cannot be ours is refused."""
    decoded: list[Payload] = []
    for n, payload in enumerate(payloads):
        ours = payload.metadata.get("encoding") == ENCODING
        if ours and (workflow_of(payload) or "") not in workflows:
            log.warning("codec endpoint: payload %d is not a case the caller may open", n)
            decoded.append(payload)
            continue
        try:
            decoded.append(codec.decrypt(payload))
        except MalformedPayload as error:
            raise HTTPException(status.HTTP_400_BAD_REQUEST, f"payloads[{n}]: {error}") from None
        except CodecError as error:
            log.warning("codec endpoint: %s", error)
            decoded.append(payload)
    return decoded


@router.post("/decode", openapi_extra={"requestBody": _BODY}, summary="Decrypt payloads")
async def decode(
    request: Request,
    principal: Principal = Depends(SUPERVISOR),
    svc: Services = Depends(services),
) -> JSONResponse:
    """For the Temporal Web UI: encrypted payloads in, readable payloads out (supervisors)."""
    payloads = await _read(request)
    log.info("codec endpoint: %s decoded %d payload(s)", principal.user_id, len(payloads))
    workflows = await _openable(svc, principal, payloads)
    # Each case whose payloads are decoded is a read of its personal data: recorded first, with
    # the workflow id, or nothing is decoded (503).
    opened = {workflow.removeprefix(CASE_PREFIX): workflow for workflow in workflows}
    try:
        await record_decodes(svc, reader(principal), opened)
    except AccessNotRecorded:
        raise not_recorded() from None
    return _answer(_decode_each(_codec(svc), payloads, workflows))


@router.post("/encode", openapi_extra={"requestBody": _BODY}, summary="Encrypt payloads")
async def encode(
    request: Request,
    principal: Principal = Depends(SUPERVISOR),
    svc: Services = Depends(services),
) -> JSONResponse:
    """For the Temporal Web UI (e.g. signalling from the UI): readable in, encrypted out."""
    return _answer(await _codec(svc).encode(await _read(request)))


class CodecCors:
    """CORS for the Web UI's origin on ``/codec/*`` only; the rest of the API is untouched."""

    def __init__(self, app: ASGIApp, origins: list[str]) -> None:
        self._app = app
        self._cors = CORSMiddleware(
            app,
            allow_origins=origins,
            allow_methods=["POST"],
            allow_headers=["Authorization", "Content-Type", "X-Namespace"],
            allow_credentials=True,
            max_age=600,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith(f"{PREFIX}/"):
            await self._cors(scope, receive, send)
            return
        await self._app(scope, receive, send)


def install(app: FastAPI, settings: Settings) -> None:
    """Add the codec routes and their CORS policy to ``app`` (call in ``create_app``)."""
    app.include_router(router)
    app.add_middleware(CodecCors, origins=settings.codec_origins)
