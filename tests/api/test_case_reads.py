"""One way down (issue 23): a console action and the case page read the case's row once.

The row is who may open the case and who its officer is; reading it two or three times per
request (as when the console climbed back up through the API's helpers) costs a round trip to
the database each time, and lets the answers disagree within one request. The count is of the
statements the database really receives, on the engine itself.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import httpx
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.api.conftest import Headers, report

# A read of the cases table itself (not case_events, and not a join from another table's query).
_CASE_ROW = re.compile(r"^\s*SELECT\b.*\bFROM\s+cases\b(?!_)", re.IGNORECASE | re.DOTALL)


# Set for the request under test only: the worker shares the engine, and its activities (the read
# model's projection of the update) read the row for their own reasons, in their own tasks.
_IN_REQUEST: ContextVar[bool] = ContextVar("in_request", default=False)


@contextmanager
def case_row_reads(engine: AsyncEngine) -> Iterator[list[str]]:
    """The request's reads of the cases table (its gathered tasks inherit the context var)."""
    seen: list[str] = []

    def before(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if _IN_REQUEST.get() and _CASE_ROW.search(statement):
            seen.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", before)
    token = _IN_REQUEST.set(True)
    try:
        yield seen
    finally:
        _IN_REQUEST.reset(token)
        event.remove(engine.sync_engine, "before_cursor_execute", before)


def _field(html: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert found, f"the page has no {name}"
    return found.group(1)


async def _sign_in(api: httpx.AsyncClient) -> None:
    page = await api.get("/console/sign-in")
    response = await api.post(
        "/console/sign-in",
        data={"user_id": "officer.x", "role": "officer", "landlord": "X",
              "csrf_token": _field(page.text, "csrf_token")},
    )  # fmt: skip
    assert response.status_code == 303, response.text


async def test_the_case_page_and_a_console_action_each_read_the_case_once(
    api: httpx.AsyncClient, auth: Headers, engine: AsyncEngine
) -> None:
    opened = await api.post("/cases", json=report(), headers=auth("officer", "X"))
    assert opened.status_code == 201, opened.text
    reference = opened.json()["reference"]
    await _sign_in(api)

    with case_row_reads(engine) as page_reads:
        page = await api.get(f"/console/cases/{reference}")
    assert page.status_code == 200, page.text
    assert "Acknowledge" in page.text
    assert len(page_reads) == 1, page_reads

    form = {
        "csrf_token": _field(page.text, "csrf_token"),
        "idempotency_key": _field(page.text, "idempotency_key"),
    }
    with case_row_reads(engine) as action_reads:
        acted = await api.post(f"/console/cases/{reference}/actions/acknowledge", data=form)
    assert acted.status_code == 303, acted.text
    assert len(action_reads) == 1, action_reads

    # The action happened: the case page now shows the officer's acknowledgement.
    after = await api.get(acted.headers["location"])
    assert after.status_code == 200
    view = await api.get(f"/cases/{reference}", headers=auth("officer", "X"))
    assert view.json()["officer_id"] == "officer.x", view.json()
