"""Issue 16, access records and restricted cases, through the HTTP API on SQLite and PostgreSQL
(the `database_url` fixture runs each test on both when PostgreSQL answers)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from temporalio.testing import WorkflowEnvironment

from core.settings import Settings
from db.engine import create_engine, session_factory
from db.migrate import upgrade_async
from edge.deps import Services
from tests.api.conftest import Headers, report
from tests.integration.record_support import seed_case
from web.app import create_app

NAMED = "officer.patel"  # in the development staff directory of every landlord


async def _open(api: httpx.AsyncClient, auth: Headers) -> str:
    opened = await api.post("/cases", json=report("X"), headers=auth("officer", "X"))
    assert opened.status_code == 201, opened.text
    reference: str = opened.json()["reference"]
    return reference


async def _records(api: httpx.AsyncClient, auth: Headers, path: str) -> list[dict[str, Any]]:
    """Every record of the list, page by page along next_cursor."""
    items: list[dict[str, Any]] = []
    cursor: str | None = None
    while True:
        params: dict[str, Any] = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = await api.get(path, params=params, headers=auth("admin", "X"))
        assert page.status_code == 200, page.text
        items += page.json()["items"]
        cursor = page.json()["next_cursor"]
        if cursor is None:
            return items


async def test_each_api_read_of_personal_data_is_recorded_with_who_and_the_route(
    api: httpx.AsyncClient, auth: Headers
) -> None:
    reference = await _open(api, auth)
    officer, supervisor = auth("officer", "X"), auth("supervisor", "X")
    for path in ("", "/timeline", "/letters", "/referrals"):
        assert (await api.get(f"/cases/{reference}{path}", headers=officer)).status_code == 200
    assert (await api.get(f"/cases/{reference}/history", headers=supervisor)).status_code == 200

    by_case = await _records(api, auth, f"/cases/{reference}/access-records")

    assert [(r["route"], r["user_id"], r["role"]) for r in by_case] == [
        ("api_history_export", "supervisor.x", "supervisor"),  # newest first
        ("api_referrals", "officer.x", "officer"),
        ("api_letters", "officer.x", "officer"),
        ("api_timeline", "officer.x", "officer"),
        ("api_case", "officer.x", "officer"),
    ]
    assert len({r["id"] for r in by_case}) == 5  # paged two at a time: none twice, none lost
    assert all(r["reference"] == reference and r["accessed_at"] for r in by_case)
    mine = await _records(api, auth, "/users/supervisor.x/access-records")
    assert {"reference": reference, "route": "api_history_export"}.items() <= mine[0].items()


async def test_an_action_or_a_list_without_names_writes_no_access_record(
    api: httpx.AsyncClient, auth: Headers
) -> None:
    reference = await _open(api, auth)
    acted = await api.post(
        f"/cases/{reference}/actions/acknowledge", json={}, headers=auth("officer", "X")
    )
    assert acted.status_code == 200, acted.text
    assert (await api.get("/cases", headers=auth("officer", "X"))).status_code == 200
    assert await _records(api, auth, f"/cases/{reference}/access-records") == []


async def test_only_an_admin_lists_access_records(api: httpx.AsyncClient, auth: Headers) -> None:
    reference = await _open(api, auth)
    for role in ("officer", "supervisor"):
        for path in (f"/cases/{reference}/access-records", "/users/officer.x/access-records"):
            refused = await api.get(path, headers=auth(role, "X"))
            assert refused.status_code == 403, (role, path, refused.text)
            assert "admin" in refused.json()["detail"]
    # An admin of another landlord: the case does not exist for them, nor do X's reads.
    assert (await api.get(f"/cases/{reference}/access-records", headers=auth("admin", "B"))
            ).status_code == 404  # fmt: skip
    theirs = await api.get("/users/officer.x/access-records", headers=auth("admin", "B"))
    assert theirs.status_code == 200 and reference not in theirs.text


async def test_a_cursor_not_given_out_by_the_list_is_a_422_naming_it(
    api: httpx.AsyncClient, auth: Headers
) -> None:
    for cursor in ("nonsense", "WzEsImJlZm9yZSIsLTFd"):  # the second: [1,"before",-1]
        answer = await api.get(
            "/users/officer.x/access-records", params={"cursor": cursor}, headers=auth("admin")
        )
        assert answer.status_code == 422
        assert answer.json()["detail"][0]["loc"] == ["query", "cursor"]


async def test_a_restricted_case_is_404_to_an_officer_not_named_but_open_to_named_and_supervisor(
    api: httpx.AsyncClient, auth: Headers
) -> None:
    reference = await _open(api, auth)
    other, named, supervisor = auth("officer"), auth(user=NAMED), auth("supervisor")
    officer_try = {"reason": "domestic_abuse", "users": []}
    refused = await api.put(f"/cases/{reference}/restriction", headers=other, json=officer_try)
    assert refused.status_code == 403
    put = await api.put(
        f"/cases/{reference}/restriction", headers=supervisor,
        json={"reason": "staff_member_party", "users": [NAMED]},
    )  # fmt: skip
    assert put.status_code == 200, put.text
    assert put.json()["users"] == [NAMED] and put.json()["restricted_by"] == "supervisor.x"

    reads = ("", "/timeline", "/letters", "/referrals", "/restriction")
    for path in reads:
        hidden = await api.get(f"/cases/{reference}{path}", headers=other)
        assert hidden.status_code == 404, (path, hidden.text)
        assert hidden.json()["detail"] == f"no case {reference}"  # as for no case at all
        assert (await api.get(f"/cases/{reference}{path}", headers=named)).status_code == 200
        assert (await api.get(f"/cases/{reference}{path}", headers=supervisor)).status_code == 200
    act = await api.post(f"/cases/{reference}/actions/acknowledge", json={}, headers=other)
    assert act.status_code == 404
    assert reference not in (await api.get("/cases?limit=500", headers=other)).text
    assert reference not in (await api.get("/tasks?open_only=false", headers=other)).text
    assert reference in (await api.get("/cases?limit=500", headers=named)).text
    assert reference in (await api.get("/cases?limit=500", headers=supervisor)).text
    # A restriction is audited on the case's own timeline (only those who may open it see it).
    timeline = (await api.get(f"/cases/{reference}/timeline", headers=named)).json()
    [entry] = [e for e in timeline if e["action"] == "restrict"]
    assert entry["actor"] == "supervisor.x" and NAMED in entry["summary"]

    # Given to an officer not named on it, the case would be one its own officer cannot open.
    reassign = f"/cases/{reference}/actions/reassign"
    refused = await api.post(reassign, json={"officer_id": "officer.x"}, headers=supervisor)
    assert refused.status_code == 422, refused.text
    assert refused.json()["detail"][0]["loc"] == ["body", "officer_id"]
    given = await api.post(reassign, json={"officer_id": NAMED}, headers=supervisor)
    assert given.status_code == 200, given.text

    lifted = await api.delete(f"/cases/{reference}/restriction", headers=supervisor)
    assert lifted.status_code == 204
    assert (await api.get(f"/cases/{reference}", headers=other)).status_code == 200
    timeline = (await api.get(f"/cases/{reference}/timeline", headers=other)).json()
    assert [e["action"] for e in timeline if "restrict" in e["action"]] == [
        "restrict", "unrestrict"
    ]  # fmt: skip


async def test_naming_someone_outside_the_staff_directory_is_a_422_and_restricts_nothing(
    api: httpx.AsyncClient, auth: Headers
) -> None:
    reference = await _open(api, auth)
    answer = await api.put(
        f"/cases/{reference}/restriction", headers=auth("supervisor"),
        json={"reason": "domestic_abuse", "users": ["nobody.here"]},
    )  # fmt: skip
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"] == ["body", "users"]
    assert "nobody.here" in answer.json()["detail"][0]["msg"]
    bad_reason = await api.put(
        f"/cases/{reference}/restriction", headers=auth("supervisor"),
        json={"reason": "because", "users": []},
    )  # fmt: skip
    assert bad_reason.status_code == 422 and "domestic_abuse" in bad_reason.text
    shown = await api.get(f"/cases/{reference}/restriction", headers=auth("officer"))
    assert shown.json()["restricted"] is False


@pytest.fixture
async def no_access_log(tmp_path: Path) -> Any:
    """A database whose access_records table is gone: every access record write fails."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'broken.db'}"
    await upgrade_async(url)
    engine = create_engine(url)
    async with engine.begin() as connection:
        await connection.execute(text("DROP TABLE access_records"))
    yield engine, session_factory(engine)
    await engine.dispose()


async def test_a_read_that_cannot_be_recorded_is_refused_with_503_and_shows_nothing(
    dev_env: WorkflowEnvironment, settings: Settings, auth: Headers, no_access_log: Any
) -> None:
    engine, sessions = no_access_log
    seeded = await seed_case(sessions, landlord="X")
    app = create_app(settings, Services(settings, dev_env.client, engine, sessions))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as api:
        for path in ("", "/timeline", "/letters"):
            refused = await api.get(f"/cases/{seeded.reference}{path}", headers=auth())
            assert refused.status_code == 503, (path, refused.text)
            assert "access log" in refused.json()["detail"]
            assert refused.headers["Retry-After"]
            assert not re.search(r"Siobhan|music|investigation", refused.text)
