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
    """R13: Connect's acknowledgement tells the complainant who is dealing with the case, by
    the name and contact details in the staff directory, never by user name."""
    officer = auth(user="officer.jones", landlord="C")
    reference = (await api.post("/cases", json=report("C"), headers=officer)).json()["reference"]
    acted = await api.post(f"/cases/{reference}/actions/acknowledge", json={}, headers=officer)
    assert acted.status_code == 200, acted.text
    assert acted.json()["officer_id"] == "officer.jones"
    async with sessions() as session:
        letter = (await session.scalars(select(Letter).where(Letter.reference == reference))).one()
        pdf = await session.get(LetterDocument, letter.key)
    assert (letter.kind, letter.status, letter.channel) == ("acknowledgement", "sent", "email")
    flat = " ".join(letter.body.split())
    assert "Sam Jones, Neighbourhood ASB Officer, is dealing with your case" in flat
    assert "01632 960 911 or sam.jones@asb.example" in flat
    assert "officer.jones" not in letter.body
    assert pdf is not None and pdf.pdf.startswith(b"%PDF")
    emails = list((settings.mail_dir).glob("*.eml"))
    assert any(reference in path.read_text() for path in emails)
    listed = (await api.get(f"/cases/{reference}/letters", headers=officer)).json()
    assert [(x["kind"], x["status"]) for x in listed] == [("acknowledgement", "sent")]
    download = await api.get(listed[0]["pdf"], headers=officer)
    assert download.headers["content-type"] == "application/pdf"
    assert download.content == pdf.pdf


async def test_connexus_acknowledgement_names_no_contact_as_its_policy_says_r13(
    api: httpx.AsyncClient, auth: Headers, sessions: Any
) -> None:
    """Connexus's policy: the acknowledgement does not name a contact; its team signs it."""
    officer = auth(user="officer.jones")
    reference = (await api.post("/cases", json=report("X"), headers=officer)).json()["reference"]
    await api.post(f"/cases/{reference}/actions/acknowledge", json={}, headers=officer)
    async with sessions() as session:
        letter = (await session.scalars(select(Letter).where(Letter.reference == reference))).one()
    flat = " ".join(letter.body.split())
    assert "Sam Jones" not in flat and "officer.jones" not in flat
    assert "Our ASB team is dealing with your case" in flat
    assert "01632 960 400 or asb@connexus.example" in flat


async def test_only_a_member_of_the_staff_directory_can_be_given_a_case(
    api: httpx.AsyncClient, auth: Headers
) -> None:
    """The officer id assigned to a case (and the CaseOfficer attribute) is a known person."""
    reference = (await api.post("/cases", json=report("X"), headers=auth())).json()["reference"]
    stranger = await api.post(f"/cases/{reference}/actions/acknowledge", json={},
                              headers=auth(user="temp.agency"))  # fmt: skip
    assert stranger.status_code == 422
    assert stranger.json()["detail"][0]["loc"] == ["body", "officer_id"]
    reassign = f"/cases/{reference}/actions/reassign"
    moved = await api.post(
        reassign, json={"officer_id": "officer.nobody"}, headers=auth("supervisor")
    )
    assert moved.status_code == 422 and "officer.nobody" in moved.text
    assert (await api.get(f"/cases/{reference}", headers=auth())).json()["officer_id"] is None
    added = await api.put("/staff/officer.nobody", headers=auth("supervisor"), json={
        "display_name": "Nia Body", "job_title": "ASB Officer", "phone": "01632 960 950",
        "email": "nia.body@asb.example"})  # fmt: skip
    assert added.status_code == 201
    reassign = f"/cases/{reference}/actions/reassign"
    moved = await api.post(
        reassign, json={"officer_id": "officer.nobody"}, headers=auth("supervisor")
    )
    assert moved.status_code == 200 and moved.json()["officer_id"] == "officer.nobody"


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
    assert invitation.status == "missing_facts"
    assert "the interview's date, time and place" in (invitation.error or "")
    assert tasks == 1
    # The officer sees the task naming the missing fact, and closes it saying why.
    [task] = (await api.get("/tasks", params={"reference": ref}, headers=officer)).json()
    assert "the interview's date, time and place (R26, R30)" in task["summary"]
    closed = await api.post(f"/tasks/{task['id']}/close", json={"reason": "  "}, headers=officer)
    assert closed.status_code == 422 and "reason" in closed.text
    reason = {"reason": "Arranged by phone instead"}
    closed = await api.post(f"/tasks/{task['id']}/close", json=reason, headers=officer)
    assert closed.status_code == 200
    assert closed.json()["close_reason"] == "Arranged by phone instead"
    assert closed.json()["closed_by"] == "officer.x"
    assert (await api.get("/tasks", params={"reference": ref}, headers=officer)).json() == []
    again = await api.post(f"/tasks/{task['id']}/close", json={"reason": "x"}, headers=officer)
    assert again.status_code == 409
    timeline = (await api.get(f"/cases/{ref}/timeline", headers=officer)).json()
    said = [entry["summary"] for entry in timeline]
    assert not any("sent" in line and "nterview" in line and "not sent" not in line
                   for line in said), said  # fmt: skip
    assert any(line.startswith("Interview invitation letter to the alleged perpetrator: not "
                               "sent: facts are missing") for line in said), said  # fmt: skip
