"""Oversize and malformed payloads are refused and change nothing (issue: hostile input)."""

from __future__ import annotations

import httpx
from sqlalchemy import func, select

from db.models import ReportDetails
from tests.api.conftest import Headers, report


async def _reports(sessions: object) -> int:
    async with sessions() as session:  # type: ignore[operator]
        return int(await session.scalar(select(func.count()).select_from(ReportDetails)))


async def test_oversize_body_is_413_and_records_nothing(
    api: httpx.AsyncClient, auth: Headers, sessions: object
) -> None:
    before = await _reports(sessions)
    body = report("X", description="x" * 300_000)
    response = await api.post("/cases", json=body, headers=auth())
    assert response.status_code == 413
    assert await _reports(sessions) == before


async def test_malformed_json_is_422(api: httpx.AsyncClient, auth: Headers) -> None:
    headers = {**auth(), "Content-Type": "application/json"}
    response = await api.post("/cases", content=b'{"landlord": "X", ', headers=headers)
    assert response.status_code == 422
    assert response.json()["detail"][0]["type"] == "json_invalid"


async def test_unknown_fields_are_refused_by_name(api: httpx.AsyncClient, auth: Headers) -> None:
    response = await api.post("/cases", json=report("X", admin=True), headers=auth())
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "admin"]


async def test_an_action_body_cannot_smuggle_an_actor(
    api: httpx.AsyncClient, auth: Headers
) -> None:
    """The actor comes from the token, never from the body."""
    ref = (await api.post("/cases", json=report("X"), headers=auth())).json()["reference"]
    smuggled = {"actor": {"user_id": "someone.else", "role": "supervisor"}}
    response = await api.post(f"/cases/{ref}/actions/acknowledge", json=smuggled, headers=auth())
    assert response.status_code == 422
