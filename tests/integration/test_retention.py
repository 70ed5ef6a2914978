"""Retention (docs/rules.md, DPA 2018 / UK GDPR): closed cases lose their personal data after the
retention period, once, with an audit entry. SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import os
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import async_sessionmaker
from temporalio.testing import ActivityEnvironment

from activities.retention import ANONYMISED, Retention, anonymise_closed_cases
from db.models import (
    AccessRecord,
    Case,
    CaseAction,
    CaseEvent,
    CaseIntake,
    Letter,
    LetterDocument,
    Party,
    Referral,
    ReportDetails,
)
from services.access import Reader, Route, read_case
from tests.integration.record_support import COMPLAINANT, NARRATIVE, Seeded, seed_case

SIX_YEARS = 2190
NOW = datetime(2033, 6, 1, 12, tzinfo=UTC)


async def add_correspondence(sessions: async_sessionmaker[Any], case: Seeded) -> None:
    """A sent letter with its PDF, a failed one quoting an address, an answered referral."""
    at = datetime(2026, 3, 1, tzinfo=UTC)
    async with sessions() as session, session.begin():
        for n, (status, error) in enumerate(
            [("sent", None), ("failed", f"550 <{COMPLAINANT['email']}> unknown")], start=1
        ):
            key = f"{case.reference}:letter:{n}"
            session.add(
                Letter(key=key, reference=case.reference, party_id=case.complainant_id,
                       kind="acknowledgement", channel="email", status=status,
                       subject=f"We have received your report ({case.reference})",
                       body=f"Dear {COMPLAINANT['name']}, ...", created_at=at, error=error)
            )  # fmt: skip
            session.add(LetterDocument(letter_key=key, pdf=b"%PDF-1.4 " + key.encode()))
        session.add(
            Referral(key=f"{case.reference}:referral:1", reference=case.reference,
                     agency="mediation", party_id=case.perpetrator_id, consent=True,
                     sharing_basis="consent", reason="referral of the alleged_perpetrator",
                     status="responded", made_at=at, response="Mr Hughes accepted mediation.",
                     responded_at=at)
        )  # fmt: skip


async def snapshot(sessions: async_sessionmaker[Any], reference: str) -> dict[str, Any]:
    async with sessions() as session:
        parties = (
            await session.scalars(
                select(Party).where(Party.reference == reference).order_by(Party.id)
            )
        ).all()
        letters = (
            await session.scalars(
                select(Letter).where(Letter.reference == reference).order_by(Letter.id)
            )
        ).all()
        keys = [letter.key for letter in letters]
        documents = (
            await session.scalars(select(LetterDocument).where(LetterDocument.letter_key.in_(keys)))
        ).all()
        return {
            "case": await session.get(Case, reference),
            "report": await session.get(ReportDetails, reference),
            "parties": [(p.name, p.address, p.email, p.phone) for p in parties],
            "letters": [(letter.subject, letter.body, letter.error) for letter in letters],
            "documents": len(documents),
            "responses": list(
                await session.scalars(
                    select(Referral.response).where(Referral.reference == reference)
                )
            ),
            "audit": list(
                await session.scalars(
                    select(CaseEvent).where(
                        CaseEvent.reference == reference, CaseEvent.action == "anonymise"
                    )
                )
            ),
        }


async def test_cases_closed_past_the_retention_period_are_anonymised_once(
    sessions: async_sessionmaker[Any],
) -> None:
    old = await seed_case(sessions, closed_at=NOW - timedelta(days=SIX_YEARS + 1))
    recent = await seed_case(sessions, closed_at=NOW - timedelta(days=SIX_YEARS - 1))
    still_open = await seed_case(sessions)
    for case in (old, recent, still_open):
        await add_correspondence(sessions, case)

    done = await anonymise_closed_cases(sessions, NOW, SIX_YEARS)
    again = await anonymise_closed_cases(sessions, NOW, SIX_YEARS)

    assert old.reference in done and old.reference not in again
    assert recent.reference not in done and still_open.reference not in done
    gone = await snapshot(sessions, old.reference)
    assert gone["case"].anonymised_at == NOW
    assert gone["report"].description == ANONYMISED and gone["report"].anonymised_at == NOW
    assert gone["parties"] == [(None, None, None, None)] * 2
    assert gone["letters"] == [
        (f"We have received your report ({old.reference})", ANONYMISED, None),
        (f"We have received your report ({old.reference})", ANONYMISED, ANONYMISED),
    ]
    assert gone["documents"] == 0 and gone["responses"] == [ANONYMISED]
    [audit] = gone["audit"]
    assert (audit.key, audit.actor) == (f"{old.reference}:anonymised", "system")
    assert audit.data == {
        "parties": 2, "letters": 2, "documents_deleted": 2, "access_records_deleted": 0,
        "action_inputs_deleted": 0,
    }  # fmt: skip
    everything = repr(gone) + audit.summary
    for secret in ("Siobhan", "Hughes", "Acacia", "07700", "@example", NARRATIVE):
        assert secret not in everything, secret

    for kept in (recent, still_open):
        intact = await snapshot(sessions, kept.reference)
        assert intact["case"].anonymised_at is None and intact["audit"] == []
        assert intact["report"].description == NARRATIVE
        assert (COMPLAINANT["name"], COMPLAINANT["address"]) == intact["parties"][0][:2]
        assert intact["documents"] == 2


async def test_a_cases_access_records_go_with_its_personal_data_and_no_sooner(
    sessions: async_sessionmaker[Any],
) -> None:
    """Issue 16: who read a case is kept as long as what they read, under the same rule."""
    old = await seed_case(sessions, closed_at=NOW - timedelta(days=SIX_YEARS + 1))
    recent = await seed_case(sessions, closed_at=NOW - timedelta(days=SIX_YEARS - 1))
    still_open = await seed_case(sessions)
    officer = Reader("officer.jones", ("officer",), "X")
    for case in (old, recent, still_open):
        for route in (Route.API_CASE, Route.CONSOLE_CASE):
            await read_case(sessions, officer, case.reference, route)

    assert old.reference in await anonymise_closed_cases(sessions, NOW, SIX_YEARS)

    async with sessions() as session:
        [audit] = (await snapshot(sessions, old.reference))["audit"]
        assert audit.data["access_records_deleted"] == 2
        for case, left in ((old, 0), (recent, 2), (still_open, 2)):
            rows = await session.scalars(
                select(AccessRecord).where(AccessRecord.reference == case.reference)
            )
            assert len(list(rows)) == left, case.reference


async def test_the_what_ifs_copy_of_action_inputs_goes_with_the_personal_data(
    sessions: async_sessionmaker[Any],
) -> None:
    """An action's input may hold an officer's free text (a hold reason, the behaviour a warning
    names), so the what-if's copy of it is deleted at retention, and no sooner (issue 17)."""
    old = await seed_case(sessions, closed_at=NOW - timedelta(days=SIX_YEARS + 1))
    recent = await seed_case(sessions, closed_at=NOW - timedelta(days=SIX_YEARS - 1))
    async with sessions() as session, session.begin():
        for case in (old, recent):
            session.add(
                CaseIntake(
                    reference=case.reference, landlord="X", received_at=NOW, opened_at=NOW,
                    policy_version="X-1", rules_revision=1, intake={"reference": case.reference},
                )
            )  # fmt: skip
            session.add(
                CaseAction(
                    key=f"{case.reference}:action:1", reference=case.reference, occurred_at=NOW,
                    action="hold", payload={"type": "hold", "reason": "Siobhan is in hospital"},
                )
            )  # fmt: skip

    assert old.reference in await anonymise_closed_cases(sessions, NOW, SIX_YEARS)

    [audit] = (await snapshot(sessions, old.reference))["audit"]
    assert audit.data["action_inputs_deleted"] == 1
    async with sessions() as session:
        for case, left in ((old, 0), (recent, 1)):
            actions = await session.scalars(
                select(CaseAction).where(CaseAction.reference == case.reference)
            )
            intakes = await session.scalars(
                select(CaseIntake).where(CaseIntake.reference == case.reference)
            )
            assert (len(list(actions)), len(list(intakes))) == (left, left), case.reference


