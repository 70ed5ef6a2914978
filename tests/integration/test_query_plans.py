"""Every list and report query reads through an index, never a full scan of a table.

Each query is captured as the product runs it, then EXPLAINed on the same connection with the
same parameters. PostgreSQL plans against tiny tables would choose sequential scans anyway, so
they are priced out (enable_seqscan = off): one that remains has no usable index.
"""

from __future__ import annotations

import random
import re
from datetime import timedelta
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from db import queries, reports
from db.console_queries import MyCasesFilter, my_cases
from db.models import Base
from tests.integration.report_fixtures import T0, landlord_code, random_record
from tests.integration.test_case_lists import NOW, filters
from tests.integration.test_my_cases_pages import WINDOWS

TABLES = set(Base.metadata.tables)


async def _run_every_query(sessions: async_sessionmaker[Any], landlord: str) -> None:
    start, end = T0 + timedelta(days=100), T0 + timedelta(days=465)
    async with sessions() as session:
        for f in filters(landlord):
            _page, after = await queries.list_cases(session, f, NOW, 2)
            if after is not None:
                await queries.list_cases(session, f, NOW, 2, after)
            await queries.count_cases(session, f, NOW)
        undated = queries.Position(None, f"{landlord}-00001")
        await queries.list_cases(session, filters(landlord)[0], NOW, 2, undated)
        await queries.timeline(session, f"{landlord}-00001")
        await queries.open_escalations(session, landlord)
        await queries.awaiting_approval(session, landlord)
        await reports.first_contact_sla(session, landlord, start, end, NOW)
        await reports.open_by_stage_and_tier(session, landlord)
        await reports.escalations_by_clock(session, landlord, start, end)
        await reports.time_to_resolution(session, landlord, start, end)
        await reports.nm01(session, landlord, start, end, 1000)
        await reports.closure_survey(session, landlord, start, end)


def full_scans(dialect: str, plan: list[str]) -> list[str]:
    if (
        dialect == "sqlite"
    ):  # "SCAN cases" (no index at all) or "SCAN cases USING INDEX" (all of it)
        pattern = re.compile(r"\bSCAN (\w+)")
    else:
        pattern = re.compile(r"Seq Scan on (\w+)")
    return [line for line in plan if (m := pattern.search(line)) and m.group(1) in TABLES]


async def test_no_list_or_report_query_scans_a_whole_table(
    engine: AsyncEngine, sessions: async_sessionmaker[Any]
) -> None:
    landlord = landlord_code()
    async with sessions() as session, session.begin():
        session.add_all(random_record(random.Random(7), landlord, cases=60))
    captured: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            captured.append((statement, parameters))

    event.listen(engine.sync_engine, "before_cursor_execute", capture)
    try:
        await _run_every_query(sessions, landlord)
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", capture)
    assert len(captured) >= 40
    dialect = engine.dialect.name
    async with engine.connect() as conn:
        if dialect == "postgresql":
            await conn.exec_driver_sql("SET enable_seqscan = off")
        explain = "EXPLAIN QUERY PLAN " if dialect == "sqlite" else "EXPLAIN "
        for statement, parameters in captured:
            result = await conn.exec_driver_sql(explain + statement, parameters)
            plan = [str(row[-1]) for row in result]
            assert not full_scans(dialect, plan), (statement, plan)


async def test_the_consoles_search_by_name_reads_the_trigram_index_on_postgresql(
    engine: AsyncEngine, sessions: async_sessionmaker[Any]
) -> None:
    """My cases' search (part of a reference or a party's name, ILIKE '%...%') is served by
    migration 0016's trigram indexes on PostgreSQL: at a million cases the scan of every party
    took 456 ms. SQLite has no such index and scans the parties, as docs/performance.md says."""
    landlord = landlord_code()
    async with sessions() as session, session.begin():
        session.add_all(random_record(random.Random(8), landlord, cases=30))
    captured: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if "ILIKE" in statement.upper() or " LIKE " in statement.upper():
            captured.append((statement, parameters))

    event.listen(engine.sync_engine, "before_cursor_execute", capture)
    try:
        async with sessions() as session:
            search = MyCasesFilter(landlord, "officer.a", "all", q="Resident 12")
            await my_cases(session, search, WINDOWS, 1, 25)
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", capture)
    assert captured
    dialect = engine.dialect.name
    async with engine.connect() as conn:
        if dialect == "postgresql":
            await conn.exec_driver_sql("SET enable_seqscan = off")
        explain = "EXPLAIN QUERY PLAN " if dialect == "sqlite" else "EXPLAIN "
        for statement, parameters in captured:
            result = await conn.exec_driver_sql(explain + statement, parameters)
            plan = "\n".join(str(row[-1]) for row in result)
            if dialect == "postgresql":
                assert "ix_parties_name_trgm" in plan, plan
            else:
                assert "SCAN parties" in plan, plan
