"""Letters you can see and post: a case's letters and PDFs, and the day's print batch.

The post room downloads the batch (one PDF, each address placed for a C5 window envelope),
posts it, and marks the letters it posted; each letter's status follows (db/letters.py).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from fastapi import APIRouter, Depends, Response
from pydantic import BaseModel, ConfigDict, Field

from core.print_batch import merge_pdfs
from domain.commands import LetterKind
from edge.access import reader
from edge.auth import STAFF, Principal, require_roles
from edge.deps import Services, services
from services import letters as store
from services.access import Route
from services.letters import Letter, LetterStatus

router = APIRouter(tags=["letters"])
PDF: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/pdf": {}}, "description": "The PDF"}
}


class LetterOut(BaseModel):
    key: str
    kind: LetterKind
    recipient_role: str | None
    channel: str
    status: LetterStatus = Field(description="Where the letter is on its way (db/letters.py)")
    says: str = Field(description="The status in a sentence, as the timeline says it")
    subject: str
    created_at: datetime
    sent_at: datetime | None = Field(description="When it was emailed or posted")
    batch_day: date | None = Field(description="The print batch of a postal letter")
    error: str | None
    pdf: str | None = Field(description="Where to download its PDF, once produced")


class PrintBatchOut(BaseModel):
    day: date
    letters: list[LetterOut]
    queued: int = Field(description="Letters not yet marked posted")
    pdf: str


class PostedIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    letters: list[str] = Field(
        min_length=1, max_length=2000, description="Keys of the batch's letters that were posted"
    )


def letter_out(letter: Letter, role: str | None) -> LetterOut:
    has_pdf = bool(letter.body)
    return LetterOut(
        key=letter.key,
        kind=letter.kind,
        recipient_role=role,
        channel=letter.channel,
        status=letter.status,
        says=store.says(letter, role),
        subject=letter.subject,
        created_at=letter.created_at,
        sent_at=letter.sent_at,
        batch_day=letter.batch_day,
        error=letter.error,
        pdf=f"/cases/{letter.reference}/letters/{letter.key}/pdf" if has_pdf else None,
    )


@router.get(
    "/cases/{reference}/letters", response_model=list[LetterOut], summary="A case's letters"
)
async def case_letters(
    reference: str,
    principal: Principal = Depends(require_roles(*STAFF)),
    svc: Services = Depends(services),
) -> list[LetterOut]:
    """Every letter of the case, oldest first, with its true status."""
    rows = await store.case_letters(svc, reader(principal), reference, Route.API_LETTERS)
    return [letter_out(letter, role) for letter, role in rows]


@router.get(
    "/cases/{reference}/letters/{key}/pdf",
    response_class=Response,
    responses=PDF,
    summary="A letter's PDF",
)
async def letter_pdf(
    reference: str,
    key: str,
    principal: Principal = Depends(require_roles(*STAFF)),
    svc: Services = Depends(services),
) -> Response:
    pdf = await store.letter_pdf(svc, reader(principal), reference, key, Route.API_LETTER_PDF)
    name = key.replace(":", "-")
    headers = {"Content-Disposition": f'inline; filename="{name}.pdf"'}
    return Response(pdf, media_type="application/pdf", headers=headers)


@router.get(
    "/print-batches/{day}", response_model=PrintBatchOut, summary="The day's postal letters"
)
async def print_batch(
    day: date,
    principal: Principal = Depends(require_roles(*STAFF)),
    svc: Services = Depends(services),
) -> PrintBatchOut:
    """Your landlord's letters queued for the post on ``day`` (UK date), and those of that day
    already marked posted."""
    batch = await store.print_batch(svc, principal.landlord, day)
    letters = [letter_out(letter, None) for letter, _ in batch]
    return PrintBatchOut(
        day=day,
        letters=letters,
        queued=sum(1 for letter, _ in batch if letter.status == LetterStatus.QUEUED_FOR_POST),
        pdf=f"/print-batches/{day.isoformat()}/pdf",
    )


@router.get(
    "/print-batches/{day}/pdf",
    response_class=Response,
    responses=PDF,
    summary="The day's print batch as one PDF",
)
async def print_batch_pdf(
    day: date,
    principal: Principal = Depends(require_roles(*STAFF)),
    svc: Services = Depends(services),
) -> Response:
    """Every letter of the batch in order, each starting on a new sheet, its address in the
    window of a C5 envelope. The X-Letter-Keys header lists the letters it holds, to mark
    posted once printed and sent."""
    batch = await store.print_batch_documents(svc, reader(principal), day, Route.API_PRINT_BATCH)
    title = f"Print batch {principal.landlord} {day.isoformat()}"
    pdf, pages = merge_pdfs((document for _, document in batch), title)
    headers = {
        "Content-Disposition": f'attachment; filename="print-batch-{day.isoformat()}.pdf"',
        "X-Letter-Keys": ",".join(letter.key for letter, _ in batch),
        "X-Page-Count": str(pages),
    }
    return Response(pdf, media_type="application/pdf", headers=headers)


@router.post(
    "/print-batches/{day}/posted",
    response_model=list[LetterOut],
    summary="Mark letters of the batch posted",
)
async def mark_posted(
    day: date,
    body: PostedIn,
    principal: Principal = Depends(require_roles(*STAFF)),
    svc: Services = Depends(services),
) -> list[LetterOut]:
    """Each named letter becomes ``posted`` (with who and when); marking again changes
    nothing. A key not in the batch is refused with 422 and nothing is marked."""
    posted = await store.mark_posted(svc, reader(principal), day, body.letters)
    return [letter_out(letter, None) for letter in posted]
