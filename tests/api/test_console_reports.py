"""The console's report of first contact within the deadline, by month and tier (R14, R17):
every figure in the table and its CSV comes from cases created for the test, nothing else."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import async_sessionmaker

from db.models import Case
from tests.api.test_console_http import _sign_in

# A period no other test reports in (their cases are received days ago, not years).
JAN, FEB = datetime(2019, 1, 10, 9, tzinfo=UTC), datetime(2019, 2, 20, 9, tzinfo=UTC)


def _case(n: int, received: datetime, tier: str, met_after_hours: float | None) -> Case:
    """A case of landlord X whose first contact was due two days after it was received, and was
    made ``met_after_hours`` after it was due (negative: in time; None: never)."""
    due = received + timedelta(days=2)
    met = None if met_after_hours is None else due + timedelta(hours=met_after_hours)
    return Case(
        reference=f"X-SLA-{n:03d}", landlord="X", policy_version="test", stage="investigation",
        tier=tier, categories=["noise"], channel="phone", officer_id="officer.x",
        hate_incident=False, escalated=False, received_at=received, opened_at=received,
        next_deadline_at=None, closed_at=None, awaiting="", first_contact_due_at=due,
        first_contact_met_at=met, updated_at=received,
    )  # fmt: skip


def _cases() -> list[Case]:
    return [
        _case(1, JAN, "general", -5),  # January, general: 2 due, 1 in time
        _case(2, JAN, "general", 3),
        _case(3, JAN + timedelta(days=1), "serious", -1),  # January, serious: 1 due, 1 in time
        _case(4, FEB, "serious", None),  # February, serious: due and never met
        _case(5, FEB, "serious", -30),  # February, serious: in time
        _case(6, FEB, "general", 1),  # February, general: late
    ]


async def _csv(api: httpx.AsyncClient, slug: str) -> list[list[str]]:
    response = await api.get(f"/console/reports/{slug}.csv?from=2019-01-01&to=2019-03-31")
    assert response.status_code == 200, response.text
    return list(csv.reader(io.StringIO(response.text)))


async def test_first_contact_by_month_and_tier_counts_the_cases_on_record_r14(
    api: httpx.AsyncClient, sessions: async_sessionmaker[Any]
) -> None:
    async with sessions() as session, session.begin():
        session.add_all(_cases())
    await _sign_in(api, "X", "supervisor")

    assert await _csv(api, "first-contact-by-tier") == [
        ["Month", "Tier", "Cases due", "Met in time", "Percent met"],
        ["Jan 2019", "General", "2", "1", "50.0"],
        ["Jan 2019", "Serious", "1", "1", "100.0"],
        ["Feb 2019", "General", "1", "0", "0.0"],
        ["Feb 2019", "Serious", "2", "1", "50.0"],
    ]
    # The monthly totals are the sums of the same groups, and a month without cases says so.
    assert await _csv(api, "first-contact") == [
        ["Month", "Cases due", "Met in time", "Percent met"],
        ["Jan 2019", "3", "2", "66.7"],
        ["Feb 2019", "3", "1", "33.3"],
        ["Mar 2019", "0", "0", ""],
    ]
    page = await api.get("/console/reports?from=2019-01-01&to=2019-03-31")
    table = page.text.split('data-testid="report-first-contact-by-tier"')[1].split("</table>")[0]
    assert table.count("Feb 2019") == 2 and table.count("General") == 2
    # The chart is drawn on the server: one bar per month and tier, its value written beside it.
    chart = page.text.split("by month and tier</title>")[1].split("</svg>")[0]
    assert chart.count("<rect") == 4 and ">66.7%<" not in chart and ">50%<" in chart


async def test_the_approvals_page_offers_to_decline_a_peia_with_a_reason_r43(
    api: httpx.AsyncClient, sessions: async_sessionmaker[Any]
) -> None:
    """A case waiting on PEIA approval (a policy that asks for it) gets both decisions, the
    decline with its own labelled reason field, posted to the action the domain declares."""
    waiting = _case(900, datetime(2018, 6, 1, tzinfo=UTC), "serious", -1)  # outside JAN-FEB
    waiting.reference, waiting.awaiting = f"X-PEIA-{uuid.uuid4().hex[:8]}", "peia_approval"
    async with sessions() as session, session.begin():
        session.add(waiting)
    await _sign_in(api, "X", "supervisor")
    page = (await api.get("/console/approvals")).text
    [row] = [tr for tr in page.split("</tr>") if waiting.reference in tr]
    assert f'action="/console/cases/{waiting.reference}/actions/approve_peia"' in row
    assert f'action="/console/cases/{waiting.reference}/actions/decline_peia"' in row
    field = f'id="decline_peia-{waiting.reference}" name="decline_peia--reason"'
    assert f'for="decline_peia-{waiting.reference}"' in row and field in row
    assert "Decline PEIA" in row and "Decline closure" not in row
