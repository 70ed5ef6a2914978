"""Referral answers, the staff directory, landlord profiles and late reports, through the API."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from core.policies import known_landlords, load_profile
from tests.api.conftest import Headers, report


async def test_an_agencys_answer_is_recorded_through_the_api_r38(
    api: httpx.AsyncClient, auth: Headers
) -> None:
    officer = auth(user="officer.jones")
    reference = (await api.post("/cases", json=report("X"), headers=officer)).json()["reference"]
    await api.post(f"/cases/{reference}/actions/acknowledge", json={}, headers=officer)
    refer = {"agency": "victim_support", "consent": True, "sharing_basis": "consent"}
    assert (await api.post(f"/cases/{reference}/actions/make_referral", json=refer,
                           headers=officer)).status_code == 200  # fmt: skip
    [referral] = (await api.get(f"/cases/{reference}/referrals", headers=officer)).json()
    assert referral["response"] is None
    url = f"/cases/{reference}/referrals/{referral['key']}/response"
    blank = await api.post(url, json={"response": "  "}, headers=officer)
    assert blank.status_code == 422 and "response" in blank.text
    answered = await api.post(url, json={"response": "Support worker assigned"}, headers=officer)
    assert answered.status_code == 200, answered.text
    assert answered.json()["status"] == "responded"
    assert answered.json()["response"] == "Support worker assigned"
    timeline = (await api.get(f"/cases/{reference}/timeline", headers=officer)).json()
    assert any(e["action"] == "referral_response" and e["actor"] == "officer.jones"
               for e in timeline)  # fmt: skip
    elsewhere = await api.post(url, json={"response": "x"}, headers=auth(landlord="B"))
    assert elsewhere.status_code == 404
    missing = f"/cases/{reference}/referrals/{reference}:referral:99/response"
    assert (await api.post(missing, json={"response": "x"}, headers=officer)).status_code == 404


async def test_the_staff_directory_is_managed_by_supervisors(
    api: httpx.AsyncClient, auth: Headers
) -> None:
    listed = (await api.get("/staff", headers=auth())).json()
    assert {"officer.jones", "officer.patel", "supervisor.khan"} <= {s["staff_id"] for s in listed}
    entry = {"display_name": "Rhys Evans", "job_title": "ASB Officer", "phone": "01632 960 960",
             "email": "rhys.evans@asb.example"}  # fmt: skip
    assert (await api.put("/staff/officer.evans", json=entry, headers=auth())).status_code == 403
    bad = await api.put("/staff/officer.evans", json={**entry, "phone": "call me"},
                        headers=auth("supervisor"))  # fmt: skip
    assert bad.status_code == 422 and "phone" in bad.text
    created = await api.put("/staff/officer.evans", json=entry, headers=auth("supervisor"))
    assert created.status_code == 201
    updated = await api.put("/staff/officer.evans", json={**entry, "job_title": "Senior"},
                            headers=auth("supervisor"))  # fmt: skip
    assert updated.status_code == 200 and updated.json()["job_title"] == "Senior"
    assert (await api.get("/staff/officer.evans", headers=auth(landlord="B"))).status_code == 404


async def test_the_landlord_profile_is_what_letters_print(
    api: httpx.AsyncClient, auth: Headers
) -> None:
    profile = (await api.get("/landlord", headers=auth(landlord="B"))).json()
    assert profile["name"] == "believe housing"
    assert profile["case_review"][0]["local_authority"] == "Durham County Council"


@pytest.mark.parametrize("landlord", known_landlords())
def test_every_landlord_has_a_complete_profile(landlord: str) -> None:
    profile = load_profile(landlord)
    assert profile.phone and profile.email and profile.office_hours and profile.case_review


async def test_a_report_in_an_area_the_landlord_does_not_cover_is_refused(
    api: httpx.AsyncClient, auth: Headers
) -> None:
    body = report("X", local_authority="Durham County Council")
    refused = await api.post("/cases", json=body, headers=auth())
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["loc"] == ["body", "local_authority"]
    assert "Herefordshire Council" in refused.text and "Shropshire Council" in refused.text


@pytest.mark.parametrize("landlord", ["B", "X"])
async def test_a_late_logged_report_is_acknowledged_and_assigned_r47(
    api: httpx.AsyncClient, auth: Headers, landlord: str
) -> None:
    """Logged 40 days after it arrived, past B's and X's 28-day inactivity review: it still
    opens to be acknowledged, never straight into a closure review (believe 14.4, R47)."""
    officer = auth(user="officer.jones", landlord=landlord)
    received = (datetime.now(UTC) - timedelta(days=40)).isoformat()
    opened = await api.post("/cases", json=report(landlord, received_at=received),
                            headers=officer)  # fmt: skip
    assert opened.status_code == 201, opened.text
    assert opened.json()["stage"] == "received"
    acked = await api.post(f"/cases/{opened.json()['reference']}/actions/acknowledge", json={},
                           headers=officer)  # fmt: skip
    assert acked.status_code == 200, acked.text
    assert acked.json()["officer_id"] == "officer.jones"
    assert acked.json()["stage"] == "risk_assessment"


async def test_warning_terms_on_another_remedy_are_refused_with_a_422(
    api: httpx.AsyncClient, auth: Headers
) -> None:
    reference = (await api.post("/cases", json=report("X"), headers=auth())).json()["reference"]
    body = {"kind": "verbal_warning", "warning": {"behaviour": "noise", "incident_dates": [
        "2026-11-20"], "tenancy_clauses": ["Clause 4.1"]}}  # fmt: skip
    refused = await api.post(f"/cases/{reference}/actions/apply_remedy", json=body,
                             headers=auth())  # fmt: skip
    assert refused.status_code == 422
    assert "warning terms go only with kind written_warning" in refused.text
    huge = await api.post("/tasks/99999999999/close", json={"reason": "x"}, headers=auth())
    assert huge.status_code == 422
