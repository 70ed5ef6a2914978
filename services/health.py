"""What the process's probes and metrics read: whether the database answers, and the case
figures Prometheus scrapes (db/metrics.py)."""

from __future__ import annotations

from db.engine import ping, ping_write
from db.metrics import CaseFigures, case_figures
from services.context import Services

__all__ = ["CaseFigures", "database_answers", "figures"]


async def database_answers(svc: Services) -> None:
    """Returns when the database answers a trivial statement and takes a write; raises when it
    does not (a write lock held elsewhere is not ready)."""
    await ping(svc.engine)
    await ping_write(svc.engine)


async def figures(svc: Services) -> CaseFigures:
    async with svc.sessions() as session:
        return await case_figures(session)
