"""Referrals to partner agencies (R20-R24, R38): the email exactly once, consent, and chasing.

SQLite and PostgreSQL, a real SMTP server (aiosmtpd); ``carry_out`` called as the worker calls it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import async_sessionmaker
from temporalio.testing import ActivityEnvironment

from activities.referrals import Referrals
from contracts.case import CommandBatch
from core.agencies import CatalogueError, load_agencies
from core.mailer import SmtpMailer, TransientMailError
from db.models import CaseEvent, Letter, OfficerTask, Referral
from db.repository import record_referral_response
from domain.commands import MakeReferral
from tests.integration.record_support import (
    COMPLAINANT,
    NARRATIVE,
    REFUSED,
    CountingHandler,
    Seeded,
    body_text,
    effects,
    seed_case,
)

SENDER = "asb-team@landlord.example"
POLICE = "asb-referrals@police.example"
SAFEGUARDING = "adult-safeguarding@council.example"
MENTAL_HEALTH = "cmht-referrals@nhs.example"
COMPLAINANT_DETAILS = ["Siobhan", "O'Brien", "O&#x27;Brien", "14 Acacia", "Flat 2",
                       "siobhan.obrien@", "07700 900123", NARRATIVE]  # fmt: skip
Relay = tuple[CountingHandler, int]


def referral(
    case: Seeded,
    agency: str = "police",
    party: str = "perpetrator",
    consent: bool = False,
    basis: str = "s115",
    n: int = 1,
) -> MakeReferral:
    return MakeReferral(
        key=f"{case.reference}:referral:{n}",
        reference=case.reference,
        agency=agency,
        party_id=case.perpetrator_id if party == "perpetrator" else case.complainant_id,
        consent=consent,
        sharing_basis=basis,  # type: ignore[arg-type]
        reason=f"referral of the {party}",
    )


async def carry_out(sessions: Any, port: int, *commands: MakeReferral) -> None:
    work = CommandBatch(reference=commands[0].reference, commands=list(commands))
    activity = effects(sessions, SmtpMailer("127.0.0.1", port, SENDER)).carry_out
    await ActivityEnvironment().run(activity, work)


async def row(sessions: async_sessionmaker[Any], key: str) -> Referral:
    async with sessions() as session:
        found: Referral = (
            await session.execute(select(Referral).where(Referral.key == key))
        ).scalar_one()
        return found


async def rows(sessions: async_sessionmaker[Any], model: Any, reference: str) -> list[Any]:
    async with sessions() as session:
        return list(await session.scalars(select(model).where(model.reference == reference)))


def referrals(sessions: async_sessionmaker[Any], port: int, max_chases: int = 3) -> Referrals:
    mailer = SmtpMailer("127.0.0.1", port, SENDER)
    return Referrals(sessions, mailer, load_agencies(), chase_days=10, max_chases=max_chases)


async def test_a_referral_is_emailed_once_with_its_sharing_basis_and_audited(
    sessions: async_sessionmaker[Any], relay: Relay
) -> None:
    handler, port = relay
    case = await seed_case(sessions, confidential=True)
    command = referral(case)

    await carry_out(sessions, port, command)
    await carry_out(sessions, port, command)  # a retried activity

    [email] = handler.to(POLICE)
    assert len(handler.about(case.reference)) == 1
    text = body_text(email)
    assert "Mr Dale Hughes" in text and "16 Acacia Avenue" in text  # the person referred
    assert "section 115 of the Crime and Disorder Act 1998" in text  # R38: the basis
    assert "Sam Jones" in text and "officer.jones" not in text  # the directory, no user name
    for secret in COMPLAINANT_DETAILS:  # R9: never the complainant's details
        assert secret.lower() not in text.lower(), secret
    assert [part.get_content_type() for part in email.iter_attachments()] == ["application/pdf"]

    made = await row(sessions, command.key)
    assert (made.status, made.consent, made.sharing_basis) == ("sent", False, "s115")
    assert made.chase_due_at is not None
    assert made.chase_due_at - made.made_at >= timedelta(days=10)
    [letter] = await rows(sessions, Letter, case.reference)
    assert (letter.key, letter.kind, letter.status) == (f"{command.key}:email", "referral", "sent")
    [event] = await rows(sessions, CaseEvent, case.reference)
    assert (event.key, event.action) == (f"{command.key}:disclosed", "referral_sent")
    assert event.data == {"agency": "police", "basis": "s115", "consent": False,
                          "letter_key": letter.key}  # fmt: skip


async def test_the_complainant_is_referred_only_with_consent(
    sessions: async_sessionmaker[Any], relay: Relay
) -> None:
    """R9, R38: with consent the agency gets their details, and the consent is stated."""
    handler, port = relay
    case = await seed_case(sessions)
    command = referral(case, "mental_health", party="complainant", consent=True, basis="consent")

    await carry_out(sessions, port, command)

    [email] = handler.to(MENTAL_HEALTH)
    text = body_text(email)
    assert "Siobhan O" in text and COMPLAINANT["email"] in text
    assert "Consent: given by the complainant" in " ".join(text.split())
    assert (await row(sessions, command.key)).status == "sent"


async def test_without_consent_a_referral_of_the_complainant_is_withheld_for_the_officer(
    sessions: async_sessionmaker[Any], relay: Relay
) -> None:
    """R24's automatic safeguarding referral carries no consent: nothing leaves, a task does."""
    handler, port = relay
    case = await seed_case(sessions)
    command = referral(case, "safeguarding", party="complainant", basis="safeguarding")

    await carry_out(sessions, port, command)
    await carry_out(sessions, port, command)

    assert handler.attempts == []
    made = await row(sessions, command.key)
    assert (made.status, made.chase_due_at) == ("withheld", None)
    [task] = await rows(sessions, OfficerTask, case.reference)
    assert (task.key, task.kind) == (f"{command.key}:task", "referral")
    assert "no consent is recorded" in task.summary
    assert "Siobhan" not in task.summary
    assert await rows(sessions, Letter, case.reference) == []


