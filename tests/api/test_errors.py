"""Clear errors that change nothing: 422 naming the field and allowed values, 409 with the
workflow's reason, 404, and Idempotency-Key (issue: the thin API)."""

from __future__ import annotations

import uuid

import httpx

from tests.api.conftest import Headers, report


def _detail(response: httpx.Response) -> str:
    return str(response.json()["detail"])


async def test_unknown_landlord_names_the_allowed_values(
    api: httpx.AsyncClient, auth: Headers
) -> None:
    response = await api.post("/cases", json=report("ZZ"), headers=auth("officer", "ZZ"))
    assert response.status_code == 422
    assert "landlord" in _detail(response) and "B, C, P, X, Y" in _detail(response)


async def test_unknown_category_names_the_allowed_values(
    api: httpx.AsyncClient, auth: Headers
) -> None:
    body = report("X", categories=["loud_singing"])
    response = await api.post("/cases", json=body, headers=auth())
    assert response.status_code == 422
    assert "categories" in _detail(response) and "noise" in _detail(response)


async def test_bad_enum_names_the_field_and_choices(api: httpx.AsyncClient, auth: Headers) -> None:
    response = await api.post("/cases", json=report("X", channel="pigeon"), headers=auth())
    assert response.status_code == 422
    error = response.json()["detail"][0]
    assert error["loc"] == ["body", "channel"] and "'phone'" in error["msg"]


async def test_a_report_cannot_be_received_in_the_future(
    api: httpx.AsyncClient, auth: Headers
) -> None:
    body = report("X", received_at="2099-01-01T00:00:00Z")
    response = await api.post("/cases", json=body, headers=auth())
    assert response.status_code == 422
    assert "future" in _detail(response)


async def test_refused_action_is_409_with_the_reason_and_changes_nothing(
    api: httpx.AsyncClient, auth: Headers
) -> None:
    """R42/R43: legal action at X needs non-legal remedies or an exception, and a PEIA."""
    officer = auth()
    ref = (await api.post("/cases", json=report("X"), headers=officer)).json()["reference"]
    await api.post(f"/cases/{ref}/actions/acknowledge", json={}, headers=officer)
    before = (await api.get(f"/cases/{ref}", headers=officer)).json()
    response = await api.post(
        f"/cases/{ref}/actions/start_legal_action", json={"kind": "injunction"}, headers=officer
    )
    assert response.status_code == 409
    reason = response.json()["detail"]["reason"]
    assert "R42" in reason or "R43" in reason, reason
    after = (await api.get(f"/cases/{ref}", headers=officer)).json()
    assert after == before


async def test_a_referral_to_an_unknown_agency_names_the_allowed_ones_and_records_nothing(
    api: httpx.AsyncClient, auth: Headers
) -> None:
    """R38: referrals go to agencies of the catalogue; a typo is a 422, not a failed referral."""
    officer = auth()
    ref = (await api.post("/cases", json=report("X"), headers=officer)).json()["reference"]
    before = (await api.get(f"/cases/{ref}/timeline", headers=officer)).json()
    referral = {"agency": "victim_suport", "consent": True, "sharing_basis": "consent"}
    response = await api.post(f"/cases/{ref}/actions/make_referral", json=referral, headers=officer)
    assert response.status_code == 422
    error = response.json()["detail"][0]
    assert error["loc"] == ["body", "agency"] and "victim_support" in error["msg"]
    assert (await api.get(f"/cases/{ref}/timeline", headers=officer)).json() == before


async def test_unknown_case_is_404(api: httpx.AsyncClient, auth: Headers) -> None:
    assert (await api.get("/cases/ASB-2026-NOPE", headers=auth())).status_code == 404
    response = await api.post("/cases/ASB-2026-NOPE/actions/acknowledge", json={}, headers=auth())
    assert response.status_code == 404


async def test_a_retried_post_with_an_idempotency_key_acts_once(
    api: httpx.AsyncClient, auth: Headers
) -> None:
    officer = {**auth(), "Idempotency-Key": f"k-{uuid.uuid4()}"}
    first = await api.post("/cases", json=report("X"), headers=officer)
    second = await api.post("/cases", json=report("X"), headers=officer)
    assert first.json()["reference"] == second.json()["reference"]
    ref = first.json()["reference"]
    attempt = {"outcome": "failed_attempt", "channel": "phone"}
    contact = {**auth(), "Idempotency-Key": f"k-{uuid.uuid4()}"}
    for _ in range(2):
        response = await api.post(
            f"/cases/{ref}/actions/record_contact", json=attempt, headers=contact
        )
        assert response.status_code == 200
    timeline = (await api.get(f"/cases/{ref}/timeline", headers=auth())).json()
    assert [e["action"] for e in timeline].count("record_contact") == 1


async def test_public_intake_returns_only_a_reference_and_is_rate_limited(
    api: httpx.AsyncClient,
) -> None:
    body = report("B")
    del body["channel"]
    replies = [await api.post("/public/reports", json=body) for _ in range(4)]
    assert [r.status_code for r in replies] == [201, 201, 201, 429]
    assert set(replies[0].json()) == {"reference"}
    assert replies[3].headers["Retry-After"] == "60"
    ref = replies[0].json()["reference"]
    assert (await api.get(f"/cases/{ref}")).status_code == 401


async def test_supervisor_exports_history_and_sees_reports(
    api: httpx.AsyncClient, auth: Headers
) -> None:
    """TSM NM01: a second report about the same party while a case is open is not a new case."""
    supervisor = auth("supervisor", "P")
    first = await api.post("/cases", json=report("P"), headers=supervisor)
    await api.post("/cases", json=report("P"), headers=supervisor)
    ref = first.json()["reference"]
    history = await api.get(f"/cases/{ref}/history", headers=supervisor)
    assert history.status_code == 200
    assert history.json()["events"][0]["eventType"] == "EVENT_TYPE_WORKFLOW_EXECUTION_STARTED"
    params = {"from": "2026-01-01", "to": "2026-12-31", "homes": 2000}
    figures = (await api.get("/reports", params=params, headers=supervisor)).json()
    nm01 = figures["tsm_nm01"]
    assert nm01["not_counted_as_repeat_reports"] >= 1
    assert nm01["per_1000_homes"] == round(nm01["cases"] * 1000 / 2000, 2)
    assert "Not TSM TP12" in figures["closure_survey"]["note"]
