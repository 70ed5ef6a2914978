"""A4 PDF of a rendered letter, with fpdf2 (pure Python, no system libraries).

The PDF is typeset from the plain-text rendering, so it says exactly what the email says.
The built-in Helvetica font covers Latin-1 only: other characters are transliterated
(curly quotes become straight, "Łukasz" becomes "Lukasz") rather than failing the letter.
"""

from __future__ import annotations

from datetime import datetime

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from activities.letters.models import RenderedLetter
from core.pdf_text import latin1

_FONT = "Helvetica"
_MARGIN = 20.0  # mm
_SIZE = 10.5  # pt, body text
_LINE = 5.0  # mm, body line height
_GAP = 3.0  # mm between paragraphs
_ADDRESS_TOP = 50.0  # mm: where the letter starts, below the letterhead (window envelope)
# The window of a C5 envelope holding the A4 sheet folded once: 90 x 45 mm, 20 mm from the left
# edge and 45 mm from the top. The address sits inside it with a margin all round.
WINDOW = (20.0, 45.0, 90.0, 45.0)  # x, y, width, height in mm
ADDRESS_BOX = (22.0, _ADDRESS_TOP, 85.0, 38.0)  # where the address lines are typeset
_ADDRESS_SIZES = (10.5, 9.5, 8.5)  # pt: the largest that fits the box
_CREATOR = "asb-case-engine"


def render_pdf(
    letter: RenderedLetter, letterhead: str, *, created: datetime | None = None
) -> bytes:
    """Typeset `letter` on A4 under `letterhead` (first line: the landlord's name, in bold;
    further lines: address and switchboard). Pass `created` for byte-identical output."""
    head = [line.strip() for line in letterhead.strip().splitlines() if line.strip()]
    if not head:
        raise ValueError("a letter needs a letterhead")
    pdf = _LetterPdf(footer=latin1(head[0]))
    pdf.set_title(latin1(letter.subject))
    pdf.set_author(latin1(head[0]))
    pdf.set_creator(_CREATOR)
    if created is not None:
        pdf.set_creation_date(created)
    pdf.add_page()
    _letterhead(pdf, head)
    text = letter.text
    if letter.address:
        _window_address(pdf, letter.address)
        text = _without_address(text, letter.address)
    _body(pdf, letter.subject, text)
    return bytes(pdf.output())


def _window_address(pdf: FPDF, lines: tuple[str, ...]) -> None:
    """Typeset the address inside the envelope window, or refuse: a letter whose address
    would not show through the window cannot be posted."""
    x, y, width, height = ADDRESS_BOX
    for size in _ADDRESS_SIZES:
        pdf.set_font(_FONT, size=size)
        step = size * 0.45  # mm per line
        fits = all(pdf.get_string_width(latin1(line)) <= width for line in lines)
        if fits and len(lines) * step <= height:
            break
    else:
        raise ValueError("the address does not fit an envelope window: shorten it on the record")
    for n, line in enumerate(lines):
        pdf.set_xy(x, y + n * step)
        pdf.cell(width, step, latin1(line))
    pdf.set_xy(_MARGIN, WINDOW[1] + WINDOW[3] + 4)


def _without_address(text: str, address: tuple[str, ...]) -> str:
    """The text version opens with the address block; on paper it is in the window instead."""
    lines = text.splitlines()
    if [line.strip() for line in lines[: len(address)]] == list(address):
        return "\n".join(lines[len(address) :]).lstrip("\n")
    return text


class _LetterPdf(FPDF):
    def __init__(self, footer: str) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self._footer_text = footer
        self.set_margins(_MARGIN, _MARGIN, _MARGIN)
        self.set_auto_page_break(auto=True, margin=_MARGIN)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(_FONT, size=8)
        self.set_text_color(110)
        self.cell(0, 4, f"{self._footer_text} - page {self.page_no()} of {{nb}}", align="C")
        self.set_text_color(0)


def _letterhead(pdf: FPDF, lines: list[str]) -> None:
    pdf.set_font(_FONT, "B", 15)
    pdf.cell(0, 8, latin1(lines[0]), align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(_FONT, size=9)
    for line in lines[1:]:
        pdf.cell(0, 4.5, latin1(line), align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    rule = pdf.get_y() + 2
    if rule > WINDOW[1]:
        raise ValueError("the letterhead runs into the envelope window: shorten it")
    pdf.set_draw_color(160)
    pdf.line(_MARGIN, rule, pdf.w - _MARGIN, rule)
    pdf.set_y(max(rule + 8, _ADDRESS_TOP))


def _body(pdf: FPDF, subject: str, text: str) -> None:
    blocks = _text_blocks(text)
    if len(blocks) >= 2:  # keep "Yours sincerely," with the name under it
        blocks[-2:] = [[*blocks[-2], "", *blocks[-1]]]
    for number, block in enumerate(blocks):
        if number:
            pdf.ln(_GAP)
        _keep_together(pdf, block)
        for line in block:
            if not line.strip():
                pdf.ln(_GAP)
                continue
            pdf.set_font(_FONT, "B" if line.strip() == subject else "", _SIZE)
            pdf.multi_cell(0, _LINE, latin1(line.rstrip()), new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _text_blocks(text: str) -> list[list[str]]:
    blocks: list[list[str]] = [[]]
    for line in text.splitlines():
        if line.strip():
            blocks[-1].append(line)
        elif blocks[-1]:
            blocks.append([])
    return [block for block in blocks if block]


def _line_count(pdf: FPDF, line: str) -> int:
    wrapped = pdf.multi_cell(0, _LINE, latin1(line), dry_run=True, output="LINES")
    return len(wrapped) if isinstance(wrapped, list) else 1


def _keep_together(pdf: FPDF, block: list[str]) -> None:
    """Start a new page rather than split a short block (a paragraph, a list, the sign-off)."""
    pdf.set_font(_FONT, size=_SIZE)
    lines = sum(_line_count(pdf, line) for line in block if line)
    height = lines * _LINE + _GAP * block.count("")
    room = pdf.h - pdf.b_margin - pdf.get_y()
    if room < height < pdf.h / 3:
        pdf.add_page()