async def test_a_person_referred_without_a_recorded_name_is_withheld_for_the_officer(
    sessions: async_sessionmaker[Any], relay: Relay
) -> None:
    """A letter states only what the record holds: no stand-in name goes to the agency; the
    officer is given the task of recording it (R38)."""
    handler, port = relay
    case = await seed_case(sessions, perpetrator={"address": "16 Acacia Avenue, Leeds"})
    command = referral(case)

    await carry_out(sessions, port, command)

    assert handler.attempts == []
    assert (await row(sessions, command.key)).status == "withheld"
    [task] = await rows(sessions, OfficerTask, case.reference)
    assert "name of the alleged perpetrator referred is not recorded" in task.summary
    assert await rows(sessions, Letter, case.reference) == []


async def test_an_agency_missing_from_the_catalogue_fails_with_a_task(
    sessions: async_sessionmaker[Any], relay: Relay
) -> None:
    handler, port = relay
    case = await seed_case(sessions)
    command = referral(case, "fire_service")

    await carry_out(sessions, port, command)

    assert handler.attempts == []
    assert (await row(sessions, command.key)).status == "failed"
    [task] = await rows(sessions, OfficerTask, case.reference)
    assert "not in the catalogue" in task.summary


async def test_a_transient_failure_retries_and_then_sends_once(
    sessions: async_sessionmaker[Any], relay: Relay, down_port: int
) -> None:
    handler, port = relay
    case = await seed_case(sessions)
    command = referral(case)

    with pytest.raises(TransientMailError):
        await carry_out(sessions, down_port, command)
    assert (await row(sessions, command.key)).status == "pending"
    assert await rows(sessions, Letter, case.reference) == []  # rolled back

    await carry_out(sessions, port, command)
    await carry_out(sessions, port, command)
    assert len(handler.to(POLICE)) == 1
    assert (await row(sessions, command.key)).status == "sent"


async def test_an_unanswered_referral_is_chased_once_per_chase(
    sessions: async_sessionmaker[Any], relay: Relay
) -> None:
    handler, port = relay
    case = await seed_case(sessions, confidential=True)
    command = referral(case)
    await carry_out(sessions, port, command)
    due = (await row(sessions, command.key)).chase_due_at
    assert due is not None
    chaser = referrals(sessions, port)

    assert command.key not in " ".join(
        await chaser.chase_overdue_referrals(due - timedelta(hours=1))
    )
    first = await ActivityEnvironment().run(chaser.chase_overdue_referrals, due)
    again = await chaser.chase_overdue_referrals(due)  # a retry, or a second scheduler

    chase = f"{command.key}:chase:1"
    assert chase in first and chase not in again
    made = await row(sessions, command.key)
    assert made.chases == 1 and made.chase_due_at == due + timedelta(days=10)
    tasks = [t for t in await rows(sessions, OfficerTask, case.reference)]
    assert [t.key for t in tasks] == [f"{chase}:task"]
    assert "no response (chase 1); a reminder was emailed" in tasks[0].summary
    reminders = [m for m in handler.about(case.reference) if "awaiting" in str(m["Subject"])]
    assert len(reminders) == 1
    text = body_text(reminders[0])
    for secret in [*COMPLAINANT_DETAILS, "Dale", "Hughes", "16 Acacia"]:  # no personal data
        assert secret.lower() not in text.lower(), secret
    events = {e.key: e.action for e in await rows(sessions, CaseEvent, case.reference)}
    assert events[chase] == "referral_chased"