async def test_the_activity_uses_its_configured_period(sessions: async_sessionmaker[Any]) -> None:
    case = await seed_case(sessions, closed_at=NOW - timedelta(days=31))
    short = Retention(sessions, retention_days=30)
    long = Retention(sessions, retention_days=SIX_YEARS)

    assert case.reference not in await ActivityEnvironment().run(long.anonymise_closed_cases, NOW)
    assert case.reference in await ActivityEnvironment().run(short.anonymise_closed_cases, NOW)
    assert (await snapshot(sessions, case.reference))["parties"][0] == (None, None, None, None)


async def test_the_command_line_runs_it_once(
    sessions: async_sessionmaker[Any], database_url: str, tmp_path: Path
) -> None:
    """`python -m activities.retention` against the configured database."""
    long_ago = datetime.now(UTC) - timedelta(days=SIX_YEARS + 30)
    case = await seed_case(sessions, closed_at=long_ago)
    env = {**os.environ, "ASB_DATABASE_URL": database_url, "ASB_DATA_DIR": str(tmp_path)}

    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "activities.retention", env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await process.communicate()

    assert process.returncode == 0, err.decode()
    assert case.reference in out.decode() and "anonymised" in out.decode()
    assert len((await snapshot(sessions, case.reference))["audit"]) == 1
