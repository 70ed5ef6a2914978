"""Small rules behind truthful letters: contract dates (R40), what the timeline says of a letter,
and the C5 window the address is placed in."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from activities.letters.pdf import ADDRESS_BOX, WINDOW
from db.letters import _SAYS, status_sentence
from db.models import Letter
from domain.deadlines import contract_end
from domain.errors import DomainError


@pytest.mark.parametrize(
    ("start", "months", "end"),
    [
        (date(2026, 3, 15), 3, date(2026, 6, 14)),  # the day before the same date
        (date(2026, 1, 31), 1, date(2026, 2, 28)),  # no 31 February: the month's last day
        (date(2028, 1, 31), 1, date(2028, 2, 29)),  # leap year
        (date(2026, 11, 1), 6, date(2027, 4, 30)),  # across the year end
        (date(2026, 3, 1), 12, date(2027, 2, 28)),
    ],
)
def test_an_abc_runs_for_the_calendar_months_agreed_r40(
    start: date, months: int, end: date
) -> None:
    assert contract_end(start, months) == end


def test_an_abc_lasts_at_least_a_month_r40() -> None:
    with pytest.raises(DomainError):
        contract_end(date(2026, 3, 1), 0)


def _letter(status: str, **fields: object) -> Letter:
    return Letter(key="ASB-1:letter:1", reference="ASB-1", kind="warning", channel="post",
                  status=status, subject="", body="", created_at=datetime.now(UTC),
                  **fields)  # fmt: skip


@pytest.mark.parametrize("status", sorted(_SAYS))
def test_the_timeline_never_says_sent_unless_it_was(status: str) -> None:
    said = status_sentence(_letter(status), "alleged_perpetrator")
    assert said.startswith("Warning letter to the alleged perpetrator: ")
    claims_sent = " sent" in said and "not sent" not in said and "been sent" not in said
    assert claims_sent == (status == "sent"), said
    assert said.endswith(": posted.") == (status == "posted")


def test_a_letter_not_sent_says_why_and_a_queued_one_its_batch() -> None:
    missing = _letter("missing_facts", error="the record lacks the tenancy clauses breached")
    assert status_sentence(missing, None).endswith(
        "not sent: facts are missing from the record (see tasks): "
        "the record lacks the tenancy clauses breached."
    )
    queued = _letter("queued_for_post", batch_day=date(2026, 3, 12))
    assert "(print batch of 2026-03-12)" in status_sentence(queued, None)


def test_the_address_box_sits_inside_the_c5_window() -> None:
    left, top, width, height = WINDOW
    x, y, w, h = ADDRESS_BOX
    assert left <= x and x + w <= left + width
    assert top <= y and y + h <= top + height
