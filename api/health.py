"""Liveness and readiness.

- ``/readyz``: the whole API (staff and public), ready when the database answers a read and takes
  its write lock (a SQLite file locked by another writer is not ready) and Temporal answers.
- ``/readyz/intake``: the public report form and ``POST /public/reports`` alone. They keep every
  report through an outage of the database or Temporal (the outbox, edge/outbox.py), so they are
  ready whenever the outbox folder can be written: the Kubernetes readiness probe and the compose
  healthcheck use this path, so an outage of the database or Temporal takes no replica out of
  service; residents can still report, and every other route answers 503 with Retry-After
  (edge/errors.py, docs/outages.md).
"""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from edge.deps import Services, services
from edge.errors import RETRY_AFTER_SECONDS
from edge.outbox import outbox_for
from services.health import database_answers

router = APIRouter(tags=["health"])


@router.get("/healthz", summary="The process is up")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz", summary="The database and Temporal are reachable")
async def readyz(svc: Services = Depends(services)) -> JSONResponse:
    checks = {"database": await _database_ok(svc), "temporal": await _temporal_ok(svc)}
    return _answer({k: _word(v) for k, v in checks.items()})


@router.get("/readyz/intake", summary="Residents can report (kept in the outbox if need be)")
async def readyz_intake(request: Request, svc: Services = Depends(services)) -> JSONResponse:
    """Ready while reports can be kept: the outbox folder is writable. The database and Temporal
    are named, and the reports waiting for them counted, but neither makes intake not ready."""
    outbox = outbox_for(request.app, svc)
    checks = {
        "outbox": "ok" if await outbox.writable() else "unwritable",
        "database": _word(await _database_ok(svc)),
        "temporal": _word(await _temporal_ok(svc)),
    }
    waiting = await outbox.waiting()
    return _answer(checks, ready=checks["outbox"] == "ok", waiting=waiting)


def _answer(checks: dict[str, str], ready: bool | None = None, **more: object) -> JSONResponse:
    if ready is None:
        ready = all(word == "ok" for word in checks.values())
    body = {"status": "ready" if ready else "not ready", **checks, **more}
    if ready:
        return JSONResponse(body)
    return JSONResponse(body, status_code=503, headers={"Retry-After": str(RETRY_AFTER_SECONDS)})


def _word(ok: bool) -> str:
    return "ok" if ok else "unreachable"


async def _database_ok(svc: Services) -> bool:
    try:
        async with asyncio.timeout(3):
            await database_answers(svc)
    except Exception:
        return False
    return True


async def _temporal_ok(svc: Services) -> bool:
    try:
        async with asyncio.timeout(3):
            return await svc.client.service_client.check_health()
    except Exception:
        return False
