"""The request's way to the process's :class:`services.context.Services`, which the API and the
console hand to the services unopened."""

from __future__ import annotations

from fastapi import Request

from services.context import Services

__all__ = ["Services", "services"]


async def services(request: Request) -> Services:
    # async: FastAPI runs a plain def dependency on a thread, a hop for every request.
    found: Services = request.app.state.services
    return found
