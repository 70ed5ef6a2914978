"""A resident's report is never lost to an outage (issue 22; services/outbox.py keeps them).

``take_report`` is the public intake's one way in (``POST /public/reports`` and the report form):
the report is written to the outbox first, then its case is opened; when the database or
Temporal is down the report stays in the outbox and the resident is told, truthfully, that it is
kept under its reference and will reach an officer when the system is back. ``drain`` opens the
kept reports' cases; the intake router runs it in the background while the API is up.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime

from fastapi import FastAPI

from contracts.view import CaseView
from edge.deps import Services
from edge.errors import temporal_down
from edge.schemas import CaseOut, OpenCaseIn, case_out, new_report
from services import cases
from services.errors import KeyInFlight, ServiceError, database_down
from services.idempotency import fingerprint
from services.outbox import Kept, Outbox

log = logging.getLogger(__name__)
DRAIN_SECONDS = 2.0  # how often kept reports are tried again while the API runs


def outbox_for(app: FastAPI, svc: Services) -> Outbox:
    """The API process's outbox, under its data folder (one per replica)."""
    found: Outbox | None = getattr(app.state, "outbox", None)
    if found is None:
        found = app.state.outbox = Outbox(svc.settings.data_dir / "outbox")
    return found


def is_outage(error: BaseException) -> bool:
    return database_down(error) or temporal_down(error)


async def _open(svc: Services, intake: OpenCaseIn, kept: Kept) -> CaseView:
    """The kept report's case, opened under its reference, once per caller and key."""
    request = fingerprint("open_case", intake.model_dump(mode="json"))
    return await cases.start_case(
        svc, new_report(intake), kept.scope, kept.key, request,
        kept=(kept.reference, kept.received_at),
    )  # fmt: skip


@dataclass(frozen=True)
class Taken:
    """A report taken: its case is open (``case``), or it is kept until the system is back."""

    reference: str
    case: CaseOut | None


async def take_report(
    app: FastAPI, svc: Services, intake: OpenCaseIn, scope: str, key: str | None
) -> Taken:
    """Keep the report durably, then open its case; an outage leaves it kept (not an error).
    A report that could never open is refused (services.errors.InvalidInput) before it is
    kept."""
    now = datetime.now(UTC)
    cases.check_opening(new_report(intake), now)
    outbox = outbox_for(app, svc)
    reference = cases.new_reference(now)
    kept = await outbox.keep(
        Kept(
            id=Outbox.entry_id(reference, scope, key),
            reference=reference,
            received_at=now,
            scope=scope,
            key=key,
            body=intake.model_dump(mode="json"),
        )
    )
    outbox.in_flight.add(kept.id)
    try:
        opened = await _open(svc, intake, kept)
    except Exception as error:
        if is_outage(error):
            log.warning("report %s kept in the outbox: %s", kept.reference, error)
            return Taken(kept.reference, None)
        if isinstance(error, ServiceError):
            if not isinstance(error, KeyInFlight):  # the same key in flight keeps it
                await outbox.done(kept.id)  # the resident is told what to put right
            raise
        raise  # a bug: the report stays kept, and the drainer sets it aside with the reason
    finally:
        outbox.in_flight.discard(kept.id)
    await outbox.done(kept.id)
    return Taken(opened.reference, case_out(opened))


async def drain(app: FastAPI, svc: Services) -> int:
    """Open the cases of kept reports, oldest first, until one meets an outage; returns how
    many were opened. Safe to repeat after a crash at any point (services/outbox.py)."""
    outbox = outbox_for(app, svc)
    opened = 0
    for kept in await outbox.entries():
        if kept.id in outbox.in_flight:
            continue
        outbox.in_flight.add(kept.id)
        try:
            view = await _open(svc, OpenCaseIn.model_validate(kept.body), kept)
        except Exception as error:
            if is_outage(error):
                return opened  # still down: try again on the next round
            if isinstance(error, KeyInFlight):
                continue  # the same key is being opened by a request now
            log.error("kept report %s cannot open a case: %s", kept.reference, error)
            await outbox.refuse(kept.id, f"{type(error).__name__}: {error}")
            continue
        finally:
            outbox.in_flight.discard(kept.id)
        if view.reference != kept.reference:
            log.warning("kept report %s opened as %s", kept.reference, view.reference)
        await outbox.done(kept.id)
        opened += 1
    return opened


@contextlib.asynccontextmanager
async def draining(app: FastAPI) -> AsyncIterator[None]:
    """While the API runs, the outbox is drained every ``DRAIN_SECONDS``."""

    async def run() -> None:
        while True:
            await asyncio.sleep(DRAIN_SECONDS)
            svc: Services | None = getattr(app.state, "services", None)
            if svc is None:
                continue
            try:
                await drain(app, svc)
            except Exception:  # the outbox folder itself failed: log, keep trying
                log.exception("the outbox could not be drained")

    task = asyncio.create_task(run(), name="outbox-drain")
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
