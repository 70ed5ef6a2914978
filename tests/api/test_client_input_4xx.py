"""Every input a client can send gets a 4xx, never a 500 (issue 22, finding 3): lone surrogates
in any body, query, form or header, and every what-if file and period."""

from __future__ import annotations

import re
import uuid
from typing import Any

import httpx
import pytest
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncEngine

from db.models import CaseAction, CaseIntake
from scripts.whatif_bench import recorded_rows
from tests.api.conftest import Headers, report

LONE = "\ud800"


def _public_report(**overrides: Any) -> dict[str, Any]:
    body = report("B", **overrides)
    del body["channel"]
    return body


def _escaped(body: Any) -> str:
    """JSON as a client writes it: the lone surrogate as its escape (json.dumps does this)."""
    import json

    return json.dumps(body)


@pytest.mark.parametrize(
    "body",
    [
        _public_report(description=LONE),  # echoed by the 422 before: it could not be encoded
        _public_report(description=f"Loud music {LONE}every night"),  # valid otherwise
        {**_public_report(), f"x{LONE}": 1},  # in a key
        _public_report(categories=[f"noise{LONE}"]),
    ],
)
async def test_a_lone_surrogate_in_a_public_report_is_422_and_keeps_nothing(
    api: httpx.AsyncClient, body: dict[str, Any]
) -> None:
    response = await api.post(
        "/public/reports", content=_escaped(body), headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 422, response.text
    assert response.json()["detail"][0]["loc"][0] == "body"


async def test_a_lone_surrogate_in_staff_bodies_is_422(
    api: httpx.AsyncClient, auth: Headers
) -> None:
    headers = {**auth(), "Content-Type": "application/json"}
    opened = await api.post(
        "/cases", content=_escaped(report("X", description=LONE)), headers=headers
    )
    assert opened.status_code == 422, opened.text
    assert opened.json()["detail"][0]["loc"] == ["body", "description"]
    ref = (await api.post("/cases", json=report("X"), headers=auth())).json()["reference"]
    note = _escaped({"agreed_contact_interval_days": 7, "summary_ref": LONE})
    acted = await api.post(f"/cases/{ref}/actions/agree_action_plan", content=note, headers=headers)
    assert acted.status_code == 422, acted.text
    assert acted.json()["detail"][0]["loc"] == ["body", "summary_ref"]


async def test_a_lone_surrogate_in_a_query_header_or_path_is_never_a_500(
    api: httpx.AsyncClient, auth: Headers
) -> None:
    """Percent-encoded, a surrogate is bytes no UTF-8 decoder accepts: it arrives replaced."""
    surrogate = "%ED%A0%80"
    for url in (
        f"/cases?q={surrogate}",
        f"/cases?cursor={surrogate}",
        f"/cases/ASB-{surrogate}",
        f"/cases/ASB-{surrogate}/timeline",
    ):
        response = await api.get(url, headers=auth())
        assert response.status_code < 500, (url, response.text)
    headers = {**auth(), "Idempotency-Key": b"\xed\xa0\x80"}  # the same, as raw bytes
    made = await api.post("/cases", json=report("X"), headers=headers)
    assert made.status_code in (201, 422), made.text


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "the page has no CSRF token"
    return found.group(1)


async def test_a_lone_surrogate_in_the_report_form_is_never_a_500(api: httpx.AsyncClient) -> None:
    page = await api.get("/report/B")
    body = (
        f"csrf_token={_csrf(page.text)}&categories=noise&anonymous=on"
        "&description=Shouting%ED%A0%80&idempotency_key=k%ED%A0%80"
    )
    response = await api.post(
        "/report/B", content=body,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )  # fmt: skip
    assert response.status_code in (201, 422), response.text


async def _supervisor(api: httpx.AsyncClient, landlord: str = "C") -> str:
    page = await api.get("/console/sign-in")
    response = await api.post(
        "/console/sign-in",
        data={"user_id": "supervisor.c", "role": "supervisor", "landlord": landlord,
              "csrf_token": _csrf(page.text)},
    )  # fmt: skip
    assert response.status_code == 303, response.text
    form = await api.get("/console/what-if")
    assert form.status_code == 200, form.text
    return _csrf(form.text)


DEEP = "a = " + "[" * 20_000 + "]" * 20_000 + "\n"  # well under the upload limit


@pytest.mark.parametrize(
    ("fields", "upload", "named"),
    [
        ({"from": "2025-01-01", "to": "2025-12-31"}, DEEP.encode(), "nested too deeply"),
        ({"from": "2025-01-01", "to": "2025-12-31"}, b"code = '\xff\xfe'\n", "not UTF-8"),
        ({"from": "2025-01-01", "to": "9999-12-31", "version": "C-2025.1"}, None, "to:"),
        ({"from": "2025-01-01", "to": "2040-12-31", "version": "C-2025.1"}, None, "that far ahead"),
    ],
    ids=["deeply-nested", "not-utf8", "to-9999", "past-2036"],
)
async def test_every_what_if_file_and_period_is_a_422_naming_what_is_wrong(
    api: httpx.AsyncClient,
    engine: AsyncEngine,
    fields: dict[str, str],
    upload: bytes | None,
    named: str,
) -> None:
    intakes, actions = recorded_rows(3, "C", prefix=f"W{uuid.uuid4().hex[:6].upper()}")
    async with engine.begin() as conn:
        await conn.execute(insert(CaseIntake), intakes)
        await conn.execute(insert(CaseAction), actions)
    token = await _supervisor(api)
    files = {"policy_file": ("draft.toml", upload, "application/toml")} if upload else None
    data = {"csrf_token": token, **fields}
    page = await api.post("/console/what-if", data=data, files=files)
    assert page.status_code == 422, page.text[-2000:]
    assert named in page.text
    download = await api.post("/console/what-if/download", data={**data, "format": "csv"},
                              files=files)  # fmt: skip
    assert download.status_code == 422, download.text[-2000:]
