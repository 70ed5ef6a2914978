"""Outages lose nothing (issue 22): while the database is write-locked, locked or unreachable, or
Temporal is stopped, every request gets a 503 with Retry-After (a page in plain English on the
console), ``/readyz`` names what is down, the public intake stays ready and keeps each report
in its outbox, and when the part is back the outbox opens each kept report's case exactly once,
even when a drain is repeated after a crash."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import socket
import sqlite3
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from contracts.case import workflow_id
from contracts.search_attributes import ALL as SEARCH_ATTRIBUTES
from core.policies import known_landlords
from core.settings import Settings
from db.engine import create_engine, session_factory
from db.migrate import upgrade_async
from db.models import ReportDetails
from db.staff import seed_staff
from edge.auth import ROLES, mint_token
from edge.deps import Services
from edge.outbox import drain
from tests.api.conftest import report, token_user
from tests.conftest import (
    CONVERTER,
    _binary,
    _create_postgres_database,
    _drop_postgres_database,
    postgres_reachable,
)
from web.app import create_app
from workers.build import build_worker

WAIT = timedelta(seconds=10)


def _story(what: str) -> str:
    """A report's narrative, unique to this test run (the record may be shared)."""
    return f"{what} ({os.urandom(4).hex()})"


def _public(description: str) -> dict[str, Any]:
    body = report("X", description=description)
    del body["channel"]
    return body


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "the page has no CSRF token"
    return found.group(1)


async def _database(url: str) -> tuple[AsyncEngine, async_sessionmaker[Any]]:
    await upgrade_async(url)
    engine = create_engine(url)
    sessions = session_factory(engine)
    tokens = [token_user(f"{role}.{code.lower()}") for role in ROLES for code in known_landlords()]
    await seed_staff(sessions, known_landlords(), tokens)
    return engine, sessions


def _settings(tmp_path: Path, task_queue: str) -> Settings:
    return Settings(task_queue=task_queue, data_dir=tmp_path, intake_per_minute=100)


def _officer(settings: Settings) -> dict[str, str]:
    return {"Authorization": f"Bearer {mint_token(settings, 'officer.x', ['officer'], 'X')}"}


async def _reports(sessions: async_sessionmaker[Any], reference: str | None = None) -> int:
    query = select(func.count()).select_from(ReportDetails)
    if reference is not None:
        query = query.where(ReportDetails.reference == reference)
    async with sessions() as session:
        return int(await session.scalar(query) or 0)


async def _same_report(sessions: async_sessionmaker[Any], description: str) -> int:
    """How many recorded reports tell this story: more than one is a report opened twice."""
    query = select(func.count()).where(ReportDetails.description == description)
    async with sessions() as session:
        return int(await session.scalar(query) or 0)


async def _runs(client: Client, reference: str) -> int:
    """The case's workflow runs, once the server's visibility index has caught up."""
    query = f'WorkflowId = "{workflow_id(reference)}"'
    deadline = asyncio.get_running_loop().time() + 30
    while True:
        runs = len([w async for w in client.list_workflows(query)])
        if runs or asyncio.get_running_loop().time() > deadline:
            return runs
        await asyncio.sleep(0.1)  # polling the index, not waiting for time to pass


def _outage_answer(response: httpx.Response) -> None:
    """A 503 with Retry-After, and JSON for the API; never another 5xx."""
    assert response.status_code == 503, (response.request.url, response.text[-500:])
    assert int(response.headers["Retry-After"]) > 0


async def _submit_form(api: httpx.AsyncClient, description: str) -> httpx.Response:
    page = await api.get("/report/X")
    assert page.status_code == 200
    form = {"csrf_token": _csrf(page.text), "categories": "noise", "description": description,
            "anonymous": "on", "idempotency_key": os.urandom(8).hex()}  # fmt: skip
    return await api.post("/report/X", data=form)


