"""The web edges of issue 22 over plain HTTP on the real stack: security headers, sign-out that
ends the session on the server, idle sessions, a /metrics that is not public and whose labels
stay bounded, and one staff-id vocabulary for every way in."""

from __future__ import annotations

import re
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import jwt
import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from temporalio.testing import WorkflowEnvironment

from api.observability import metrics_app
from contracts.search_attributes import CASE_OFFICER
from core.settings import Settings
from db.console_sessions import ConsoleSession
from db.staff import put_staff
from edge.auth import ALGORITHM, ISSUER, mint_token
from edge.deps import Services
from tests.api.conftest import Headers, report
from tests.api.test_console_http import _csrf, _sign_in
from web.app import create_app


def _session_cookie(set_cookie: str) -> str:
    found = re.search(r"asb_session=([^;]+)", set_cookie)
    assert found, set_cookie
    return found.group(1)


async def test_pages_and_answers_forbid_framing_sniffing_and_caching(
    api: httpx.AsyncClient, auth: Headers
) -> None:
    """A console page, an API answer with case data and /docs: no other site may frame them, no
    inline script runs, and nothing carrying personal data is cached; static bundles may be."""
    await _sign_in(api)
    opened = await api.post("/cases", json=report(), headers=auth())
    assert opened.status_code == 201, opened.text
    for path, headers in (
        ("/console/cases", {}),
        (f"/cases/{opened.json()['reference']}", auth()),
        ("/docs", {}),
        ("/console/sign-in", {}),
    ):
        answer = await api.get(path, headers=headers)
        assert answer.status_code == 200, (path, answer.text)
        csp = answer.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in csp, path
        assert "script-src 'self';" in csp and "unsafe-inline" not in csp, path
        assert answer.headers["x-frame-options"] == "DENY", path
        assert answer.headers["x-content-type-options"] == "nosniff", path
        assert answer.headers["referrer-policy"] == "no-referrer", path
        assert "camera=()" in answer.headers["permissions-policy"], path
        assert answer.headers["cache-control"] == "no-store", path
    bundle = await api.get("/assets/govuk/govuk-frontend.min.js")
    assert bundle.status_code == 200 and bundle.headers["x-content-type-options"] == "nosniff"
    assert "no-store" not in bundle.headers.get("cache-control", "")


async def test_console_pages_and_docs_carry_no_inline_script(api: httpx.AsyncClient) -> None:
    """The CSP allows no inline script: every script of a page is a served file."""
    await _sign_in(api)
    for path in ("/console/cases", "/console/new-report", "/docs", "/report/X"):
        page = await api.get(path)
        assert page.status_code == 200, path
        scripts = re.findall(r"<script([^>]*)>(.*?)</script>", page.text, re.S)
        assert scripts, path
        assert all("src=" in attributes and not body.strip() for attributes, body in scripts), path
        assert not re.search(r"\son[a-z]+=", page.text), path  # no inline event handlers
        assert not re.search(r"\sstyle=", page.text), path  # no inline styles


async def test_signing_out_ends_the_session_even_for_a_kept_cookie(api: httpx.AsyncClient) -> None:
    """Before: the cookie stayed valid for up to 8 hours after signing out."""
    kept = _session_cookie(await _sign_in(api))
    page = await api.get("/console/cases")
    assert page.status_code == 200
    signed_out = await api.post("/console/sign-out", data={"csrf_token": _csrf(page.text)})
    assert signed_out.status_code == 303

    api.cookies.set("asb_session", kept)  # someone kept a copy of the cookie
    replayed = await api.get("/console/cases")
    assert replayed.status_code == 303
    assert replayed.headers["location"].startswith("/console/sign-in")


async def test_an_idle_session_ends(
    api: httpx.AsyncClient, settings: Settings, sessions: async_sessionmaker[Any]
) -> None:
    """A session unused for ASB_CONSOLE_IDLE_MINUTES needs a new sign-in; a used one lives on."""
    await _sign_in(api)
    assert (await api.get("/console/cases")).status_code == 200
    idle = int(time.time()) - settings.console_idle_minutes * 60 - 5
    cookie = api.cookies["asb_session"]
    sid = jwt.decode(cookie, options={"verify_signature": False})["sid"]
    async with sessions() as session, session.begin():
        await session.execute(
            update(ConsoleSession)
            .where(ConsoleSession.session_hash == _digest(sid))
            .values(last_seen_at=idle)
        )
    left = await api.get("/console/cases")
    assert left.status_code == 303 and left.headers["location"].startswith("/console/sign-in")


def _digest(sid: str) -> str:
    import hashlib

    return hashlib.sha256(sid.encode()).hexdigest()


async def test_made_up_methods_are_counted_as_other(api: httpx.AsyncClient) -> None:
    """Before: 300 made-up methods added 300 label values (484 KB of /metrics)."""
    before = len((await api.get("/metrics")).content)
    for n in range(300):
        await api.request(f"X{uuid.uuid4().hex[:10].upper()}{n}", "/cases")
    text = (await api.get("/metrics")).text
    methods = {
        sample.labels["method"]
        for family in text_string_to_metric_families(text)
        if family.name == "asb_http_requests"
        for sample in family.samples
    }
    assert methods <= {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "other"}
    assert "other" in methods
    assert len(text.encode()) - before < 20_000  # a few series more, not 300


@pytest.fixture
async def app_for(
    dev_env: WorkflowEnvironment, engine: AsyncEngine, sessions: async_sessionmaker[Any]
) -> Any:
    def make(settings: Settings) -> httpx.AsyncClient:
        app = create_app(settings, Services(settings, dev_env.client, engine, sessions))
        return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")

    return make


