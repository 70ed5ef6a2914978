"""The real stack behind the HTTP API: dev server, worker, database; tokens for every role."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from temporalio.testing import WorkflowEnvironment

from core.settings import Settings
from db.staff import seed_staff
from domain.policy import known_landlords
from edge.auth import ROLES, Role, mint_token
from edge.deps import Services
from web.app import create_app
from workers.build import build_worker

Headers = Callable[..., dict[str, str]]


@pytest.fixture
def settings(task_queue: str, tmp_path: Path) -> Settings:
    return Settings(task_queue=task_queue, data_dir=tmp_path, intake_per_minute=3)


@pytest.fixture
async def api(
    dev_env: WorkflowEnvironment,
    engine: AsyncEngine,
    sessions: async_sessionmaker[Any],
    settings: Settings,
) -> AsyncIterator[httpx.AsyncClient]:
    # The development directory, plus the users the `auth` tokens act as (role.landlord).
    tokens = [token_user(f"{role}.{code.lower()}") for role in ROLES for code in known_landlords()]
    await seed_staff(sessions, known_landlords(), tokens)
    app = create_app(settings, Services(settings, dev_env.client, engine, sessions))
    async with build_worker(dev_env.client, settings, sessions):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
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
