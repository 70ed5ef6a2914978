"""The reports computed in SQL equal the straightforward Python reference, on random records.

db/reports.py aggregates in the database (window functions for NM01's repeat reports, R25);
reports_reference.py is how the reports were first written: load the rows, count in Python. Both
run over the same random records on SQLite and PostgreSQL; every figure must agree exactly.
"""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker

from db import reports
from db.models import Party
from tests.integration import reports_reference as reference
from tests.integration.report_fixtures import (
    T0,
    landlord_code,
    random_case,
    random_period,
    random_record,
)


@pytest.mark.parametrize("seed", range(12))
async def test_every_report_equals_the_reference_on_a_random_record(
    sessions: async_sessionmaker[Any], seed: int
) -> None:
    rng = random.Random(seed)
    landlord = landlord_code()
    rows = random_record(rng, landlord, cases=rng.choice([1, 5, 40, 120]))
    async with sessions() as session, session.begin():
        session.add_all(rows)
    for _ in range(4):
        start, end = random_period(rng, rows)
        now = rng.choice([start, end])
        async with sessions() as session:
            for name, args in [
                ("first_contact_sla", (start, end, now)),
                ("first_contact_sla_by_month_and_tier", (start, end, now)),
                ("escalations_by_clock", (start, end)),
                ("time_to_resolution", (start, end)),
                ("nm01", (start, end, 2500)),
                ("closure_survey", (start, end)),
            ]:
                got = await getattr(reports, name)(session, landlord, *args)
                want = await getattr(reference, name)(session, landlord, *args)
                assert got == want, (name, seed, start, end)


async def test_a_report_about_an_open_cases_party_is_not_a_new_case(
    sessions: async_sessionmaker[Any],
) -> None:
    """R25 by hand: the same party spelt differently, while the first case is open, is a repeat;
    after it closed, a new case; at the very instant it closed, a new case too."""
    rng = random.Random(99)
    landlord = landlord_code()
    first = random_case(rng, landlord, f"{landlord}-A", T0, T0 + timedelta(days=10))
    repeat = random_case(
        rng, landlord, f"{landlord}-B", T0 + timedelta(days=3), T0 + timedelta(days=5)
    )
    at_close = random_case(rng, landlord, f"{landlord}-C", T0 + timedelta(days=10), None)
    for case in (first, repeat, at_close):
        case.hate_incident = False
    spellings = ["Sam Neighbour", "  SAM   neighbour", "sam neighbour"]
    parties = [
        Party(id=f"{c.reference}-P", reference=c.reference, role="alleged_perpetrator",
              name=name, address="2 High St", preferred_channel="letter")
        for c, name in zip((first, repeat, at_close), spellings, strict=True)
    ]  # fmt: skip
    async with sessions() as session, session.begin():
        session.add_all([first, repeat, at_close, *parties])
    async with sessions() as session:
        figures = await reports.nm01(session, landlord, T0, T0 + timedelta(days=30), 1000)
        assert figures == await reference.nm01(session, landlord, T0, T0 + timedelta(days=30), 1000)
    assert figures["cases"] == 2 and figures["not_counted_as_repeat_reports"] == 1