async def test_metrics_need_the_scrapers_token(app_for: Any, settings: Settings) -> None:
    settings = Settings(**{**settings.model_dump(), "metrics_token": "scraper-token-for-tests"})
    async with app_for(settings) as client:
        refused = await client.get("/metrics")
        assert refused.status_code == 401
        assert "ASB_METRICS_TOKEN" in refused.json()["detail"]
        wrong = await client.get("/metrics", headers={"Authorization": "Bearer guess"})
        assert wrong.status_code == 401
        scraped = await client.get(
            "/metrics", headers={"Authorization": "Bearer scraper-token-for-tests"}
        )
        assert scraped.status_code == 200 and "asb_case_metrics_up" in scraped.text


async def test_production_publishes_no_metrics_without_a_token(
    app_for: Any, settings: Settings
) -> None:
    production = Settings(**{**settings.model_dump(), "environment": "production"})
    async with app_for(production) as client:
        answer = await client.get("/metrics")
        assert answer.status_code == 404 and "ASB_METRICS_TOKEN" in answer.json()["detail"]


async def test_metrics_on_their_own_port_leave_the_api_port(
    app_for: Any, settings: Settings
) -> None:
    """As deployed (compose, Kubernetes): Prometheus scrapes ASB_API_METRICS_ADDRESS, inside the
    network; the API port, which the proxy publishes, has no /metrics."""
    apart = Settings(**{**settings.model_dump(), "api_metrics_address": "127.0.0.1:9465"})
    async with app_for(apart) as client:
        assert (await client.get("/metrics")).status_code == 404
        listener = metrics_app(client._transport.app)  # type: ignore[attr-defined]
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=listener), base_url="http://metrics"
        ) as scraper:
            scraped = await scraper.get("/metrics")
            assert scraped.status_code == 200 and "asb_case_metrics_up 1.0" in scraped.text
            assert (await scraper.get("/cases")).status_code == 404  # metrics, nothing else


@pytest.mark.parametrize(
    "subject", ["sam.jones@landlord.example", "Sam Jones", "<b>sam</b>", "sam/../jones", ""]
)
async def test_a_token_whose_subject_is_not_a_staff_id_is_refused(
    api: httpx.AsyncClient, settings: Settings, subject: str
) -> None:
    """Before: any `sub` was accepted, and an email address became the CaseOfficer attribute."""
    now = datetime.now(UTC)
    token = jwt.encode(
        {"sub": subject, "roles": ["officer"], "landlord": "X", "iss": ISSUER, "iat": now,
         "exp": now + timedelta(hours=1)},
        settings.token_secret.get_secret_value(), algorithm=ALGORITHM,
    )  # fmt: skip
    answer = await api.post("/cases", json=report(), headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 401, answer.text
    assert "invalid token" in answer.json()["detail"]
    if subject:
        assert "staff id" in answer.json()["detail"]
    with pytest.raises(ValueError, match="staff id"):
        mint_token(settings, subject, ["officer"], "X")


async def test_the_directory_takes_no_email_address_as_a_staff_id(
    api: httpx.AsyncClient, auth: Headers
) -> None:
    """Before: PUT /staff/<email> was accepted, so a reassign could make an email address the
    CaseOfficer search attribute."""
    entry = {"display_name": "Sam Jones", "job_title": "ASB Officer",
             "phone": "01632 960 111", "email": "sam.jones@landlord.example"}  # fmt: skip
    answer = await api.put(
        "/staff/sam.jones@landlord.example", json=entry, headers=auth("supervisor")
    )
    assert answer.status_code == 422, answer.text
    assert (await api.put("/staff/sam.jones", json=entry, headers=auth("supervisor"))).is_success


async def test_the_development_sign_in_takes_only_a_staff_id(api: httpx.AsyncClient) -> None:
    page = await api.get("/console/sign-in")
    answer = await api.post(
        "/console/sign-in",
        data={"user_id": "sam@landlord.example", "role": "officer", "landlord": "X",
              "csrf_token": _csrf(page.text)},
    )  # fmt: skip
    assert answer.status_code == 422
    assert "Enter a staff id" in answer.text
    assert "asb_session" not in answer.headers.get("set-cookie", "")


async def test_an_email_address_never_becomes_the_case_officer(
    api: httpx.AsyncClient,
    auth: Headers,
    sessions: async_sessionmaker[Any],
    dev_env: WorkflowEnvironment,
) -> None:
    """Even a directory entry made before the rule (keyed by an email address) cannot be given a
    case: the CaseOfficer search attribute would hold the address in plaintext."""
    address = f"sam.{uuid.uuid4().hex[:6]}@landlord.example"
    async with sessions() as session, session.begin():
        await put_staff(session, "X", address, {
            "display_name": "Sam Jones", "job_title": "ASB Officer", "phone": "01632 960 111",
            "email": address,
        })  # fmt: skip
    supervisor = auth("supervisor")
    ref = (await api.post("/cases", json=report(), headers=supervisor)).json()["reference"]
    refused = await api.post(
        f"/cases/{ref}/actions/reassign", json={"officer_id": address}, headers=supervisor
    )
    assert refused.status_code == 422, refused.text
    assert "not a staff id" in refused.text
    described = await dev_env.client.get_workflow_handle(f"case-{ref}").describe()
    assert described.typed_search_attributes.get(CASE_OFFICER) is None
