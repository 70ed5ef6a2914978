"""Idempotency-Key after the IETF draft (issue 13, points 1-3 and 7): caller-scoped, hashed,
fingerprinted; a finished case is never reopened; a reused key with another request is a 422."""

from __future__ import annotations

import asyncio
import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import async_sessionmaker
from temporalio.client import WorkflowExecutionStatus
from temporalio.testing import WorkflowEnvironment

from contracts.search_attributes import CASE_OFFICER
from db.idempotency import IdempotencyKey
from db.models import Party, ReportDetails
from tests.api.conftest import Headers, report


def _key() -> dict[str, str]:
    return {"Idempotency-Key": f"report-{uuid.uuid4().hex[:8]}"}


async def _parties(sessions: async_sessionmaker[Any], reference: str) -> list[tuple[str, str]]:
    async with sessions() as session:
        rows = await session.scalars(
            select(Party).where(Party.reference == reference).order_by(Party.id)
        )
        return [(p.role, p.name or "") for p in rows]


async def test_a_finished_case_is_never_reopened_or_overwritten_by_its_key(
    api: httpx.AsyncClient, auth: Headers, dev_env: WorkflowEnvironment
) -> None:
    """Point 1: the README's walkthrough run twice. At X the complainant's word closes the case
    (R46, R48) and, with no survey (R51), its workflow finishes."""
    officer, key = auth(), _key()
    opened = await api.post("/cases", json=report("X"), headers={**officer, **key})
    assert opened.status_code == 201, opened.text
    ref = opened.json()["reference"]
    closing = {"reason": "complainant_reports_ceased"}
    for action, body in [("acknowledge", {}), ("request_closure", closing)]:
        done = await api.post(f"/cases/{ref}/actions/{action}", json=body, headers=officer)
        assert done.status_code == 200, done.text
    handle = dev_env.client.get_workflow_handle(f"case-{ref}")
    await handle.result()
    finished = await handle.describe()

    again = await api.post("/cases", json=report("X"), headers={**officer, **key})

    assert again.status_code == 201 and again.json() == opened.json()  # the first answer again
    latest = await handle.describe()
    assert latest.run_id == finished.run_id  # no second run under the case's id
    assert latest.status == WorkflowExecutionStatus.COMPLETED
    view = (await api.get(f"/cases/{ref}", headers=officer)).json()
    assert view["closed_at"] is not None and view["stage"] == "finished"
    listed = (await api.get("/cases", params={"limit": 500}, headers=officer)).json()
    [row] = [item for item in listed["items"] if item["reference"] == ref]
    assert row["closed_at"] is not None  # the closed case is still in the reports


async def test_a_finished_cases_workflow_id_is_never_run_again(
    api: httpx.AsyncClient,
    auth: Headers,
    dev_env: WorkflowEnvironment,
    sessions: async_sessionmaker[Any],
) -> None:
    """Even a retry that resumes (its first attempt's process died before recording the answer)
    finds the case finished and is refused: Temporal's REJECT_DUPLICATE, no second run."""
    officer, key = auth(), _key()
    opened = await api.post("/cases", json=report("X"), headers={**officer, **key})
    ref = opened.json()["reference"]
    closing = {"reason": "complainant_reports_ceased"}
    for action, body in [("acknowledge", {}), ("request_closure", closing)]:
        await api.post(f"/cases/{ref}/actions/{action}", json=body, headers=officer)
    handle = dev_env.client.get_workflow_handle(f"case-{ref}")
    await handle.result()
    finished = await handle.describe()
    async with sessions() as session, session.begin():  # as if the answer was never recorded
        await session.execute(
            update(IdempotencyKey)
            .where(IdempotencyKey.reference == ref)
            .values(state="in_flight", locked_until=datetime.now(UTC) - timedelta(seconds=1))
        )

    again = await api.post("/cases", json=report("X"), headers={**officer, **key})

    assert again.status_code == 409 and "finished" in again.json()["detail"]["reason"]
    assert (await handle.describe()).run_id == finished.run_id


async def test_a_reused_key_with_another_report_is_422_and_changes_nothing(
    api: httpx.AsyncClient, auth: Headers, sessions: async_sessionmaker[Any]
) -> None:
    """Point 3: the second report was silently dropped behind a 201."""
    officer = {**auth(), **_key()}
    first = await api.post("/cases", json=report("X"), headers=officer)
    witness = {"role": "witness", "name": "Jo Other", "address": "3 High Street, AB1 2CD"}
    other = report("X", description="Shouting in the stairwell.",
                   parties=[*report("X")["parties"], witness])  # fmt: skip
    second = await api.post("/cases", json=other, headers=officer)
    assert second.status_code == 422, second.text
    [error] = second.json()["detail"]
    assert error["loc"] == ["header", "Idempotency-Key"] and "different request" in error["msg"]
    ref = first.json()["reference"]
    assert await _parties(sessions, ref) == [
        ("complainant", "Alex Resident"),
        ("alleged_perpetrator", "Sam Neighbour"),
    ]


