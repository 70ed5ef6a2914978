"""Liveness and readiness."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse

from edge.deps import Services, services
from edge.errors import RETRY_AFTER_SECONDS
from services.health import database_answers

router = APIRouter(tags=["health"])


@router.get("/healthz", summary="The process is up")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz", summary="The database and Temporal are reachable")
async def readyz(svc: Services = Depends(services)) -> JSONResponse:
    checks = {"database": await _database_ok(svc), "temporal": await _temporal_ok(svc)}
    ready = all(checks.values())
    body = {"status": "ready" if ready else "not ready", **{k: _word(v) for k, v in checks.items()}}
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