async def _kept_then_opened_once(
    app: Any, svc: Services, api: httpx.AsyncClient, client: Client, kept: dict[str, str]
) -> None:
    """Drain, then drain again as after a crash that left the files behind: each kept report
    is one recorded report and one workflow, under the reference the resident was given."""
    copy = _copy_outbox(svc)
    assert await drain(app, svc) == len(kept)
    await _opened_once_after_a_crash(app, svc, api, client, kept, copy)


def _waiting(outbox: Path) -> list[Path]:
    return list(outbox.glob("*.json"))


def _restore(copy: Path, outbox: Path) -> None:
    for path in copy.glob("*.json"):
        shutil.copy(path, outbox / path.name)


def _copy_outbox(svc: Services) -> Path:
    copy = svc.settings.data_dir / "outbox-copy"
    shutil.copytree(svc.settings.data_dir / "outbox", copy)
    return copy


async def _opened_once_after_a_crash(
    app: Any,
    svc: Services,
    api: httpx.AsyncClient,
    client: Client,
    kept: dict[str, str],
    copy: Path,
) -> None:
    """``kept``: each reference the resident was given, and the story they told."""
    outbox = svc.settings.data_dir / "outbox"
    assert _waiting(outbox) == []
    _restore(copy, outbox)  # the crash: the cases opened, the files not removed
    assert await drain(app, svc) == len(kept)
    assert _waiting(outbox) == [] and not (outbox / "refused").exists()
    for reference, description in kept.items():
        assert await _reports(svc.sessions, reference) == 1
        assert await _same_report(svc.sessions, description) == 1
        assert await _runs(client, reference) == 1
        case = await api.get(f"/cases/{reference}", headers=_officer(svc.settings))
        assert case.status_code == 200, case.text
        assert case.json()["reference"] == reference


async def test_a_sqlite_write_lock_is_a_prompt_503_and_public_reports_are_kept(
    dev_env: WorkflowEnvironment, tmp_path: Path, task_queue: str
) -> None:
    """Before: 500 after 31 s (the lock unwrapped to sqlite3's own error), /readyz 'ok'."""
    path = tmp_path / "asb.db"
    engine, sessions = await _database(f"sqlite+aiosqlite:///{path}")
    settings = _settings(tmp_path, task_queue)
    svc = Services(settings, dev_env.client, engine, sessions, wait=WAIT)
    app = create_app(settings, svc)
    transport = httpx.ASGITransport(app=app)
    try:
        async with (
            build_worker(dev_env.client, settings, sessions),
            httpx.AsyncClient(transport=transport, base_url="http://test") as api,
        ):
            opened = await api.post("/cases", json=report("X"), headers=_officer(settings))
            assert opened.status_code == 201, opened.text
            reference = opened.json()["reference"]
            before = await _reports(sessions)
            holder = sqlite3.connect(path, isolation_level=None)
            holder.execute("BEGIN IMMEDIATE")  # another process holds the write lock
            try:
                staff = await api.post("/cases", json=report("X"), headers=_officer(settings))
                _outage_answer(staff)
                assert "database" in staff.json()["detail"]
                plan = {"agreed_contact_interval_days": 7, "summary_ref": "plan-1"}
                keyed = {**_officer(settings), "Idempotency-Key": os.urandom(8).hex()}
                acted = await api.post(
                    f"/cases/{reference}/actions/agree_action_plan", json=plan, headers=keyed
                )
                _outage_answer(acted)
                ready = await api.get("/readyz")
                _outage_answer(ready)
                assert ready.json()["database"] == "unreachable"
                intake = await api.get("/readyz/intake")
                assert intake.status_code == 200, intake.text
                stories = [_story("Shouting on the stairs"), _story("Loud parties upstairs")]
                kept = await api.post("/public/reports", json=_public(stories[0]))
                assert kept.status_code == 202, kept.text
                assert kept.json()["kept"] is True
                form = await _submit_form(api, stories[1])
                assert form.status_code == 202, form.text[-800:]
                assert "kept it safely" in form.text
                form_reference = re.search(r'data-testid="reference">([^<]+)<', form.text)
                assert form_reference is not None
            finally:
                holder.rollback()
                holder.close()
            assert await _reports(sessions) == before  # nothing half-written
            kept_refs = [kept.json()["reference"], form_reference.group(1)]
            await _kept_then_opened_once(
                app, svc, api, dev_env.client, dict(zip(kept_refs, stories, strict=True))
            )
            assert await _reports(sessions) == before + 2
            assert (await api.get("/readyz")).status_code == 200
    finally:
        await engine.dispose()