async def test_a_reused_key_with_another_action_is_422_and_acts_once(
    api: httpx.AsyncClient, auth: Headers
) -> None:
    """Point 3: log_incident then hold with one key answered 200 and dropped the hold."""
    officer = auth()
    ref = (await api.post("/cases", json=report("X"), headers=officer)).json()["reference"]
    await api.post(f"/cases/{ref}/actions/acknowledge", json={}, headers=officer)
    keyed = {**officer, **_key()}
    incident = {"occurred_at": "2026-11-30T21:00:00Z"}
    logged = await api.post(f"/cases/{ref}/actions/log_incident", json=incident, headers=keyed)
    assert logged.status_code == 200, logged.text
    retried = await api.post(f"/cases/{ref}/actions/log_incident", json=incident, headers=keyed)
    assert retried.status_code == 200 and retried.json() == logged.json()
    hold = {"reason": "complainant in hospital"}
    held = await api.post(f"/cases/{ref}/actions/hold", json=hold, headers=keyed)
    assert held.status_code == 422, held.text
    assert held.json()["detail"][0]["loc"] == ["header", "Idempotency-Key"]
    timeline = (await api.get(f"/cases/{ref}/timeline", headers=officer)).json()
    actions = [entry["action"] for entry in timeline]
    assert actions.count("log_incident") == 1 and "hold" not in actions


async def test_a_public_callers_key_cannot_take_over_an_officers_report(
    api: httpx.AsyncClient, auth: Headers, sessions: async_sessionmaker[Any]
) -> None:
    """Point 2: an anonymous caller who claimed a key first got the officer's report thrown
    away and handed the officer the caller's case."""
    key = _key()
    public = report("B", description="Someone else's report.")
    del public["channel"]
    claimed = await api.post("/public/reports", json=public, headers=key)
    assert claimed.status_code == 201, claimed.text

    victims = report("B", description="Threats at the door every evening.")
    opened = await api.post("/cases", json=victims, headers={**auth("officer", "B"), **key})

    assert opened.status_code == 201, opened.text
    assert opened.json()["reference"] != claimed.json()["reference"]
    async with sessions() as session:
        narrative = await session.get(ReportDetails, opened.json()["reference"])
    assert narrative is not None and narrative.description == victims["description"]


async def test_keys_never_reach_temporal_in_plain(api: httpx.AsyncClient, auth: Headers) -> None:
    """Point 7: a key built from an email address appeared inside the update ids."""
    officer = auth()
    key = f"alex.{uuid.uuid4().hex[:6]}@example.org"
    opened = await api.post("/cases", json=report("X"), headers={**officer, "Idempotency-Key": key})
    ref = opened.json()["reference"]
    acted = await api.post(
        f"/cases/{ref}/actions/acknowledge",
        json={},
        headers={**officer, "Idempotency-Key": f"{key}-ack"},
    )
    assert acted.status_code == 200, acted.text
    history = await api.get(f"/cases/{ref}/history", headers=auth("supervisor"))
    assert "UPDATE_ACCEPTED" in history.text
    assert key not in json.dumps(history.json())


async def test_free_text_never_becomes_the_case_officer_search_attribute(
    api: httpx.AsyncClient, auth: Headers, dev_env: WorkflowEnvironment
) -> None:
    """Point 7: a free-text officer_id became the plaintext CaseOfficer search attribute."""
    supervisor = auth("supervisor")
    ref = (await api.post("/cases", json=report("X"), headers=supervisor)).json()["reference"]
    free_text = {"officer_id": "Jane Smith, 2 High Street"}
    refused = await api.post(f"/cases/{ref}/actions/reassign", json=free_text, headers=supervisor)
    assert refused.status_code == 422, refused.text
    assert refused.json()["detail"][0]["loc"] == ["body", "officer_id"]
    described = await dev_env.client.get_workflow_handle(f"case-{ref}").describe()
    assert described.typed_search_attributes.get(CASE_OFFICER) is None
    staff = {"officer_id": "officer.patel"}
    moved = await api.post(f"/cases/{ref}/actions/reassign", json=staff, headers=supervisor)
    assert moved.status_code == 200 and moved.json()["officer_id"] == "officer.patel"


# A reused key with another report must be refused at once, however the two requests meet.
# The bound is a guard against a hang (a lock or a claim that waits), not a measure of speed:
# it is far beyond any honest answer and far below the store's 30 s lock waits and the lease.
PROMPTLY = 20.0


def _other_report(landlord: str = "X") -> dict[str, Any]:
    return report(landlord, description="Shouting in the stairwell.", categories=["noise"],
                  parties=[{"role": "complainant", "name": "Jo Other",
                            "address": "3 High Street, AB1 2CD"}])  # fmt: skip


def _public(body: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in body.items() if name != "channel"}