async def test_chasing_stops_after_the_last_chase_and_on_a_response(
    sessions: async_sessionmaker[Any], relay: Relay
) -> None:
    _, port = relay
    case = await seed_case(sessions)
    first, second = referral(case, n=1), referral(case, "mediation", n=2)
    await carry_out(sessions, port, first, second)
    start = (await row(sessions, first.key)).chase_due_at
    assert start is not None
    chaser = referrals(sessions, port, max_chases=2)

    async with sessions() as session, session.begin():
        answered = await record_referral_response(session, second.key, "Accepted; visit booked.")
    assert answered is not None and answered.status == "responded"

    made: list[str] = []
    for days in (0, 10, 20, 30):
        made += await chaser.chase_overdue_referrals(start + timedelta(days=days, hours=1))
    mine = [key for key in made if key.startswith(case.reference)]
    assert mine == [f"{first.key}:chase:1", f"{first.key}:chase:2"]  # max 2; none for second
    last = await row(sessions, first.key)
    assert (last.chases, last.chase_due_at) == (2, None)


async def test_recording_a_response_is_idempotent_and_audited(
    sessions: async_sessionmaker[Any], relay: Relay
) -> None:
    _, port = relay
    case = await seed_case(sessions)
    command = referral(case)
    await carry_out(sessions, port, command)
    at = datetime(2026, 5, 1, 9, tzinfo=UTC)

    for _ in range(2):
        async with sessions() as session, session.begin():
            answered = await record_referral_response(session, command.key, "Accepted.", at=at)
    async with sessions() as session, session.begin():
        assert await record_referral_response(session, f"{case.reference}:nope", "x") is None

    made = await row(sessions, command.key)
    assert (made.status, made.response, made.responded_at, made.chase_due_at) == (
        "responded", "Accepted.", at, None,
    )  # fmt: skip
    responses = [e for e in await rows(sessions, CaseEvent, case.reference)
                 if e.action == "referral_response"]  # fmt: skip
    assert len(responses) == 1 and "Accepted" not in responses[0].summary
    assert answered is not None


def test_the_catalogue_holds_the_agencies_with_addresses(tmp_path: Any) -> None:
    catalogue = load_agencies()
    expected = {"police", "local_authority_asb", "marac", "adult_safeguarding",
                "children_safeguarding", "mental_health", "substance_misuse", "mediation",
                "domestic_abuse_service", "victim_support"}  # fmt: skip
    assert expected == set(catalogue.agencies)
    assert all(a.email.endswith(".example") and a.name for a in catalogue.agencies.values())
    assert catalogue.find("safeguarding") == catalogue.agencies["adult_safeguarding"]

    own = tmp_path / "agencies.toml"
    own.write_text(
        '[police]\nname = "Police"\nemail = "p@police.example"\n'
        '[landlord.B.police]\nname = "Durham Constabulary"\nemail = "asb@durham.example"\n'
    )
    custom = load_agencies(own)
    assert custom.find("police", "B") is not None
    assert custom.find("police", "B").email == "asb@durham.example"  # type: ignore[union-attr]
    assert custom.find("police", "X").email == "p@police.example"  # type: ignore[union-attr]
    own.write_text('[police]\nname = "Police"\n')
    with pytest.raises(CatalogueError, match="email"):
        load_agencies(own)


async def test_an_agency_address_refused_with_550_fails_once_with_a_task(
    sessions: async_sessionmaker[Any], relay: Relay, tmp_path: Any
) -> None:
    handler, port = relay
    own = tmp_path / "agencies.toml"
    own.write_text(f'[police]\nname = "Police"\nemail = "{REFUSED}"\n')
    case = await seed_case(sessions)
    command = referral(case)
    work = CommandBatch(reference=case.reference, commands=[command])
    mailer = SmtpMailer("127.0.0.1", port, SENDER)
    activity = effects(sessions, mailer, agencies=load_agencies(own)).carry_out

    await ActivityEnvironment().run(activity, work)
    await ActivityEnvironment().run(activity, work)

    assert handler.attempts == [REFUSED]  # never retried
    made = await row(sessions, command.key)
    assert (made.status, made.chase_due_at) == ("failed", None)
    [letter] = await rows(sessions, Letter, case.reference)
    assert letter.status == "failed" and "550" in (letter.error or "")
    [task] = await rows(sessions, OfficerTask, case.reference)
    assert "email refused" in task.summary
