"""Retention (DPA 2018 / UK GDPR storage limitation, docs/rules.md; R38 retention schedule).

A closed case keeps its personal data for ``ASB_RETENTION_DAYS`` (default 2190 days, six years)
after closure. After that :func:`anonymise_closed_cases` blanks the names, addresses, emails and
phone numbers of its parties, the report's narrative, letter bodies and agency responses, deletes
the stored letter PDFs, the case's access records (who read it: services/access.py) and the
what-if's copy of its intake and action inputs, and
writes an ``anonymise`` entry (key ``<reference>:anonymised``) to
the audit trail. What remains (stage, dates, categories, letters' kinds and dates, the audit
trail, which holds no personal data) still counts for reports such as NM01 (R54).

Idempotent: a case is done once (``cases.anonymised_at`` and the audit key guard it), so the
job can run as often as one likes. ``python -m activities.retention`` runs it once.

Outside the database: the Temporal server keeps a closed case's history only for the namespace's
retention period (encrypted, core/codec.py); development ``.eml`` files in ``data/mail`` are
not touched.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio import activity

from contracts.housekeeping import ANONYMISE_CLOSED_CASES
from core.settings import get_settings
from db.engine import create_engine, session_factory
from db.models import CaseEvent
from db.repository import insert_once
from db.retention import ANONYMISED, blank_personal_data, closed_before, lock_case

log = logging.getLogger(__name__)

__all__ = ["ANONYMISED", "Retention", "anonymise_closed_cases"]


class Retention:
    """The retention job as an activity (collaborators injected, like every activity class)."""

    def __init__(self, sessions: async_sessionmaker[Any], retention_days: int) -> None:
        self._sessions = sessions
        self._retention_days = retention_days

    @activity.defn(name=ANONYMISE_CLOSED_CASES)
    async def anonymise_closed_cases(self, now: datetime) -> list[str]:
        return await anonymise_closed_cases(self._sessions, now, self._retention_days)


async def anonymise_closed_cases(
    sessions: async_sessionmaker[Any], now: datetime, retention_days: int
) -> list[str]:
    """Anonymise every case closed more than ``retention_days`` before ``now``.

    Returns the references anonymised by this call (empty when there was nothing left to do).
    Each case is its own transaction, so a failure leaves the others done."""
    cutoff = now - timedelta(days=retention_days)
    async with sessions() as session:
        due = await closed_before(session, cutoff)
    done: list[str] = []
    for reference in due:
        async with sessions() as session, session.begin():
            if await _anonymise(session, reference, cutoff, now):
                done.append(reference)
    return done


async def _anonymise(
    session: AsyncSession, reference: str, cutoff: datetime, now: datetime
) -> bool:
    case = await lock_case(session, reference)
    if case is None or case.anonymised_at is not None:
        return False  # done meanwhile
    if case.closed_at is None or case.closed_at >= cutoff:
        return False  # re-opened meanwhile
    counts = await blank_personal_data(session, reference, now)
    case.anonymised_at = now
    return await insert_once(session, _audit(reference, case.closed_at, now, counts))


def _audit(reference: str, closed_at: datetime, now: datetime, counts: dict[str, int]) -> CaseEvent:
    return CaseEvent(
        key=f"{reference}:anonymised",
        reference=reference,
        occurred_at=now,
        actor="system",
        action="anonymise",
        summary=f"Personal data removed: the retention period after closure on "
        f"{closed_at.date().isoformat()} has passed (DPA 2018 / UK GDPR).",
        data=dict(counts),
    )


async def run_once() -> list[str]:
    """Open the configured database, anonymise what is due now, close it."""
    settings = get_settings()
    engine = create_engine(settings.resolved_database_url)
    try:
        return await anonymise_closed_cases(
            session_factory(engine), datetime.now(UTC), settings.retention_days
        )
    finally:
        await engine.dispose()


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s retention %(message)s")
    done = asyncio.run(run_once())
    print(f"anonymised {len(done)} closed case(s)" + (f": {', '.join(done)}" if done else ""))


if __name__ == "__main__":
    main()