def _refused_for_the_key(reply: httpx.Response) -> bool:
    if reply.status_code != 422:
        return False
    [error] = reply.json()["detail"]
    return bool(error["loc"] == ["header", "Idempotency-Key"] and "different" in error["msg"])


async def _report_count(sessions: async_sessionmaker[Any], description: str) -> int:
    async with sessions() as session:
        found = await session.scalars(
            select(ReportDetails.reference).where(ReportDetails.description == description)
        )
        return len(found.all())


async def test_a_reused_key_with_another_report_is_refused_at_once_after_the_first(
    api: httpx.AsyncClient, auth: Headers, sessions: async_sessionmaker[Any]
) -> None:
    """Issue 13, point 3: the key again with another body, once the first has answered, is a
    422 naming the header, without waiting, and records nothing of the second report."""
    officer = {**auth(), **_key()}
    first = await api.post("/cases", json=report("X"), headers=officer)
    assert first.status_code == 201, first.text
    other = _other_report()

    second = await asyncio.wait_for(api.post("/cases", json=other, headers=officer), PROMPTLY)

    assert _refused_for_the_key(second), second.text
    assert await _report_count(sessions, other["description"]) == 0
    again = await api.post("/cases", json=report("X"), headers=officer)
    assert again.status_code == 201 and again.json() == first.json()  # the key still replays


async def _together_one_opens(
    api: httpx.AsyncClient,
    sessions: async_sessionmaker[Any],
    path: str,
    bodies: list[dict[str, Any]],
    headers: dict[str, str],
) -> None:
    """Send two different reports at once with one key: one opens its case, the other is the
    422 naming the header (the key stands for another request whether or not it has finished),
    and only the first report is recorded."""
    replies = await asyncio.wait_for(
        asyncio.gather(*(api.post(path, json=body, headers=headers) for body in bodies)), PROMPTLY
    )

    statuses = sorted(reply.status_code for reply in replies)
    assert statuses == [201, 422], [reply.text for reply in replies]
    [opened] = [n for n, reply in enumerate(replies) if reply.status_code == 201]
    assert _refused_for_the_key(replies[1 - opened])
    counts = [await _report_count(sessions, body["description"]) for body in bodies]
    assert counts == [1 if n == opened else 0 for n in (0, 1)]


async def test_a_reused_key_with_another_report_at_the_same_time_opens_one_case(
    api: httpx.AsyncClient, auth: Headers, sessions: async_sessionmaker[Any]
) -> None:
    bodies = [report("X", description=f"Report {n} {uuid.uuid4().hex[:6]}.") for n in (1, 2)]
    await _together_one_opens(api, sessions, "/cases", bodies, {**auth(), **_key()})


async def test_a_public_reused_key_with_another_report_is_refused_at_once(
    api: httpx.AsyncClient, sessions: async_sessionmaker[Any]
) -> None:
    """The same through the public intake: the resident's second, different report with the
    first one's key is a 422 naming the header, not a wait, and is not recorded."""
    key = _key()
    first = await api.post("/public/reports", json=_public(report("B")), headers=key)
    assert first.status_code == 201, first.text
    other = _public(_other_report("B"))

    second = await asyncio.wait_for(api.post("/public/reports", json=other, headers=key), PROMPTLY)

    assert _refused_for_the_key(second), second.text
    assert await _report_count(sessions, other["description"]) == 0


async def test_a_public_reused_key_with_another_report_at_the_same_time_opens_one_case(
    api: httpx.AsyncClient, sessions: async_sessionmaker[Any]
) -> None:
    described = [f"Public {n} {uuid.uuid4().hex[:6]}." for n in (1, 2)]
    bodies = [_public(report("B", description=text)) for text in described]
    await _together_one_opens(api, sessions, "/public/reports", bodies, _key())


async def test_a_key_in_flight_refuses_another_report_and_asks_its_own_retry_to_wait(
    api: httpx.AsyncClient, auth: Headers, sessions: async_sessionmaker[Any]
) -> None:
    """While the key's first request still runs (its lease is live), another report with it is
    the 422 at once, never a wait for the first to end; the same report again is a 409 with
    Retry-After."""
    officer = {**auth(), **_key()}
    first = await api.post("/cases", json=report("X"), headers=officer)
    ref = first.json()["reference"]
    async with sessions() as session, session.begin():  # as if the first were still running
        await session.execute(
            update(IdempotencyKey)
            .where(IdempotencyKey.reference == ref)
            .values(state="in_flight", locked_until=datetime.now(UTC) + timedelta(minutes=5))
        )
    other = _other_report()

    refused = await asyncio.wait_for(api.post("/cases", json=other, headers=officer), PROMPTLY)
    retried = await asyncio.wait_for(
        api.post("/cases", json=report("X"), headers=officer), PROMPTLY
    )

    assert _refused_for_the_key(refused), refused.text
    assert await _report_count(sessions, other["description"]) == 0
    assert retried.status_code == 409 and retried.headers["Retry-After"] == "1", retried.text
