"""The stack end to end: HTTP -> update-with-start -> workflow -> activities -> database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import func, select

from db.models import CaseEvent, Letter, LetterDocument, OfficerTask, Party
from tests.api.conftest import Headers, report


async def test_open_case_then_read_it_back(
    api: httpx.AsyncClient, auth: Headers, sessions: Any
) -> None:
    opened = await api.post("/cases", json=report("X"), headers=auth())
    assert opened.status_code == 201, opened.text
    reference = opened.json()["reference"]

    read = await api.get(f"/cases/{reference}", headers=auth())
    assert read.status_code == 200
    case = read.json()
    assert (case["landlord"], case["categories"], case["stage"]) == ("X", ["noise"], "received")
    assert {d["clock"] for d in case["deadlines"]} >= {"first_contact"}  # R14
    async with sessions() as session:
        events = (
            await session.scalars(select(CaseEvent).where(CaseEvent.reference == reference))
        ).all()
        party_count = await session.scalar(select(func.count()).where(Party.reference == reference))
    assert events and events[0].action == "open_case"
    assert party_count == 2


async def test_acknowledging_emails_the_letter_naming_the_officer_with_its_pdf(
    api: httpx.AsyncClient, auth: Headers, sessions: Any, settings: Any
) -> None:
    """R13: the acknowledgement tells the complainant who is dealing with the case."""
    officer = auth(user="officer.jones")
    reference = (await api.post("/cases", json=report("X"), headers=officer)).json()["reference"]
    acted = await api.post(f"/cases/{reference}/actions/acknowledge", json={}, headers=officer)
    assert acted.status_code == 200, acted.text
    assert acted.json()["officer_id"] == "officer.jones"
    async with sessions() as session:
        letter = (await session.scalars(select(Letter).where(Letter.reference == reference))).one()
        pdf = await session.get(LetterDocument, letter.key)
    assert (letter.kind, letter.status, letter.channel) == ("acknowledgement", "sent", "email")
    assert "officer.jones" in letter.body
    assert pdf is not None and pdf.pdf.startswith(b"%PDF")
    emails = list((settings.mail_dir).glob("*.eml"))
    assert any(reference in path.read_text() for path in emails)


async def test_report_logged_after_the_fact_keeps_its_received_time(
    api: httpx.AsyncClient, auth: Headers
) -> None:
    received = (datetime.now(UTC) - timedelta(days=3)).replace(microsecond=0)
    body = report("X", received_at=received.isoformat())
    opened = await api.post("/cases", json=body, headers=auth())
    read = await api.get(f"/cases/{opened.json()['reference']}", headers=auth())
    assert datetime.fromisoformat(read.json()["received_at"]) == received


async def test_a_report_from_years_ago_is_refused_clearly(
    api: httpx.AsyncClient, auth: Headers
) -> None:
    body = report("X", received_at="2001-01-01T09:00:00Z")
    response = await api.post("/cases", json=body, headers=auth())
    assert response.status_code == 422
    assert "more than a year ago" in response.text


async def test_readiness_reports_database_and_temporal(api: httpx.AsyncClient) -> None:
    assert (await api.get("/healthz")).json() == {"status": "ok"}
    ready = await api.get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {"status": "ready", "database": "ok", "temporal": "ok"}


async def test_interview_invitation_offers_the_appointment_and_hides_the_complainant(
    api: httpx.AsyncClient, auth: Headers, sessions: Any
) -> None:
    """R30: the alleged perpetrator is invited in writing; R9: nothing of the complainant."""
    officer = auth()
    ref = (await api.post("/cases", json=report("X"), headers=officer)).json()["reference"]
    await api.post(f"/cases/{ref}/actions/acknowledge", json={}, headers=officer)
    invite = {"party": "alleged_perpetrator", "at": "2026-12-01T10:30:00+00:00",
              "place": "our Church Street office"}  # fmt: skip
    response = await api.post(f"/cases/{ref}/actions/invite_to_interview", json=invite,
                              headers=officer)  # fmt: skip
    assert response.status_code == 200, response.text
    async with sessions() as session:
        letters = (await session.scalars(select(Letter).where(Letter.reference == ref))).all()
    [invitation] = [letter for letter in letters if letter.kind == "interview_invitation"]
    assert invitation.status == "queued_for_post"
    assert "Church Street office" in invitation.body
    assert "Alex" not in invitation.body and "1 High Street" not in invitation.body


async def test_an_invitation_without_an_appointment_becomes_the_officers_task(
    api: httpx.AsyncClient, auth: Headers, sessions: Any
) -> None:
    officer = auth()
    ref = (await api.post("/cases", json=report("X"), headers=officer)).json()["reference"]
    await api.post(f"/cases/{ref}/actions/acknowledge", json={}, headers=officer)
    await api.post(f"/cases/{ref}/actions/invite_to_interview",
                   json={"party": "alleged_perpetrator"}, headers=officer)  # fmt: skip
    async with sessions() as session:
        letters = (await session.scalars(select(Letter).where(Letter.reference == ref))).all()
        tasks = await session.scalar(select(func.count()).where(OfficerTask.reference == ref))
    [invitation] = [letter for letter in letters if letter.kind == "interview_invitation"]
    assert invitation.status == "failed" and "appointment" in (invitation.error or "")
    assert tasks == 1
