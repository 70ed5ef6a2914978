"""Letters, the daily print batch and officer tasks: reads and the few writes people make.

Statuses of a letter (``letters.status``), as the timeline reports them:

    pending          waiting to send: recorded with its decision; not produced yet
    rendered         waiting to send: produced; not yet taken by the mail server (retried)
    sending          the email is being handed to the mail server
    sent             emailed (``sent_at``, ``message_id``)
    unconfirmed      the system stopped while emailing it: it may not have left (a task)
    queued_for_post  printed in the print batch of ``batch_day``; not posted yet
    posted           the post room marked its batch posted (``sent_at``, ``posted_by``)
    missing_facts    not sent: the record lacks facts it must state (a task names them)
    failed           not sent: refused or bounced (``error``; a task)
    suppressed       not sent, by rule: an anonymous complainant gets no letters (R8)
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.access import visible_to
from db.models import (
    Case,
    CaseEvent,
    Letter,
    LetterDocument,
    LetterStatus,
    OfficerTask,
    Party,
    TaskKind,
)
from db.repository import insert_once

_S = LetterStatus
SENT = frozenset({_S.SENT, _S.POSTED})
NOT_SENT = frozenset({_S.MISSING_FACTS, _S.FAILED, _S.SUPPRESSED})

_SAYS: dict[LetterStatus, str] = {
    # Waiting to send: recorded, not yet taken by the mail server (it is retried until it is).
    _S.PENDING: "waiting to send (not produced yet)",
    _S.RENDERED: "waiting to send (produced, not yet taken by the mail server)",
    _S.SENDING: "being emailed",
    _S.SENT: "sent by email",
    _S.UNCONFIRMED: "may not have been sent: the system stopped while emailing it (see tasks)",
    _S.QUEUED_FOR_POST: "printed for the post, not yet posted",
    _S.POSTED: "posted",
    _S.MISSING_FACTS: "not sent: facts are missing from the record (see tasks)",
    _S.FAILED: "not sent (see tasks)",
    _S.SUPPRESSED: "not sent: the complainant is anonymous (R8)",
}


def status_sentence(letter: Letter, role: str | None) -> str:
    """What the timeline says of a letter: never "sent" unless it was."""
    what = letter.kind.replace("_", " ").capitalize()
    to = f" to the {role.replace('_', ' ')}" if role else ""
    said = _SAYS[letter.status]
    if letter.status == _S.QUEUED_FOR_POST and letter.batch_day is not None:
        said += f" (print batch of {letter.batch_day.isoformat()})"
    if letter.status in (_S.FAILED, _S.MISSING_FACTS) and letter.error:
        said += f": {letter.error}"
    return f"{what} letter{to}: {said}."


async def case_letters(session: AsyncSession, reference: str) -> list[tuple[Letter, str | None]]:
    """Every letter of a case, oldest first, with its recipient's role."""
    rows = await session.execute(
        select(Letter, Party.role)
        .outerjoin(Party, Party.id == Letter.party_id)
        .where(Letter.reference == reference)
        .order_by(Letter.created_at, Letter.id)
    )
    return [(letter, role) for letter, role in rows.all()]


async def letter_pdf(session: AsyncSession, reference: str, key: str) -> bytes | None:
    row = await session.execute(
        select(LetterDocument.pdf)
        .join(Letter, Letter.key == LetterDocument.letter_key)
        .where(Letter.reference == reference, Letter.key == key)
    )
    found: bytes | None = row.scalar_one_or_none()
    return found


async def print_batch(
    session: AsyncSession, landlord: str, day: date
) -> list[tuple[Letter, bytes]]:
    """The day's postal letters of a landlord (queued or already posted) with their PDFs, in a
    stable order: by case, then by letter."""
    rows = await session.execute(
        select(Letter, LetterDocument.pdf)
        .join(LetterDocument, LetterDocument.letter_key == Letter.key)
        .join(Case, Case.reference == Letter.reference)
        .where(
            Case.landlord == landlord,
            Letter.batch_day == day,
            Letter.status.in_((_S.QUEUED_FOR_POST, _S.POSTED)),
        )
        .order_by(Letter.reference, Letter.id)
    )
    return [(letter, pdf) for letter, pdf in rows.all()]


