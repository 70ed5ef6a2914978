"""Figures for the landlord's reports: SLA, caseload, escalations, resolution, TSM NM01, survey.

Every figure is aggregated in the database (the rows never travel to Python), over indexes shaped
for it (db/models.py). tests/integration/test_reports_sql.py compares each with a straightforward
Python reference on random records.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Over,
    and_,
    case,
    cast,
    extract,
    func,
    literal,
    or_,
    select,
    text,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler

from db.models import Case, CaseEvent, Escalation, Party
from db.party_keys import key_expression
from domain.vocabulary import PartyRole

# Stands for "still open" when comparing closing times (NM01).
FOREVER = datetime(9999, 12, 31, tzinfo=UTC)


async def without_jit(session: AsyncSession) -> None:
    """PostgreSQL's JIT compiles these index-driven queries for longer than they then run."""
    if _dialect(session) == "postgresql":
        await session.execute(text("SET LOCAL jit = off"))


def _first_contact_due(
    landlord: str, start: datetime, end: datetime, now: datetime
) -> tuple[ColumnElement[bool], ColumnElement[int]]:
    """R14/R17: the reports whose first-contact deadline has come (met, or due by ``now``), and
    1 for each one met in time."""
    due = and_(
        Case.landlord == landlord,
        Case.received_at.between(start, end),
        Case.first_contact_due_at.is_not(None),
        or_(Case.first_contact_met_at.is_not(None), Case.first_contact_due_at <= now),
    )
    met_in_time = and_(
        Case.first_contact_met_at.is_not(None),
        Case.first_contact_met_at <= Case.first_contact_due_at,
    )
    return due, case((met_in_time, 1), else_=0)


async def first_contact_sla(
    session: AsyncSession, landlord: str, start: datetime, end: datetime, now: datetime
) -> dict[str, Any]:
    """R17 (Y's KPI): of reports whose first-contact deadline has come, the share met in time."""
    due, met_in_time = _first_contact_due(landlord, start, end, now)
    row = (
        await session.execute(
            select(func.count(), func.coalesce(func.sum(met_in_time), 0)).where(due)
        )
    ).one()
    cases, met = int(row[0]), int(row[1])
    return {"cases": cases, "met": met, "percent": _pct(met, cases)}


async def first_contact_sla_by_month_and_tier(
    session: AsyncSession, landlord: str, start: datetime, end: datetime, now: datetime
) -> list[dict[str, Any]]:
    """The same figure for each month a report was received in (UTC, ``YYYY-MM``) and each
    tier, in month then tier order. Only non-empty groups appear."""
    due, met_in_time = _first_contact_due(landlord, start, end, now)
    month = _month(_dialect(session), Case.received_at).label("month")
    rows = await session.execute(
        select(month, Case.tier, func.count(), func.coalesce(func.sum(met_in_time), 0))
        .where(due)
        .group_by(month, Case.tier)
        .order_by(month, Case.tier)
    )
    return [
        {"month": m, "tier": t, "cases": int(n), "met": int(k), "percent": _pct(int(k), int(n))}
        for m, t, n, k in rows
    ]


def _month(dialect: str, instant: Any) -> ColumnElement[str]:
    """The UTC calendar month of an instant, as ``YYYY-MM``."""
    if dialect == "sqlite":  # stored as 'YYYY-MM-DD HH:MM:SS.ffffff' in UTC (db/models.py)
        return func.substr(instant, 1, 7)
    return func.to_char(func.timezone("UTC", instant), "YYYY-MM")


async def open_by_stage_and_tier(session: AsyncSession, landlord: str) -> list[dict[str, Any]]:
    rows = await session.execute(
        select(Case.stage, Case.tier, func.count())
        .where(Case.landlord == landlord, Case.closed_at.is_(None))
        .group_by(Case.stage, Case.tier)
        .order_by(Case.stage, Case.tier)
    )
    return [{"stage": s, "tier": t, "cases": n} for s, t, n in rows]


async def escalations_by_clock(
    session: AsyncSession, landlord: str, start: datetime, end: datetime
) -> list[dict[str, Any]]:
    rows = await session.execute(
        select(Escalation.clock, func.count())
        .where(Escalation.landlord == landlord, Escalation.raised_at.between(start, end))
        .group_by(Escalation.clock)
        .order_by(Escalation.clock)
    )
    return [{"clock": c or "other", "escalations": n} for c, n in rows]


