"""The real stack behind the HTTP API: dev server, worker, database; tokens for every role."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from temporalio.testing import WorkflowEnvironment

from contracts.case import workflow_id
from core.policies import known_landlords
from core.settings import Settings
from db.staff import seed_staff
from edge.auth import ROLES, Role, mint_token
from edge.deps import Services
from tests.workflow.support import settle
from web.app import create_app
from workers.build import build_worker

Headers = Callable[..., dict[str, str]]


@pytest.fixture
def settings(task_queue: str, tmp_path: Path) -> Settings:
    return Settings(task_queue=task_queue, data_dir=tmp_path, intake_per_minute=3)


@pytest.fixture
def settles() -> bool:
    """Whether each POST about a case waits until the case has sent its letters (a test of a
    mail outage overrides it: they cannot go until the relay is back)."""
    return True


@pytest.fixture
async def api(
    dev_env: WorkflowEnvironment,
    engine: AsyncEngine,
    sessions: async_sessionmaker[Any],
    settings: Settings,
    settles: bool,
) -> AsyncIterator[httpx.AsyncClient]:
    # The development directory, plus the users the `auth` tokens act as (role.landlord).
    tokens = [token_user(f"{role}.{code.lower()}") for role in ROLES for code in known_landlords()]
    await seed_staff(sessions, known_landlords(), tokens)
    app = create_app(settings, Services(settings, dev_env.client, engine, sessions))

    async def sent(response: httpx.Response) -> None:
        """Letters go out in the background once an action has answered (issue 22): a test
        reads them once the case has sent what the request recorded."""
        path = response.request.url.path.split("/")
        if settles and response.request.method == "POST" and path[1:2] == ["cases"]:
            reference = path[2] if len(path) > 2 else None
            if reference is None and response.status_code == 201:
                await response.aread()
                reference = response.json().get("reference")
            if reference:
                await settle(dev_env.client.get_workflow_handle(workflow_id(reference)))

    async with build_worker(dev_env.client, settings, sessions):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://test", event_hooks={"response": [sent]}
        ) as client:
            yield client


@pytest.fixture
def auth(settings: Settings) -> Headers:
    def headers(role: Role = "officer", landlord: str = "X", user: str | None = None) -> dict:
        token = mint_token(settings, user or f"{role}.{landlord.lower()}", [role], landlord)
        return {"Authorization": f"Bearer {token}"}

    return headers


def token_user(staff_id: str) -> dict[str, Any]:
    name = staff_id.split(".")[0].capitalize()
    return {"staff_id": staff_id, "display_name": f"Test {name}", "job_title": name,
            "phone": "01632 960 999", "email": f"{staff_id}@asb.example"}  # fmt: skip


def report(landlord: str = "X", **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "landlord": landlord,
        "categories": ["noise"],
        "description": "Loud music every night after midnight.",
        "channel": "phone",
        "parties": [
            {"role": "complainant", "name": "Alex Resident", "address": "1 High Street, AB1 2CD",
             "email": "alex@example.org", "preferred_channel": "email"},
            {"role": "alleged_perpetrator", "name": "Sam Neighbour",
             "address": "2 High Street, AB1 2CD"},
        ],
    }  # fmt: skip
    body.update(overrides)
    return body
