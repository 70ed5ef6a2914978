"""Letters as staff see and post them: a case's letters and PDFs, and the day's print batch
(the post room prints it, posts it and marks the letters it posted; db/letters.py)."""

from __future__ import annotations

from datetime import date

from db import letters as store
from db.models import Letter, LetterStatus
from services.access import Reader, Route, read_case_row, record_reads
from services.context import Services
from services.errors import InvalidInput, NotFound

__all__ = [
    "Letter",
    "LetterStatus",
    "case_letters",
    "letter_pdf",
    "mark_posted",
    "print_batch",
    "print_batch_documents",
    "says",
]


def says(letter: Letter, role: str | None) -> str:
    """The letter's status in a sentence, as the timeline says it (never "sent" unless it was)."""
    return store.status_sentence(letter, role)


async def case_letters(
    svc: Services, reader: Reader, reference: str, route: Route
) -> list[tuple[Letter, str | None]]:
    """Every letter of the case (with its recipient's role), oldest first; the read recorded."""
    await read_case_row(svc.sessions, reader, reference, route)
    async with svc.sessions() as session:
        return list(await store.case_letters(session, reference))


async def letter_pdf(
    svc: Services, reader: Reader, reference: str, key: str, route: Route
) -> bytes:
    await read_case_row(svc.sessions, reader, reference, route)
    async with svc.sessions() as session:
        pdf = await store.letter_pdf(session, reference, key)
    if pdf is None:
        raise NotFound(f"no PDF for letter {key} of {reference}")
    return pdf


async def print_batch(svc: Services, landlord: str, day: date) -> list[tuple[Letter, bytes]]:
    """The landlord's letters queued for the post on ``day`` and those already marked posted."""
    async with svc.sessions() as session:
        return list(await store.print_batch(session, landlord, day))


async def print_batch_documents(
    svc: Services, reader: Reader, day: date, route: Route
) -> list[tuple[Letter, bytes]]:
    """The batch to print. It prints each recipient's name and address: a read of every case in
    it. Restricted cases stay in it (their letters must still be posted), recorded like the
    others; the batch is refused when the reads cannot be recorded."""
    batch = await print_batch(svc, reader.landlord, day)
    if not batch:
        raise NotFound(f"no letters for the post on {day}")
    await record_reads(
        svc.sessions, reader, dict.fromkeys(letter.reference for letter, _ in batch), route
    )
    return batch


async def mark_posted(svc: Services, reader: Reader, day: date, keys: list[str]) -> list[Letter]:
    """Each named letter becomes ``posted`` (with who and when); marking again changes nothing.
    A key not in the batch refuses them all: nothing is marked."""
    async with svc.sessions() as session, session.begin():
        posted, unknown = await store.mark_posted(
            session, reader.landlord, day, keys, reader.user_id
        )
        if unknown:  # raised inside the transaction: it rolls back
            raise InvalidInput(
                "letters", f"not in the print batch of {day.isoformat()}: {', '.join(unknown)}"
            )
    return list(posted)