async def mark_posted(
    session: AsyncSession, landlord: str, day: date, keys: Sequence[str], by: str
) -> tuple[list[Letter], list[str]]:
    """Mark the named letters of the batch posted. Returns (letters now posted, keys that are
    not in the batch). Nothing is written when any key is not in the batch."""
    batch = {letter.key: letter for letter, _ in await print_batch(session, landlord, day)}
    unknown = [key for key in keys if key not in batch]
    if unknown:
        return [], unknown
    now = datetime.now(UTC)
    posted = []
    for key in keys:
        letter = batch[key]
        if letter.status == _S.QUEUED_FOR_POST:  # marking twice changes nothing
            letter.status, letter.sent_at, letter.posted_by = LetterStatus.POSTED, now, by
            await insert_once(session, _posted_event(letter, by, now))
        posted.append(letter)
    return posted, []


def _posted_event(letter: Letter, by: str, now: datetime) -> CaseEvent:
    return CaseEvent(
        key=f"{letter.key}:posted",
        reference=letter.reference,
        occurred_at=now,
        actor=by,
        action="letter_posted",
        summary=f"The {letter.kind.replace('_', ' ')} letter was posted.",
        data={"letter": letter.key},
    )


async def tasks(
    session: AsyncSession,
    landlord: str,
    reference: str | None,
    open_only: bool,
    viewer: str | None = None,
) -> Sequence[OfficerTask]:
    """Work for people (notifications that were done when made are left out). With
    ``viewer``, tasks of restricted cases not naming them are left out too (db/access.py)."""
    query: Any = (
        select(OfficerTask)
        .join(Case, Case.reference == OfficerTask.reference)
        .where(Case.landlord == landlord, OfficerTask.kind != TaskKind.NOTIFICATION)
    )
    if reference is not None:
        query = query.where(OfficerTask.reference == reference)
    if open_only:
        query = query.where(OfficerTask.done_at.is_(None))
    if viewer is not None:
        query = query.where(visible_to(viewer))
    return (
        (await session.execute(query.order_by(OfficerTask.created_at, OfficerTask.id)))
        .scalars()
        .all()
    )


async def find_task(session: AsyncSession, landlord: str, task_id: int) -> OfficerTask | None:
    row = await session.execute(
        select(OfficerTask)
        .join(Case, Case.reference == OfficerTask.reference)
        .where(Case.landlord == landlord, OfficerTask.id == task_id)
        .with_for_update()
    )
    found: OfficerTask | None = row.scalar_one_or_none()
    return found


async def close_task(session: AsyncSession, task: OfficerTask, by: str, reason: str) -> None:
    now = datetime.now(UTC)
    task.done_at, task.closed_by, task.close_reason = now, by, reason
    await insert_once(
        session,
        CaseEvent(
            key=f"task:{task.id}:closed",
            reference=task.reference,
            occurred_at=now,
            actor=by,
            action="task_closed",
            summary="Task closed; the reason is recorded on the task.",
            data={"task": task.id},
        ),
    )


def unsent_task_key(key: str) -> str:
    """The task raised once for a letter or referral still waiting for the mail server."""
    return f"{key}:unsent"


async def close_unsent_task(session: AsyncSession, key: str) -> None:
    """Sent at last: the "could not be sent yet" task, if it was raised, is done."""
    task = await session.scalar(
        select(OfficerTask).where(
            OfficerTask.key == unsent_task_key(key), OfficerTask.done_at.is_(None)
        )
    )
    if task is not None:
        task.done_at = datetime.now(UTC)
        task.close_reason = "Sent: the mail server accepted it."
