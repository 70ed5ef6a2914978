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

from fastapi import FastAPI, HTTPException, status

from api.cases import new_report, start_case
from api.deps import Services
from api.errors import database_down, temporal_down
from api.schemas import CaseOut, OpenCaseIn
from services import cases
from services.errors import InvalidInput
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


@dataclass(frozen=True)
class Taken:
    """A report taken: its case is open (``case``), or it is kept until the system is back."""

    reference: str
    case: CaseOut | None


async def take_report(
    app: FastAPI, svc: Services, intake: OpenCaseIn, scope: str, key: str | None
) -> Taken:
    """Keep the report durably, then open its case; an outage leaves it kept (not an error).
    A report that could never open is refused (422) before it is kept."""
    now = datetime.now(UTC)
    try:
        cases.check_opening(new_report(intake), now)
    except InvalidInput as invalid:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            [{"loc": ["body", invalid.field], "msg": invalid.message, "type": "value_error"}],
        ) from None
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
        opened = await start_case(svc, intake, scope, key, kept=(kept.reference, kept.received_at))
    except Exception as error:
        if is_outage(error):
            log.warning("report %s kept in the outbox: %s", kept.reference, error)
            return Taken(kept.reference, None)
        if isinstance(error, HTTPException) and error.status_code < 500:
            if error.status_code != status.HTTP_409_CONFLICT:  # 409: the same key in flight
                await outbox.done(kept.id)  # the resident is told what to put right
            raise
        raise  # a bug: the report stays kept, and the drainer sets it aside with the reason
    finally:
        outbox.in_flight.discard(kept.id)
    await outbox.done(kept.id)
    return Taken(opened.reference, opened)


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
            intake = OpenCaseIn.model_validate(kept.body)
            view = await start_case(
                svc, intake, kept.scope, kept.key, kept=(kept.reference, kept.received_at)
            )
        except Exception as error:
            if is_outage(error):
                return opened  # still down: try again on the next round
            if isinstance(error, HTTPException) and error.status_code == 409:
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
