"""The day's print batch: every postal letter's stored PDF, one after another, in one file.

Each letter was typeset with its address in a C5 window envelope's window
(activities/letters/pdf.py); the batch adds nothing and changes nothing, so what is printed is
exactly what the case record holds. pypdf joins the documents without re-typesetting them.
"""

from __future__ import annotations

import io
from collections.abc import Iterable

from pypdf import PdfReader, PdfWriter


def merge_pdfs(documents: Iterable[bytes], title: str) -> tuple[bytes, int]:
    """One PDF of all ``documents`` in order, and its page count."""
    writer = PdfWriter()
    for document in documents:
        writer.append(PdfReader(io.BytesIO(document)))
    writer.add_metadata({"/Title": title, "/Creator": "asb-case-engine"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue(), len(writer.pages)
