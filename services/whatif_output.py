"""A what-if comparison as a text table, as CSV and as a PDF board paper.

Every output prints the same rows (domain.simulation.Comparison.rows) and the same list of
cases whose outcome changes. The board paper is typeset with fpdf2 and its Latin-1
transliteration, as the letters are (activities/letters/pdf.py).
"""

from __future__ import annotations

import csv
import io
from datetime import datetime

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from core.pdf_text import latin1
from services.whatif import WhatIf

__all__ = ["as_csv", "as_pdf", "as_text", "title"]

HEADER = ("section", "measure", "current", "proposed", "difference")
CASE_HEADER = ("reference", "diverged at", "why", "outcome now", "outcome under proposal")


def title(result: WhatIf) -> str:
    return (
        f"Policy what-if for landlord {result.landlord}: {result.start:%d %B %Y} to "
        f"{result.end:%d %B %Y}, current ({', '.join(result.current_versions) or 'no cases'}) "
        f"against proposed {result.proposed_version}"
    )


def _notes(result: WhatIf) -> list[str]:
    c = result.comparison
    notes = [
        f"{c.current.cases} recorded cases replayed; {len(c.diverged)} change outcome.",
    ]
    if result.not_recorded:
        notes.append(
            f"{result.not_recorded} cases of the period were opened before intakes and action "
            "inputs were kept, so they could not be replayed and are not in these figures."
        )
    return notes


def as_text(result: WhatIf) -> str:
    """A plain table for the terminal."""
    rows = [HEADER, *result.comparison.rows()]
    widths = [max(len(r[i]) for r in rows) for i in range(len(HEADER))]
    lines = [title(result), *_notes(result), ""]
    lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)) for r in rows]
    lines += ["", "Cases whose outcome changes (first divergence):"]
    for d in result.comparison.diverged:
        lines.append(f"- {d.reference} at {_when(d.at)}: {d.why}")
        lines.append(f"    now: {d.outcome_current}")
        lines.append(f"    proposed: {d.outcome_proposed}")
    if not result.comparison.diverged:
        lines.append("- none")
    return "\n".join(lines) + "\n"


def as_csv(result: WhatIf) -> str:
    """The figures, then the cases whose outcome changes, in one CSV file."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    writer.writerows(result.comparison.rows())
    writer.writerow(())
    writer.writerow(CASE_HEADER)
    for d in result.comparison.diverged:
        writer.writerow((d.reference, _when(d.at), d.why, d.outcome_current, d.outcome_proposed))
    return out.getvalue()


def _when(at: datetime) -> str:
    return f"{at:%Y-%m-%d %H:%M} UTC"


class _Paper(FPDF):
    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("Helvetica", size=8)
        self.cell(0, 5, f"Policy what-if - page {self.page_no()}", align="C")


def as_pdf(result: WhatIf, created: datetime | None = None) -> bytes:
    """An A4 board paper: the question, the figures side by side, the cases that change."""
    pdf = _Paper()
    pdf.set_title(latin1(title(result)))
    pdf.set_creator("asb-case-engine")
    if created is not None:
        pdf.set_creation_date(created)
    pdf.set_margins(18, 18, 18)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 14)
    pdf.multi_cell(0, 7, latin1(title(result)), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("Helvetica", size=10)
    for note in _notes(result):
        pdf.multi_cell(0, 5, latin1(note), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(3)
    section = ""
    pdf.set_font("Helvetica", size=9)
    with pdf.table(
        col_widths=(70, 22, 22, 22), text_align=("LEFT", "RIGHT", "RIGHT", "RIGHT")
    ) as t:
        head = t.row()
        for cell in ("Measure", "Current", "Proposed", "Difference"):
            head.cell(cell)
        for sec, measure, now, then, diff in result.comparison.rows():
            if sec != section:
                section = sec
                t.row().cell(latin1(sec), colspan=4)
            row = t.row()
            for value in (measure, now, then, diff):
                row.cell(latin1(value))
    pdf.ln(4)
    pdf.set_font("Helvetica", "B", 11)
    pdf.cell(0, 6, "Cases whose outcome changes", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("Helvetica", size=9)
    for d in result.comparison.diverged or ():
        text = f"{d.reference}, from {_when(d.at)}: {d.why}. Now: {d.outcome_current}. "
        text += f"Proposed: {d.outcome_proposed}."
        pdf.multi_cell(0, 4.5, latin1(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(1)
    if not result.comparison.diverged:
        pdf.cell(0, 5, "None.", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    return bytes(pdf.output())