async def time_to_resolution(
    session: AsyncSession, landlord: str, start: datetime, end: datetime
) -> dict[str, Any]:
    """Mean and median days from report to closure, of cases closed in the period."""
    micros = _micros_between(_dialect(session), Case.received_at, Case.closed_at).label("us")
    closed = and_(Case.landlord == landlord, Case.closed_at.between(start, end))
    count, total = (
        await session.execute(select(func.count(), func.sum(micros)).where(closed))
    ).one()
    if not count:
        return {"closed_cases": 0, "mean_days": None, "median_days": None}
    # The middle one or two durations, as statistics.median takes them.
    middle = list(
        await session.scalars(
            select(micros)
            .where(closed)
            .order_by(micros)
            .offset((count - 1) // 2)
            .limit(2 - count % 2)
        )
    )
    days = [_days(int(us)) for us in middle]
    return {
        "closed_cases": int(count),
        "mean_days": round(int(total) / 10**6 / 86400 / count, 1),
        "median_days": round(sum(days) / len(days), 1),
    }


def _days(micros: int) -> float:
    return micros / 10**6 / 86400  # as timedelta.total_seconds() / 86400


def _micros_between(dialect: str, start: Any, end: Any) -> ColumnElement[int]:
    """Whole microseconds from start to end, exactly (no float days)."""
    if dialect == "sqlite":  # stored as 'YYYY-MM-DD HH:MM:SS.ffffff' in UTC (db/models.py)
        seconds = _int(func.strftime("%s", end)) - _int(func.strftime("%s", start))
        return seconds * 1_000_000 + _int(func.substr(end, 21, 6)) - _int(func.substr(start, 21, 6))
    return _int(extract("epoch", end - start) * 1_000_000)


def _int(value: Any) -> ColumnElement[int]:
    return cast(value, BigInteger)


async def nm01(
    session: AsyncSession, landlord: str, start: datetime, end: datetime, homes: int
) -> dict[str, Any]:
    """TSM NM01: cases opened per 1,000 homes, and hate-incident cases per 1,000 (R25, 3.1).

    A further report about the same party while a case about them is open is not a new case;
    a report after that case closed is.
    """
    repeats = _repeat_reports(_dialect(session), landlord, start, end)
    repeat = repeats.c.reference.is_not(None)
    opened, not_counted, hate = (
        await session.execute(
            select(
                func.count(),
                func.count(repeats.c.reference),
                func.coalesce(func.sum(case((and_(Case.hate_incident, ~repeat), 1), else_=0)), 0),
            )
            .select_from(Case)
            .outerjoin(repeats, repeats.c.reference == Case.reference)
            .where(Case.landlord == landlord, Case.received_at.between(start, end))
        )
    ).one()
    counted = int(opened) - int(not_counted)
    return {
        "homes": homes,
        "cases": counted,
        "per_1000_homes": round(counted * 1000 / homes, 2),
        "hate_cases": int(hate),
        "hate_per_1000_homes": round(int(hate) * 1000 / homes, 2),
        "not_counted_as_repeat_reports": int(not_counted),
    }


def _repeat_reports(dialect: str, landlord: str, start: datetime, end: datetime) -> Any:
    """References of the period's cases reported while an earlier case about the same alleged
    perpetrator was still open: per party, the latest closing time among strictly earlier cases
    (a window that excludes the row's peers) is after this report."""
    mine = Case.landlord == landlord
    columns = (Case.reference, Case.received_at, Case.closed_at)
    # Only cases received in the period, or still open when it began, can matter (R25).
    relevant = union_all(
        select(*columns).where(mine, Case.received_at.between(start, end)),
        select(*columns).where(mine, Case.closed_at.is_(None), Case.received_at < start),
        select(*columns).where(mine, Case.closed_at > start, Case.received_at < start),
    ).subquery()
    party = key_expression(dialect, Party.name, Party.address)
    if dialect == "postgresql":  # a partition needs equal keys only: bytes sort faster than text
        party = party.collate("C")
    open_until = func.coalesce(relevant.c.closed_at, literal(FOREVER, Case.closed_at.type))
    earlier_open_until = func.max(open_until).over(
        partition_by=party, order_by=relevant.c.received_at, range_=(None, 0)
    )
    keyed = (
        select(
            relevant.c.reference,
            relevant.c.received_at,
            _exclude_peers(earlier_open_until).label("earlier_open_until"),
        )
        .join(Party, Party.reference == relevant.c.reference)
        .where(
            Party.role == PartyRole.ALLEGED_PERPETRATOR,
            or_(func.coalesce(Party.name, "") != "", func.coalesce(Party.address, "") != ""),
        )
    ).subquery()
    return (
        select(keyed.c.reference)
        .where(keyed.c.received_at >= start, keyed.c.earlier_open_until > keyed.c.received_at)
        .distinct()
        .subquery()
    )


class _ExcludePeers(ColumnElement[Any]):
    """A window whose frame leaves out the current row's peers (SQLite and PostgreSQL)."""

    inherit_cache = True

    def __init__(self, window: Over[Any]) -> None:
        self.window = window
        self.type = window.type


@compiles(_ExcludePeers)
def _compile_exclude_peers(element: _ExcludePeers, compiler: SQLCompiler, **kw: Any) -> str:
    rendered = compiler.process(element.window, **kw)
    return f"{rendered[:-1]} EXCLUDE GROUP)"  # SQLAlchemy renders no frame exclusion


def _exclude_peers(window: Over[Any]) -> ColumnElement[Any]:
    return _ExcludePeers(window)


async def closure_survey(
    session: AsyncSession, landlord: str, start: datetime, end: datetime
) -> dict[str, Any]:
    """R51: the landlord's own closure survey; kept apart from TSM TP12 (a perception survey)."""
    score = CaseEvent.data["score"].as_integer()
    responses, total, satisfied = (
        await session.execute(
            select(
                func.count(score),
                func.sum(score),
                func.coalesce(func.sum(case((score >= 4, 1), else_=0)), 0),
            )
            .join(Case, Case.reference == CaseEvent.reference)
            .where(
                Case.landlord == landlord,
                CaseEvent.action == "record_survey_response",
                CaseEvent.occurred_at.between(start, end),
            )
        )
    ).one()
    return {
        "responses": int(responses),
        "mean_score": round(int(total) / responses, 2) if responses else None,
        "satisfied_percent": _pct(int(satisfied), int(responses)),
        "note": "Local closure survey (scores 4-5 of 5 count as satisfied). Not TSM TP12.",
    }


def _dialect(session: AsyncSession) -> str:
    return session.get_bind().dialect.name


def _pct(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None
