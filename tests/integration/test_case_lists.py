"""Case lists page by keyset: walking every page gives each matching case once, in deadline
order, whatever the filter and the page size; on SQLite and PostgreSQL."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker

from db.models import Case
from db.queries import CaseFilter, Position, count_cases, list_cases
from tests.integration.report_fixtures import T0, landlord_code, random_record

NOW = T0 + timedelta(days=400)


def filters(landlord: str) -> list[CaseFilter]:
    return [
        CaseFilter(landlord),
        CaseFilter(landlord, stage="investigation"),
        CaseFilter(landlord, tier="high", open_only=True),
        CaseFilter(landlord, officer_id="officer.a"),
        CaseFilter(landlord, overdue=True),
        CaseFilter(landlord, overdue=False),
        CaseFilter(landlord, escalated=True),
        CaseFilter(landlord, escalated=False, overdue=False),
        CaseFilter(landlord, due_within=timedelta(days=30)),
        CaseFilter(landlord, officer_id="officer.b", due_within=timedelta(days=90)),
        CaseFilter(landlord, open_only=True),
    ]


def expected(rows: list[Any], f: CaseFilter) -> list[str]:
    """The list as a reader would make it by hand: filter, then sort by next deadline."""

    def keep(c: Case) -> bool:
        due = c.next_deadline_at
        return (
            (f.stage is None or c.stage == f.stage)
            and (f.tier is None or c.tier == f.tier)
            and (f.officer_id is None or c.officer_id == f.officer_id)
            and (f.escalated is None or c.escalated == f.escalated)
            and (f.overdue is not True or (due is not None and due < NOW))
            and (f.overdue is not False or due is None or due >= NOW)
            and (f.due_within is None or (due is not None and NOW <= due <= NOW + f.due_within))
            and (not f.open_only or c.closed_at is None)
        )

    cases = [r for r in rows if isinstance(r, Case) and keep(r)]
    cases.sort(key=lambda c: (c.next_deadline_at is None, c.next_deadline_at or NOW, c.reference))
    return [c.reference for c in cases]


@pytest.mark.parametrize("seed", range(3))
async def test_walking_every_page_lists_each_case_once_in_deadline_order(
    sessions: async_sessionmaker[Any], seed: int
) -> None:
    rng = random.Random(seed)
    landlord = landlord_code()
    rows = random_record(rng, landlord, cases=90)
    for row in rows:  # shared deadlines: the reference breaks ties
        if isinstance(row, Case) and row.next_deadline_at and rng.random() < 0.3:
            row.next_deadline_at = T0 + timedelta(days=390)
    async with sessions() as session, session.begin():
        session.add_all(rows)
    for f in filters(landlord):
        limit = rng.choice([1, 7, 50, 500])
        walked: list[str] = []
        after: Position | None = None
        async with sessions() as session:
            while True:
                page, after = await list_cases(session, f, NOW, limit, after)
                assert len(page) <= limit
                walked += [c.reference for c in page]
                if after is None:
                    break
            total = await count_cases(session, f, NOW)
        assert walked == expected(rows, f), f
        assert total == len(walked), f