async def test_a_console_page_in_a_database_outage_is_a_plain_503_page(
    dev_env: WorkflowEnvironment,
    engine: AsyncEngine,
    sessions: async_sessionmaker[Any],
    tmp_path: Path,
    task_queue: str,
) -> None:
    settings = _settings(tmp_path, task_queue)
    # Signed in while the database answers (the session is kept there, issue 22)...
    up = create_app(settings, Services(settings, dev_env.client, engine, sessions))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=up), base_url="http://test"
    ) as before:
        page = await before.get("/console/sign-in")
        signed = await before.post("/console/sign-in", data={
            "user_id": "officer.x", "role": "officer", "landlord": "X",
            "csrf_token": _csrf(page.text)})  # fmt: skip
        assert signed.status_code == 303
        cookies = before.cookies
    with socket.socket() as sock:  # ...then it is gone: bound, never listening, refused
        sock.bind(("127.0.0.1", 0))
        down = create_engine(f"postgresql+asyncpg://postgres@127.0.0.1:{sock.getsockname()[1]}/x")
        app = create_app(settings, Services(settings, dev_env.client, down, session_factory(down)))
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://test", cookies=cookies
        ) as api:
            cases = await api.get("/console/cases")
            _outage_answer(cases)
            assert "text/html" in cases.headers["content-type"]
            assert "Try again in a few minutes" in cases.text
            assert "database" not in cases.text.lower()  # no developer words
            form = await _submit_form(api, _story("Graffiti on the bin store"))
            assert form.status_code == 202 and "kept it safely" in form.text
            intake = await api.get("/readyz/intake")
            assert intake.status_code == 200 and intake.json()["waiting"] == 1
        await down.dispose()


@pytest.fixture
async def postgres() -> AsyncIterator[tuple[str, str]]:
    if not postgres_reachable():
        pytest.skip("PostgreSQL is not running on 127.0.0.1:5432")  # CI always has it
    name, url = await _create_postgres_database()
    yield name, url
    await _drop_postgres_database(name)


@pytest.mark.postgres
async def test_a_locked_postgresql_table_is_a_503_within_the_lock_timeout_and_reports_are_kept(
    dev_env: WorkflowEnvironment, tmp_path: Path, task_queue: str, postgres: tuple[str, str]
) -> None:
    name, url = postgres
    engine, sessions = await _database(url)
    settings = _settings(tmp_path, task_queue)
    svc = Services(settings, dev_env.client, engine, sessions, wait=WAIT)
    app = create_app(settings, svc)
    transport = httpx.ASGITransport(app=app)
    try:
        async with (
            build_worker(dev_env.client, settings, sessions),
            httpx.AsyncClient(transport=transport, base_url="http://test") as api,
        ):
            before = await _reports(sessions)
            locker = await asyncpg.connect(f"postgresql://postgres@127.0.0.1:5432/{name}")
            transaction = locker.transaction()
            await transaction.start()
            await locker.execute("LOCK TABLE report_details IN ACCESS EXCLUSIVE MODE")
            try:
                staff = await api.post("/cases", json=report("X"), headers=_officer(settings))
                _outage_answer(staff)
                story = _story("Dogs barking all day")
                kept = await api.post("/public/reports", json=_public(story))
                assert kept.status_code == 202, kept.text
            finally:
                await transaction.rollback()
                await locker.close()
            assert await _reports(sessions) == before
            kept_refs = {kept.json()["reference"]: story}
            await _kept_then_opened_once(app, svc, api, dev_env.client, kept_refs)
    finally:
        await engine.dispose()


