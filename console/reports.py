"""Reports as tables with SVG charts, each table downloadable as CSV."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from console import backend
from console.charts import bar_chart
from console.labels import clock, stage, words
from console.session import Session
from console.web import render, supervisor
from edge.deps import Services, services

router = APIRouter(prefix="/console/reports", include_in_schema=False)
DEFAULT_HOMES = 10_000


@dataclass
class Table:
    slug: str
    title: str
    columns: list[str]
    rows: list[list[Any]]
    chart: str = ""


def _months(start: date, end: date) -> list[tuple[date, date]]:
    found, first = [], start.replace(day=1)
    while first <= end:
        following = (first + timedelta(days=32)).replace(day=1)
        found.append((max(first, start), min(following - timedelta(days=1), end)))
        first = following
    return found


async def _tables(svc: Services, s: Session, start: date, end: date, homes: int) -> list[Table]:
    data = await backend.report_tables(svc, s.principal, start, end, homes)
    return [*_first_contact(data["first_contact_within_sla_by_month_and_tier"], start, end),
            *_others(data)]  # fmt: skip


def _first_contact(groups: list[dict[str, Any]], start: date, end: date) -> list[Table]:
    """R14: by month (every month of the period, empty ones too) and by month and tier, both
    summed from the same groups of the record."""
    monthly = []
    for first, _ in _months(start, end):
        key = first.strftime("%Y-%m")
        cases = sum(g["cases"] for g in groups if g["month"] == key)
        met = sum(g["met"] for g in groups if g["month"] == key)
        monthly.append([first.strftime("%b %Y"), cases, met, _pct(met, cases)])
    by_month = Table(
        "first-contact", "First contact within the deadline, by month (R14)",
        ["Month", "Cases due", "Met in time", "Percent met"], monthly,
        # Months with nothing due have no percentage: the table says so, the chart leaves them out.
        bar_chart("Percent of first contacts made in time, by month",
                  [(r[0], r[3]) for r in monthly if r[3] is not None], "%"),
    )  # fmt: skip
    rows = [
        [_month_label(g["month"]), words(g["tier"]),
         g["cases"], g["met"], g["percent"]]
        for g in groups
    ]  # fmt: skip
    by_tier = Table(
        "first-contact-by-tier", "First contact within the deadline, by month and tier (R14)",
        ["Month", "Tier", "Cases due", "Met in time", "Percent met"], rows,
        bar_chart("Percent of first contacts made in time, by month and tier",
                  [(f"{r[0]}, {r[1]}", r[4]) for r in rows if r[4] is not None], "%"),
    )  # fmt: skip
    return [by_month, by_tier]


def _month_label(key: str) -> str:
    return datetime.strptime(key, "%Y-%m").strftime("%b %Y")


def _pct(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _others(data: dict[str, Any]) -> list[Table]:
    nm = data["tsm_nm01"]
    nm01 = Table(
        "nm01", "TSM NM01: cases per 1,000 homes",
        ["Measure", "Cases", "Per 1,000 homes"],
        [["All ASB cases", nm["cases"], nm["per_1000_homes"]],
         ["Hate incident cases", nm["hate_cases"], nm["hate_per_1000_homes"]]],
    )  # fmt: skip
    nm01.chart = bar_chart("Cases per 1,000 homes", [(r[0], r[2]) for r in nm01.rows])
    caseload_rows = [
        [stage(r["stage"]), words(r["tier"]), r["cases"]]
        for r in data["open_cases_by_stage_and_tier"]
    ]
    caseload = Table(
        "caseload", "Open cases by stage and tier", ["Stage", "Tier", "Cases"], caseload_rows,
        bar_chart("Open cases by stage and tier",
                  [(f"{r[0]}, {r[1]}", r[2]) for r in caseload_rows]),
    )  # fmt: skip
    esc_rows = [[clock(r["clock"]), r["escalations"]] for r in data["escalations_by_deadline"]]
    escalated = Table(
        "escalations", "Escalations by deadline missed", ["Deadline", "Escalations"], esc_rows,
        bar_chart("Escalations by deadline missed", [(r[0], r[1]) for r in esc_rows]),
    )  # fmt: skip
    ttr = data["time_to_resolution"]
    resolution = Table(
        "resolution", "Time to resolution", ["Measure", "Value"],
        [["Cases closed", ttr["closed_cases"]], ["Mean days", ttr["mean_days"]],
         ["Median days", ttr["median_days"]]],
    )  # fmt: skip
    return [nm01, caseload, escalated, resolution]


def _period(start: date | None, end: date | None) -> tuple[date, date]:
    today = datetime.now(UTC).date()
    end = end or today
    start = start or (end - timedelta(days=365)).replace(day=1)
    return (start, end) if start <= end else (end, start)


@dataclass
class Period:
    start: date
    end: date
    homes: int


async def period(
    start: date | None = Query(None, alias="from"),
    end: date | None = Query(None, alias="to"),
    homes: int = Query(DEFAULT_HOMES, gt=0, le=10_000_000),
) -> Period:
    first, last = _period(start, end)
    return Period(first, last, homes)


@router.get("", response_class=HTMLResponse)
async def reports_page(
    request: Request,
    p: Period = Depends(period),
    s: Session = Depends(supervisor),
    svc: Services = Depends(services),
) -> Response:
    start, end, homes = p.start, p.end, p.homes
    tables = await _tables(svc, s, start, end, homes)
    return render(
        request, "reports.html", s, title="Reports", tables=tables, start=start, end=end,
        homes=homes,
    )  # fmt: skip


@router.get("/{slug}.csv")
async def report_csv(
    slug: str,
    p: Period = Depends(period),
    s: Session = Depends(supervisor),
    svc: Services = Depends(services),
) -> Response:
    start, end, homes = p.start, p.end, p.homes
    table = next((t for t in await _tables(svc, s, start, end, homes) if t.slug == slug), None)
    if table is None:
        return Response("no such report", status_code=404, media_type="text/plain")
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(table.columns)
    writer.writerows(["" if v is None else v for v in row] for row in table.rows)
    filename = f"{s.principal.landlord}-{slug}-{start}-{end}.csv"
    return Response(
        out.getvalue(), media_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )  # fmt: skip
