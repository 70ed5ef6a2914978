"""Policy what-if (issue 17): the recorded cases of a period, replayed under the policy version
each case used and under a proposed policy file, compared (domain/simulation).

The record gives each case's intake and every action with its instant (``case_intakes``,
``case_actions``); the bank holidays come from the same source a case opens with
(core/case_setup.py). A case opened before intakes were kept cannot be replayed: it is counted
and named as such, never guessed.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from typing import Any

from pydantic import TypeAdapter
from sqlalchemy.ext.asyncio import async_sessionmaker

from core.bank_holidays import holiday_dates
from core.policies import known_landlords, load_policy
from db.whatif import RecordedRows, recorded_cases, unrecorded_cases
from domain.actions import Action
from domain.case import CaseSetup, OpenCase
from domain.errors import CalendarRangeError, DomainError, PolicyFileError
from domain.policy import PolicyProfile, load_policy_text
from domain.simulation import (
    CaseRun,
    Comparison,
    RecordedAction,
    RecordedCase,
    compare,
    replay,
    summarise,
)
from services.context import Services
from services.errors import InvalidInput

__all__ = [
    "WhatIf",
    "load_proposal",
    "period_bounds",
    "proposal_for",
    "recorded",
    "run_whatif",
    "what_if",
    "what_if_for",
]

_ACTION: TypeAdapter[Action] = TypeAdapter(Action)


@dataclass
class WhatIf:
    """A comparison and what it was made of."""

    landlord: str
    start: date
    end: date  # inclusive
    proposed_version: str
    current_versions: list[str]
    comparison: Comparison
    not_recorded: int = 0  # cases of the period opened before intakes were kept
    runs: list[tuple[CaseRun, CaseRun]] = field(default_factory=list)


def load_proposal(text: str, name: str, landlord: str) -> PolicyProfile:
    """A proposed policy file, checked as at start-up (PolicyFileError names file and field),
    and for the landlord whose cases it is to be tried on."""
    policy = load_policy_text(text, name)
    if policy.code != landlord:
        raise PolicyFileError(
            name, "code", f"is {policy.code!r}, but the cases are landlord {landlord}'s"
        )
    return policy


def period_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """[start 00:00 UTC, the day after end 00:00 UTC): cases received on those days."""
    if end < start:
        raise InvalidInput("to", f"must not be before from ({start.isoformat()})")
    if end >= date.max:  # the day after is past the calendar (issue 22)
        raise InvalidInput("to", f"to: enter a date before {date.max.isoformat()}")
    return datetime.combine(start, time(), UTC), datetime.combine(end + timedelta(1), time(), UTC)


def check_landlord(landlord: str) -> str:
    if landlord not in known_landlords():
        raise InvalidInput("landlord", f"must be one of {', '.join(known_landlords())}")
    return landlord


async def recorded(
    sessions: async_sessionmaker[Any], landlord: str, start: date, end: date
) -> tuple[list[RecordedCase], int]:
    """The period's recorded cases, ready to replay, and how many lack a kept intake."""
    lo, hi = period_bounds(start, end)
    async with sessions() as session:
        rows = await recorded_cases(session, landlord, lo, hi)
        missing = await unrecorded_cases(session, landlord, lo, hi)
    return [_recorded(row) for row in rows], missing


def _recorded(row: RecordedRows) -> RecordedCase:
    intake = row.intake
    policy = load_policy(intake.landlord, intake.policy_version)
    setup = CaseSetup(
        policy=policy,
        holidays=_holidays(policy.holiday_region, intake.holidays_from, intake.holidays_to),
        holidays_from=intake.holidays_from,
        holidays_to=intake.holidays_to,
        rules_revision=intake.rules_revision,
    )
    actions = tuple(RecordedAction(at, _ACTION.validate_python(p)) for at, p in row.actions)
    opened = OpenCase.model_validate(intake.intake)
    return RecordedCase(intake.reference, setup, opened, intake.opened_at, actions)


@cache
def _holidays(region: str, first: date | None, last: date | None) -> tuple[date, ...]:
    """The bank holidays a case opened with: its region's, over the years it fixed."""
    if first is None or last is None:
        return ()
    return tuple(sorted(holiday_dates(region, range(first.year, last.year + 1))))


def what_if(
    landlord: str,
    start: date,
    end: date,
    cases: list[RecordedCase],
    proposed: PolicyProfile,
    not_recorded: int = 0,
) -> WhatIf:
    """Replay ``cases`` under their own policy versions and under ``proposed``; compare."""
    _, until = period_bounds(start, end)
    runs: list[tuple[CaseRun, CaseRun]] = []
    for case in cases:
        current, _ = replay(case, until)
        trial = case.setup.model_copy(update={"policy": proposed})
        if proposed.holiday_region != case.setup.policy.holiday_region:
            days = _holidays(
                proposed.holiday_region, case.setup.holidays_from, case.setup.holidays_to
            )
            trial = trial.model_copy(update={"holidays": days})
        other, _ = replay(
            RecordedCase(case.reference, trial, case.opened, case.opened_at, case.actions), until
        )
        runs.append((current, other))
    label = f"proposed {proposed.policy_version}"
    versions = sorted({case.setup.policy.policy_version for case in cases})
    comparison = compare(
        summarise("current (as recorded)", [a for a, _ in runs], until),
        summarise(label, [b for _, b in runs], until),
        runs,
        until,
    )
    return WhatIf(
        landlord, start, end, proposed.policy_version, versions, comparison, not_recorded, runs
    )


async def run_whatif(
    sessions: async_sessionmaker[Any],
    landlord: str,
    start: date,
    end: date,
    proposed: PolicyProfile,
) -> WhatIf:
    """Load the period's recorded cases and compare them under the proposed policy."""
    cases, missing = await recorded(sessions, check_landlord(landlord), start, end)
    # CPU-bound: in a thread, so a server keeps answering other requests meanwhile.
    try:
        return await asyncio.to_thread(what_if, landlord, start, end, cases, proposed, missing)
    except CalendarRangeError:
        # The cases' deadlines are counted in working days up to the period's end, and bank
        # holidays are known only so far ahead: a period past them cannot be replayed.
        raise InvalidInput(
            "to", "to: the bank holidays are not known that far ahead; choose an earlier date"
        ) from None


def proposal_for(landlord: str, version: str | None, text: str | None, name: str) -> PolicyProfile:
    """The proposal a user chose: a file's text (checked as at start-up), or a packaged
    version of the landlord's policy. A choice that is neither names the field."""
    if text:
        return load_proposal(text, name, landlord)
    if version:
        try:
            return load_policy(check_landlord(landlord), version)
        except DomainError as unknown:
            raise InvalidInput("version", str(unknown)) from None
    raise InvalidInput("policy", "choose a policy version or upload a policy file")


async def what_if_for(
    svc: Services, landlord: str, start: date, end: date, proposed: PolicyProfile
) -> WhatIf:
    """:func:`run_whatif` for a request (the console's what-if page)."""
    return await run_whatif(svc.sessions, landlord, start, end, proposed)
