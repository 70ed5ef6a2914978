"""Random but realistic case records for comparing report implementations (and the benchmark)."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from db.models import Case, CaseEvent, Escalation, Party

T0 = datetime(2025, 1, 1, tzinfo=UTC)
STAGES = ["received", "risk_assessment", "investigation", "legal_action", "closed"]
TIERS = ["standard", "high", "emergency"]
# Clocks as the engine records them (domain.case.Clock; the database refuses any other).
CLOCKS = ["first_contact", "risk_review", "next_contact", "resolution_target", None]
# Spellings of the same people (R25 "the same party") and of others: case, spacing, accents.
NAMES = [
    "Sam Neighbour",
    "sam  neighbour",
    " SAM\tNeighbour ",
    "Zoë Brook",
    "ZOË\u00a0BROOK",
    "Ali",
]
ADDRESSES = ["2 High Street", "2 high  street", "Flat 3, Low Road", "flat 3,\u2003low road", ""]


def landlord_code() -> str:
    return f"L{uuid.uuid4().hex[:7].upper()}"


def random_record(rng: random.Random, landlord: str, cases: int) -> list[Any]:
    """Cases with perpetrators, escalations and survey answers; some share instants on purpose."""
    instants = [_instant(rng) for _ in range(max(3, cases // 3))]
    rows: list[Any] = []
    for n in range(cases):
        reference = f"{landlord}-{n:05d}"
        received = rng.choice(instants)
        closed = _closed(rng, received, instants)
        rows.append(random_case(rng, landlord, reference, received, closed))
        for p in range(rng.choice([0, 1, 1, 2])):
            rows.append(
                Party(
                    id=f"{reference}-P{p}",
                    reference=reference,
                    role=rng.choice(["alleged_perpetrator"] * 3 + ["complainant"]),
                    name=rng.choice([*NAMES, None, "", "  "]),
                    address=rng.choice([*ADDRESSES, None]),
                    preferred_channel="letter",
                )
            )
        for e in range(rng.choice([0, 0, 1, 2])):
            rows.append(_escalation(rng, landlord, reference, e, received))
        if closed and rng.random() < 0.6:
            rows.append(_survey(rng, reference, closed))
    return rows


def _instant(rng: random.Random) -> datetime:
    return T0 + timedelta(seconds=rng.randrange(730 * 86400), microseconds=rng.randrange(10**6))


def _closed(rng: random.Random, received: datetime, instants: list[datetime]) -> datetime | None:
    roll = rng.random()
    if roll < 0.3:
        return None
    if roll < 0.45:  # closed at the very instant another report came in
        later = [i for i in instants if i >= received]
        return rng.choice(later) if later else received
    return received + timedelta(
        seconds=rng.randrange(200 * 86400), microseconds=rng.randrange(10**6)
    )


def random_case(
    rng: random.Random, landlord: str, reference: str, received: datetime, closed: datetime | None
) -> Case:
    due = received + timedelta(days=rng.randrange(1, 10)) if rng.random() < 0.8 else None
    met = due + timedelta(hours=rng.randrange(-200, 100)) if due and rng.random() < 0.7 else None
    return Case(
        reference=reference,
        landlord=landlord,
        policy_version="test",
        stage="closed" if closed else rng.choice(STAGES[:-1]),
        tier=rng.choice(TIERS),
        categories=["noise"],
        channel="phone",
        officer_id=rng.choice(["officer.a", "officer.b", None]),
        hate_incident=rng.random() < 0.2,
        escalated=rng.random() < 0.2,
        received_at=received,
        opened_at=received,
        next_deadline_at=None if closed else received + timedelta(days=rng.randrange(1, 60)),
        closed_at=closed,
        awaiting="",
        first_contact_due_at=due,
        first_contact_met_at=met,
        updated_at=closed or received,
    )


def _escalation(
    rng: random.Random, landlord: str, reference: str, n: int, received: datetime
) -> Escalation:
    return Escalation(
        key=f"{reference}-E{n}",
        reference=reference,
        landlord=landlord,
        reason="deadline_missed",
        clock=rng.choice(CLOCKS),
        summary="missed",
        raised_at=received + timedelta(days=rng.randrange(1, 90)),
    )


def _survey(rng: random.Random, reference: str, closed: datetime) -> CaseEvent:
    return CaseEvent(
        key=f"{reference}-survey",
        reference=reference,
        occurred_at=closed + timedelta(days=rng.randrange(0, 30)),
        actor="resident",
        action="record_survey_response",
        summary="survey",
        data={"score": rng.randint(1, 5)},
    )


def random_period(rng: random.Random, rows: list[Any]) -> tuple[datetime, datetime]:
    """A period whose ends sometimes fall exactly on a report's instant."""
    instants = sorted(r.received_at for r in rows if isinstance(r, Case))
    start = rng.choice([*instants, T0 + timedelta(days=rng.randrange(700))])
    end = rng.choice([i for i in instants if i >= start] or [start]) + rng.choice(
        [timedelta(0), timedelta(days=rng.randrange(1, 400))]
    )
    return start, end