async def _drained(api: httpx.AsyncClient) -> None:
    """Ask the intake's readiness until no report waits (the API drains by itself), or fail."""
    deadline = asyncio.get_running_loop().time() + 120
    while (await api.get("/readyz/intake")).json()["waiting"]:
        assert asyncio.get_running_loop().time() < deadline, "the outbox was never drained"
        await asyncio.sleep(0.2)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def _dev_server(port: int, db_file: Path) -> WorkflowEnvironment:
    return await WorkflowEnvironment.start_local(
        port=port,
        dev_server_existing_path=_binary("temporal"),
        dev_server_database_filename=str(db_file),
        data_converter=CONVERTER,
        search_attributes=SEARCH_ATTRIBUTES,
    )


async def _back_on(port: int, db_file: Path) -> WorkflowEnvironment:
    """The server started again on the port it had: the port may take a moment to be free
    after the last one stopped (its listener still closing), so starting is retried until then."""
    deadline = asyncio.get_running_loop().time() + 120
    while True:
        try:
            return await _dev_server(port, db_file)
        except RuntimeError:
            if asyncio.get_running_loop().time() > deadline:
                raise
            await asyncio.sleep(0.5)


@pytest.mark.parametrize("same_history", [True, False], ids=["same-db-file", "fresh-server"])
async def test_reports_kept_while_temporal_is_stopped_open_once_when_it_is_back(
    engine: AsyncEngine,
    sessions: async_sessionmaker[Any],
    tmp_path: Path,
    task_queue: str,
    same_history: bool,
) -> None:
    port = _free_port()
    server = await _dev_server(port, tmp_path / "temporal.db")
    client = await Client.connect(f"127.0.0.1:{port}", data_converter=CONVERTER, lazy=True)
    settings = _settings(tmp_path, task_queue)
    tokens = [token_user(f"{role}.{code.lower()}") for role in ROLES for code in known_landlords()]
    await seed_staff(sessions, known_landlords(), tokens)
    svc = Services(settings, client, engine, sessions, wait=WAIT)
    app = create_app(settings, svc)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as api:
        await server.shutdown()  # Temporal stops
        staff = await api.post("/cases", json=report("X"), headers=_officer(settings))
        _outage_answer(staff)
        ready = await api.get("/readyz")
        _outage_answer(ready)
        assert ready.json()["temporal"] == "unreachable" and ready.json()["database"] == "ok"
        intake = await api.get("/readyz/intake")
        assert intake.status_code == 200 and intake.json()["temporal"] == "unreachable"
        stories = [_story("Fireworks in the car park"), _story("Youths on the roof")]
        kept = await api.post("/public/reports", json=_public(stories[0]))
        assert kept.status_code == 202 and kept.json()["kept"] is True, kept.text
        form = await _submit_form(api, stories[1])
        assert form.status_code == 202 and "kept it safely" in form.text
        form_reference = re.search(r'data-testid="reference">([^<]+)<', form.text)
        assert form_reference is not None
        references = {kept.json()["reference"]: stories[0], form_reference.group(1): stories[1]}
        copy = _copy_outbox(svc)
        db_file = tmp_path / ("temporal.db" if same_history else "temporal-new.db")
        server = await _back_on(port, db_file)  # back, on the same address
        try:
            worker_client = await Client.connect(f"127.0.0.1:{port}", data_converter=CONVERTER)
            async with build_worker(worker_client, settings, sessions):
                # The running API drains by itself (the intake router's lifespan).
                async with app.router.lifespan_context(app):
                    await _drained(api)
                await _opened_once_after_a_crash(app, svc, api, client, references, copy)
        finally:
            await server.shutdown()
