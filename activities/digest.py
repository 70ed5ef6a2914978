"""The supervisors' escalation digest: one email per supervisor address listing every missed
deadline waiting for it (case reference, clock, how late), exactly once (db/digests.py)."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import async_sessionmaker
from temporalio import activity

from contracts.housekeeping import SEND_ESCALATION_DIGESTS
from core.mailer import Mailer, OutgoingEmail, PermanentMailError, TransientMailError
from db import digests
from db.models import Escalation

log = logging.getLogger(__name__)
_INTERRUPTED = (
    "escalation digest %s to %s may not have left: not sent again; its escalations stay on "
    "the supervisors' escalation list"
)


class SupervisorDigests:
    def __init__(self, sessions: async_sessionmaker[Any], mailer: Mailer) -> None:
        self._sessions = sessions
        self._mailer = mailer

    @activity.defn(name=SEND_ESCALATION_DIGESTS)
    async def send_escalation_digests(self, now: datetime) -> int:
        """One digest per address with escalations waiting; how many were sent."""
        async with self._sessions() as session:
            recipients = await digests.waiting_recipients(session)
        sent = 0
        for recipient in recipients:
            sent += await self._send_one(recipient, now)
        return sent

    async def _send_one(self, recipient: str, now: datetime) -> int:
        key = f"digest:{now:%Y%m%dT%H%M}:{uuid.uuid4().hex[:12]}"
        async with self._sessions() as session, session.begin():
            for interrupted in await digests.settle_interrupted(session, recipient):
                log.error(_INTERRUPTED, interrupted, recipient)
            rows = await digests.claim(session, recipient, key, now)
            email = _digest_email(key, recipient, rows, now)
        if not rows:
            return 0
        try:
            message_id = await self._mailer.send(email)
        except TransientMailError:  # certain not to have left: the retry sends it
            async with self._sessions() as session, session.begin():
                await digests.release(session, key)
            raise
        except PermanentMailError as refused:
            log.error("escalation digest to %s refused: %s", recipient, refused)
            async with self._sessions() as session, session.begin():
                await digests.mark_failed(session, key)
            return 0
        async with self._sessions() as session, session.begin():
            await digests.mark_sent(session, key, message_id, now)
        return 1


def _digest_email(
    key: str, recipient: str, rows: Sequence[Escalation], now: datetime
) -> OutgoingEmail:
    lines = [_line(row, now) for row in rows]
    cases = len({row.reference for row in rows})
    text = (
        f"{len(rows)} missed deadline{'s' if len(rows) != 1 else ''} in {cases} "
        f"case{'s' if cases != 1 else ''} since the last digest:\n\n"
        + "\n".join(lines)
        + "\n\nEach case's page in the console shows its deadlines and escalations."
    )
    return OutgoingEmail(
        key=key,
        to=recipient,
        subject=f"ASB escalations: {len(rows)} missed deadline{'s' if len(rows) != 1 else ''}",
        text=text,
    )


def _line(row: Escalation, now: datetime) -> str:
    clock = (row.clock or row.reason).replace("_", " ")
    if row.due_at is None:
        return f"{row.reference}  {clock}  ({row.summary})"
    late = _duration(int((now - row.due_at).total_seconds()))
    level = f", escalation level {row.level}" if row.level else ""
    return (
        f"{row.reference}  {clock}  due {row.due_at:%Y-%m-%d %H:%M} UTC, "
        f"{late} late{level}; officer {row.officer_id or 'unassigned'}"
    )


def _duration(seconds: int) -> str:
    days, rest = divmod(max(seconds, 0), 86_400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        return f"{days} d {hours} h"
    return f"{hours} h {minutes} min"


__all__ = ["SupervisorDigests"]
