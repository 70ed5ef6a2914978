"""The console's My cases page (issue 11): every page of every filter lists the open cases a
reader would pick by hand, soonest deadline first and the cases without one last, with the counts
at the top; on SQLite and PostgreSQL. The page reads deadlines and undated cases apart, in an
index's order, and takes its total from the window counts: this holds it to the plain rule."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker

from db.console_queries import MyCasesFilter, Windows, my_cases
from db.models import Case
from tests.integration.report_fixtures import T0, landlord_code, random_record

NOW = T0 + timedelta(days=400)
WINDOWS = Windows(NOW, NOW + timedelta(hours=6), NOW + timedelta(days=3))
PAGE_SIZE = 7


def _status(c: Case) -> str:
    due = c.next_deadline_at
    if due is None or due >= WINDOWS.soon:
        return "on_track"
    if due <= WINDOWS.now:
        return "overdue"
    return "today" if due < WINDOWS.end_of_today else "soon"


def _expected(rows: list[Any], f: MyCasesFilter) -> tuple[list[str], dict[str, int]]:
    def selected(c: Case) -> bool:
        who = {"mine": c.officer_id == f.user_id, "unassigned": c.officer_id is None}
        return (
            c.closed_at is None
            and who.get(f.who, True)
            and (f.stage is None or c.stage == f.stage)
            and (f.flag is None or bool(getattr(c, f.flag)))
        )

    cases = [r for r in rows if isinstance(r, Case) and selected(r)]
    counts = {"open": len(cases)}
    for window in ("overdue", "today", "soon"):
        counts[window] = sum(1 for c in cases if _status(c) == window)
    if f.status in ("overdue", "today", "soon", "on_track"):
        cases = [c for c in cases if _status(c) == f.status]
    cases.sort(key=lambda c: (c.next_deadline_at is None, c.next_deadline_at or NOW, c.reference))
    return [c.reference for c in cases], counts


def _filters(landlord: str) -> list[MyCasesFilter]:
    found = [
        MyCasesFilter(landlord, "officer.a", who, status=status)
        for who in ("mine", "unassigned", "all")
        for status in (None, "overdue", "today", "soon", "on_track", "someday")
    ]
    return [
        *found,
        MyCasesFilter(landlord, "officer.b", "all", stage="investigation"),
        MyCasesFilter(landlord, "officer.b", "mine", flag="escalated", status="on_track"),
    ]


@pytest.mark.parametrize("seed", range(3))
async def test_every_my_cases_page_lists_the_open_cases_soonest_deadline_first(
    sessions: async_sessionmaker[Any], seed: int
) -> None:
    rng = random.Random(seed)
    landlord = landlord_code()
    rows = random_record(rng, landlord, cases=120)
    near = [WINDOWS.now, WINDOWS.end_of_today, WINDOWS.soon]  # each window's edges, exactly
    for row in rows:  # deadlines around now, some shared (the reference breaks ties)
        if isinstance(row, Case) and row.next_deadline_at and rng.random() < 0.7:
            row.next_deadline_at = rng.choice(
                [*near, NOW + timedelta(hours=rng.randrange(-72, 120))]
            )
    async with sessions() as session, session.begin():
        session.add_all(rows)
    for f in _filters(landlord):
        references, counts = _expected(rows, f)
        pages = max(1, -(-len(references) // PAGE_SIZE))
        walked: list[str] = []
        async with sessions() as session:
            for number in range(1, pages + 2):  # one past the last: shows the last again
                page = await my_cases(session, f, WINDOWS, number, PAGE_SIZE)
                assert (page.total, page.pages, page.counts) == (len(references), pages, counts)
                assert page.page == min(number, pages)
                listed = [c.reference for c in page.rows]
                if number <= pages:
                    walked += listed
                else:
                    assert listed == references[(pages - 1) * PAGE_SIZE :]
        assert walked == references, f
