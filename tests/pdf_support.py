"""Reading rendered PDFs back the way a reader would: their text, and where it sits."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from pypdf import PdfReader

MM_PER_POINT = 25.4 / 72


def pdf_text(pdf: bytes) -> str:
    """All pages' text with whitespace collapsed, so wrapped lines read as one sentence."""
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def page_count(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


@dataclass(frozen=True)
class Placed:
    text: str
    page: int
    x_mm: float  # from the left edge
    y_mm: float  # from the top edge, to the text's baseline


def placed_text(pdf: bytes) -> list[Placed]:
    """Every piece of text and its position on the page, in millimetres from the top left."""
    found: list[Placed] = []
    reader = PdfReader(io.BytesIO(pdf))
    for number, page in enumerate(reader.pages, start=1):
        height = float(page.mediabox.height)

        def visit(
            text: str, cm: Any, tm: Any, *_: Any, number: int = number, height: float = height
        ) -> None:
            if text.strip():
                x = (cm[0] * tm[4] + cm[2] * tm[5] + cm[4]) * MM_PER_POINT
                y = (height - (cm[1] * tm[4] + cm[3] * tm[5] + cm[5])) * MM_PER_POINT
                found.append(Placed(text.strip(), number, x, y))

        page.extract_text(visitor_text=visit)
    return found
