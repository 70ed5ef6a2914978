"""Every endpoint x every role x own and other landlord (issue: authentication and roles).

The matrix is built from the application's own routes, so a new endpoint cannot escape it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import httpx
import pytest

from core.settings import Settings
from tests.api.conftest import Headers, report
from web.app import create_app

PUBLIC = {"/healthz", "/readyz", "/readyz/intake", "/public/reports"}
SUPERVISOR_ONLY = {
    "/cases/{reference}/history",
    "/escalations",
    "/approvals",
    "/reports",
    "/cases/{reference}/actions/approve_peia",
    "/cases/{reference}/actions/decline_peia",
    "/cases/{reference}/actions/approve_closure",
    "/cases/{reference}/actions/reassign",
    "/codec/decode",
    "/codec/encode",
    "/staff/{staff_id}:PUT",
    "/cases/{reference}/restriction:PUT",
    "/cases/{reference}/restriction:DELETE",
}
ADMIN_ONLY = {"/cases/{reference}/access-records", "/users/{user_id}/access-records"}
# Sub-resources the fixture's fresh case does not have yet (no letter produced, no task, no
# referral, nothing in today's print batch): the role check passes, then 404 or 422 names it.
ABSENT_HERE = {
    "/cases/{reference}/letters/{key}/pdf",
    "/print-batches/{day}/pdf",
    "/print-batches/{day}/posted",
    "/tasks/{task_id}/close",
    "/cases/{reference}/referrals/{key}/response",
}
BODIES: dict[str, dict[str, Any]] = {
    "record_contact": {"outcome": "failed_attempt", "channel": "phone"},
    "record_risk_assessment": {"tier": "general"},
    "agree_action_plan": {"agreed_contact_interval_days": 7, "summary_ref": "p"},
    "revise_action_plan": {"summary_ref": "p2"},
    "invite_to_interview": {"party": "alleged_perpetrator"},
    "record_interview": {"party": "complainant"},
    "log_incident": {"occurred_at": "2026-01-05T10:00:00Z"},
    "add_evidence": {"kind": "diary_sheet", "consent": True},
    "apply_remedy": {"kind": "verbal_warning"},
    "make_referral": {"agency": "victim_support", "consent": True, "sharing_basis": "consent"},
    "complete_peia": {"document_ref": "peia-1"},
    "decline_peia": {"reason": "no equality consideration"},
    "start_legal_action": {"kind": "injunction"},
    "record_legal_outcome": {"legal_action_no": 1, "outcome": "adjourned"},
    "request_closure": {"reason": "complainant_reports_ceased"},
    "record_consultation": {"outcome": "agrees"},
    "withdraw_closure": {"reason": "new incident"},
    "reassign": {"officer_id": "officer.patel"},
    "recategorise": {"tier": "serious", "reason": "threats reported"},
    "hold": {"reason": "complainant in hospital"},
    "resume": {"reason": "complainant home"},
    "raise_counter_allegation": {"categories": ["noise"], "channel": "phone"},
    "record_survey_response": {"score": 4},
}
ROUTES = [
    (method.upper(), path)
    for path, operations in create_app(Settings()).openapi()["paths"].items()
    for method in operations
]


def _request(method: str, path: str, reference: str) -> dict[str, Any]:
    url = (
        path.replace("{reference}", reference)
        .replace("{key}", f"{reference}:letter:1")
        .replace("{day}", date.today().isoformat())
        .replace("{task_id}", "1")
        .replace("{staff_id}", "officer.patel")
        .replace("{user_id}", "officer.patel")
    )
    action = path.rsplit("/", 1)[-1]
    if path == "/cases" and method == "POST":
        return {"method": method, "url": url, "json": report("X")}
    if path == "/reports":
        return {"method": method, "url": url, "params": {"from": "2026-01-01", "to": "2026-12-31",
                                                           "homes": 1000}}  # fmt: skip
    if path.startswith("/codec/"):
        return {"method": method, "url": url, "json": {"payloads": []}}
    if "/actions/" in path:
        return {"method": method, "url": url, "json": BODIES.get(action, {})}
    if method in ("POST", "PUT"):
        return {"method": method, "url": url, "json": OTHER_BODIES[path]}
    return {"method": method, "url": url}


OTHER_BODIES: dict[str, dict[str, Any]] = {
    "/print-batches/{day}/posted": {"letters": ["none"]},
    "/tasks/{task_id}/close": {"reason": "done by hand"},
    "/cases/{reference}/referrals/{key}/response": {"response": "accepted"},
    "/cases/{reference}/restriction": {"reason": "domestic_abuse", "users": ["officer.patel"]},
    "/staff/{staff_id}": {"display_name": "Priya Patel", "job_title": "Senior ASB Officer",
                          "phone": "01632 960 912", "email": "priya.patel@asb.example"},
}  # fmt: skip


@pytest.fixture
async def case_ref(api: httpx.AsyncClient, auth: Headers) -> str:
    opened = await api.post("/cases", json=report("X"), headers=auth("officer", "X"))
    reference: str = opened.json()["reference"]
    return reference


@pytest.mark.parametrize(("method", "path"), [r for r in ROUTES if r[1] not in PUBLIC])
async def test_every_endpoint_by_role_and_landlord(
    api: httpx.AsyncClient, auth: Headers, case_ref: str, method: str, path: str
) -> None:
    request = _request(method, path, case_ref)
    assert (await api.request(**request)).status_code == 401  # no token
    for role in ("officer", "supervisor", "admin"):
        own = await api.request(**request, headers=auth(role, "X"))
        supervisor_only = path in SUPERVISOR_ONLY or f"{path}:{method}" in SUPERVISOR_ONLY
        allowed = (200, 201, 409, 404, 422) if path in ABSENT_HERE else (200, 201, 204, 409)
        if (role != "admin" and path in ADMIN_ONLY) or (role == "officer" and supervisor_only):
            assert own.status_code == 403, (role, own.text)
        else:
            assert own.status_code in allowed, (role, own.status_code, own.text)
        other = await api.request(**request, headers=auth(role, "B"))
        refused = (role == "officer" and supervisor_only) or (
            role != "admin" and path in ADMIN_ONLY
        )
        if "{reference}" in path and not refused:
            assert other.status_code == 404, (role, other.text)  # never another landlord's
        if path == "/cases" and method == "POST":
            assert other.status_code == 403
        if path == "/cases" and method == "GET":
            assert case_ref not in other.text


async def test_a_forged_or_expired_token_is_refused(api: httpx.AsyncClient) -> None:
    forged = {"Authorization": "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.bad"}
    response = await api.get("/cases", headers=forged)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"
