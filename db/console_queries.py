"""What the web console reads: the My cases page and its counts, a case's record, the letter PDF
and the team's caseload. The console reaches these through :mod:`services.console`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.access import visible_to
from db.models import Case, Letter, LetterDocument, OfficerTask, Party, Referral, ReportDetails
from domain.vocabulary import PartyRole

FLAGS = ("hate_incident", "domestic_abuse", "anonymous", "escalated")


@dataclass(frozen=True)
class Windows:
    """When 'overdue', 'due today' and 'due within 2 working days' end (the caller's calendar)."""

    now: datetime
    end_of_today: datetime
    soon: datetime


@dataclass(frozen=True)
class MyCasesFilter:
    landlord: str
    user_id: str
    who: str = "mine"  # mine, unassigned or all
    stage: str | None = None
    tier: str | None = None
    status: str | None = None  # overdue, today, soon or on_track
    flag: str | None = None
    q: str | None = None  # part of a reference or of a party's name
    viewer: str | None = None  # leave out cases restricted away from this user (db/access.py)


@dataclass
class MyCasesPage:
    rows: list[Case]
    total: int
    page: int
    pages: int
    counts: dict[str, int]  # open, overdue, today, soon: of every open case the filter selects
    names: dict[str, str]  # reference -> complainant's name


def _where(f: MyCasesFilter) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = [Case.landlord == f.landlord, Case.closed_at.is_(None)]
    if f.who == "mine":
        where.append(Case.officer_id == f.user_id)
    elif f.who == "unassigned":
        where.append(Case.officer_id.is_(None))
    if f.stage:
        where.append(Case.stage == f.stage)
    if f.tier:
        where.append(Case.tier == f.tier)
    if f.flag in FLAGS:
        where.append(getattr(Case, f.flag).is_(True))
    if f.viewer is not None:
        where.append(visible_to(f.viewer))
    if f.q:
        pattern = f"%{f.q.strip()}%"
        named = select(Party.reference).where(Party.name.ilike(pattern))
        where.append(or_(Case.reference.ilike(pattern), Case.reference.in_(named)))
    return where


def _windows(w: Windows) -> dict[str, ColumnElement[bool]]:
    due = Case.next_deadline_at
    return {
        "overdue": due <= w.now,
        "today": and_(due > w.now, due < w.end_of_today),
        "soon": and_(due >= w.end_of_today, due < w.soon),
        "on_track": or_(due >= w.soon, due.is_(None)),
    }


async def my_cases(
    session: AsyncSession, f: MyCasesFilter, w: Windows, page: int, page_size: int
) -> MyCasesPage:
    """One page of the filter's open cases, soonest deadline first, with the counts by window."""
    where, windows = _where(f), _windows(w)
    due = Case.next_deadline_at
    counted = select(
        func.count(),
        func.count(due),
        *(func.sum(case((windows[name], 1), else_=0)) for name in ("overdue", "today", "soon")),
    ).where(*where)
    status = f.status if f.status in windows else None
    total_all, dated_all, overdue, today, soon = (await session.execute(counted)).one()
    counts = {
        "open": int(total_all or 0),
        "overdue": int(overdue or 0),
        "today": int(today or 0),
        "soon": int(soon or 0),
    }
    # The four windows split every open case (overdue <= now < today < end of today <= soon <
    # on track, and no deadline is on track): the page's total needs no second count.
    late = counts["overdue"] + counts["today"] + counts["soon"]
    if status is None:
        total, dated = counts["open"], int(dated_all or 0)
    elif status == "on_track":
        total, dated = counts["open"] - late, int(dated_all or 0) - late
    else:  # every case in these windows has a deadline
        total = dated = counts[status]
    pages = max(1, -(-total // page_size))
    page = min(max(1, page), pages)
    listed = [*where, windows[status]] if status else where
    # Soonest deadline first, then the cases without one: two reads in an index's own order
    # (ix_cases_open_officer, ix_cases_open) rather than sorting every open case on each page.
    skip, rows = (page - 1) * page_size, list[Case]()
    if skip < dated:
        rows += await session.scalars(
            select(Case)
            .where(*listed, due.is_not(None))
            .order_by(due, Case.reference)
            .limit(page_size)
            .offset(skip)
        )
    if len(rows) < page_size and total > dated:
        rows += await session.scalars(
            select(Case)
            .where(*listed, due.is_(None))
            .order_by(due, Case.reference)
            .limit(page_size - len(rows))
            .offset(max(0, skip - dated))
        )
    names = await complainant_names(session, [r.reference for r in rows])
    return MyCasesPage(rows, total, page, pages, counts, names)


async def complainant_names(session: AsyncSession, references: list[str]) -> dict[str, str]:
    if not references:
        return {}
    rows = await session.execute(
        select(Party.reference, Party.name, Party.anonymous).where(
            Party.reference.in_(references), Party.role == PartyRole.COMPLAINANT
        )
    )
    return {ref: ("Anonymous" if anon else (name or "Not given")) for ref, name, anon in rows}


async def parties(session: AsyncSession, reference: str) -> list[Party]:
    return list(
        await session.scalars(select(Party).where(Party.reference == reference).order_by(Party.id))
    )


async def description(session: AsyncSession, reference: str) -> str | None:
    details = await session.get(ReportDetails, reference)
    return details.description if details else None


async def letters(session: AsyncSession, reference: str) -> list[Letter]:
    return list(
        await session.scalars(
            select(Letter).where(Letter.reference == reference).order_by(Letter.created_at)
        )
    )


async def referrals(session: AsyncSession, reference: str) -> list[Referral]:
    return list(
        await session.scalars(
            select(Referral).where(Referral.reference == reference).order_by(Referral.made_at)
        )
    )


async def tasks(session: AsyncSession, reference: str) -> list[OfficerTask]:
    """Every task of the case, open ones first, each group oldest first."""
    return list(
        await session.scalars(
            select(OfficerTask)
            .where(OfficerTask.reference == reference)
            .order_by(OfficerTask.done_at.is_not(None), OfficerTask.created_at)
        )
    )


async def letter_of_case(session: AsyncSession, reference: str, letter_id: int) -> Letter | None:
    """The letter ``letter_id`` if it is one of the case's (another case's is unknown)."""
    letter = await session.get(Letter, letter_id)
    return letter if letter is not None and letter.reference == reference else None


async def letter_document(session: AsyncSession, letter: Letter) -> bytes | None:
    document = await session.get(LetterDocument, letter.key)
    return document.pdf if document is not None else None


@dataclass(frozen=True)
class OfficerLoad:
    officer_id: str | None
    open_cases: int
    overdue: int
    escalated: int


async def team(session: AsyncSession, landlord: str, now: datetime) -> list[OfficerLoad]:
    """Open cases per officer (None: not assigned), with how many are overdue or escalated."""
    rows = await session.execute(
        select(
            Case.officer_id,
            func.count(),
            func.sum(case((Case.next_deadline_at <= now, 1), else_=0)),
            func.sum(case((Case.escalated.is_(True), 1), else_=0)),
        )
        .where(Case.landlord == landlord, Case.closed_at.is_(None))
        .group_by(Case.officer_id)
        .order_by(Case.officer_id)
    )
    return [OfficerLoad(o, int(n), int(late or 0), int(esc or 0)) for o, n, late, esc in rows]


async def officer_cases(session: AsyncSession, landlord: str, officer: str | None) -> list[Case]:
    """An officer's open cases (None: those not assigned), soonest deadline first."""
    who = Case.officer_id.is_(None) if officer is None else Case.officer_id == officer
    return list(
        await session.scalars(
            select(Case)
            .where(Case.landlord == landlord, Case.closed_at.is_(None), who)
            .order_by(Case.next_deadline_at.is_(None), Case.next_deadline_at)
            .limit(200)
        )
    )
