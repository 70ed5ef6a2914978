"""One full case per seed landlord through the HTTP API alone (real Temporal, worker, DB)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.api.conftest import Headers, report

CLOSE_REASON = {  # R48: a reason each landlord's policy recognises
    "C": "asb_stopped", "Y": "asb_stopped", "X": "complainant_reports_ceased",
    "B": "asb_stopped", "P": "asb_stopped",
}  # fmt: skip
CONSULTS = {"C": True, "Y": True, "X": False, "B": True, "P": True}  # R46


async def act(
    api: httpx.AsyncClient, headers: dict[str, str], ref: str, action: str, **body: Any
) -> dict[str, Any]:
    response = await api.post(f"/cases/{ref}/actions/{action}", json=body, headers=headers)
    assert response.status_code == 200, f"{action}: {response.text}"
    result: dict[str, Any] = response.json()
    return result


@pytest.mark.parametrize("landlord", ["C", "Y", "X", "B", "P"])
async def test_a_case_from_report_to_closure_over_http(
    api: httpx.AsyncClient, auth: Headers, landlord: str
) -> None:
    officer = auth("officer", landlord)
    opened = await api.post("/cases", json=report(landlord), headers=officer)
    assert opened.status_code == 201, opened.text
    ref, tier = opened.json()["reference"], opened.json()["tier"]

    await act(api, officer, ref, "acknowledge")
    await act(api, officer, ref, "record_contact", outcome="made", channel="phone")
    await act(api, officer, ref, "record_risk_assessment", tier=tier)
    await act(api, officer, ref, "agree_action_plan", agreed_contact_interval_days=7,
              summary_ref="plan-1")  # fmt: skip
    await act(api, officer, ref, "invite_to_interview", party="alleged_perpetrator")
    await act(api, officer, ref, "record_interview", party="alleged_perpetrator")
    await act(api, officer, ref, "apply_remedy", kind="written_warning")
    view = await act(api, officer, ref, "request_closure", reason=CLOSE_REASON[landlord])
    if CONSULTS[landlord]:
        assert "closure_consultation" in view["awaiting"]  # R46
        view = await act(api, officer, ref, "record_consultation", outcome="agrees")
    assert view["closed_at"] is not None
    assert view["stage"] in ("closed", "survey", "finished")

    timeline = await api.get(f"/cases/{ref}/timeline", headers=officer)
    actions = [entry["action"] for entry in timeline.json()]
    assert actions[0] == "open_case"
    assert {"acknowledge", "apply_remedy", "request_closure"} <= set(actions)
    listed = await api.get("/cases", params={"limit": 500}, headers=officer)
    assert ref in [item["reference"] for item in listed.json()["items"]]
