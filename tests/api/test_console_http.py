"""The console's edges over plain HTTP: session cookie, CSRF, rate limit, offline /docs."""

from __future__ import annotations

import asyncio
import re
import uuid

import httpx

from core.settings import Settings
from edge.deps import Services
from web.app import create_app


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "the page has no CSRF token"
    return found.group(1)


async def _sign_in(api: httpx.AsyncClient, landlord: str = "X", role: str = "officer") -> str:
    page = await api.get("/console/sign-in")
    response = await api.post(
        "/console/sign-in",
        data={"user_id": f"{role}.h", "role": role, "landlord": landlord,
              "csrf_token": _csrf(page.text)},
    )  # fmt: skip
    assert response.status_code == 303, response.text
    return response.headers["set-cookie"]


async def _open_cases(api: httpx.AsyncClient) -> int:
    listed = await api.get("/console/cases?who=all")
    found = re.search(r'data-testid="showing">(\d+) case', listed.text)
    assert found, listed.text
    return int(found.group(1))


async def test_the_session_cookie_is_http_only_and_same_site_lax(api: httpx.AsyncClient) -> None:
    cookie = (await _sign_in(api)).lower()
    assert "httponly" in cookie and "samesite=lax" in cookie
    assert "secure" not in cookie  # development serves plain HTTP on 127.0.0.1
    page = await api.get("/console/cases")
    assert page.status_code == 200 and "Connexus Homes" in page.text


async def test_a_stage_filter_outside_the_stage_machine_is_a_clear_error(
    api: httpx.AsyncClient,
) -> None:
    await _sign_in(api)
    page = await api.get("/console/cases?who=all&stage=investigating")
    assert page.status_code == 422
    assert "Choose a stage: received, risk_assessment" in page.text
    assert (await api.get("/console/cases?who=all&stage=investigation")).status_code == 200


async def test_a_session_cookie_is_secure_outside_development(
    api: httpx.AsyncClient, settings: Settings
) -> None:
    settings.environment = "test"
    # Secure cookies travel over HTTPS only, as they will in front of a real deployment.
    async with httpx.AsyncClient(transport=api._transport, base_url="https://test") as secure:
        assert "secure" in (await _sign_in(secure)).lower()


async def test_a_form_without_the_sessions_csrf_token_is_refused_and_changes_nothing(
    api: httpx.AsyncClient,
) -> None:
    await _sign_in(api)
    before = await _open_cases(api)
    new = await api.get("/console/new-report")
    body = {"channel": "phone", "categories": "noise", "description": "Loud music",
            "name": "Alex", "idempotency_key": uuid.uuid4().hex}  # fmt: skip
    forged = await api.post("/console/new-report", data={**body, "csrf_token": "forged"})
    assert forged.status_code == 403
    assert "expired" in forged.text
    assert await _open_cases(api) == before
    made = await api.post("/console/new-report", data={**body, "csrf_token": _csrf(new.text)})
    assert made.status_code == 201, made.text


async def test_signing_in_needs_the_forms_token(api: httpx.AsyncClient) -> None:
    response = await api.post(
        "/console/sign-in", data={"user_id": "x", "role": "officer", "landlord": "X"}
    )
    assert response.status_code == 403
    assert "asb_session" not in response.headers.get("set-cookie", "")


async def test_pages_need_a_session_and_supervisor_pages_a_supervisor(
    api: httpx.AsyncClient,
) -> None:
    response = await api.get("/console/cases")
    assert response.status_code == 303
    assert response.headers["location"].startswith("/console/sign-in")
    await _sign_in(api)
    assert (await api.get("/console/escalations")).status_code == 403
    assert (await api.get("/console/reports/caseload.csv")).status_code == 403


async def test_the_public_form_is_rate_limited_per_address(api: httpx.AsyncClient) -> None:
    page = await api.get("/report/X")
    body = {"csrf_token": _csrf(page.text), "categories": "noise",
            "description": "Shouting on the landing", "anonymous": "on"}  # fmt: skip
    statuses = []
    for n in range(4):  # the api fixture allows 3 a minute
        statuses.append(
            (
                await api.post(
                    "/report/X", data={**body, "idempotency_key": f"{uuid.uuid4().hex}-{n}"}
                )
            ).status_code
        )
    assert statuses == [201, 201, 201, 429]


async def test_docs_load_nothing_from_another_origin(settings: Settings) -> None:
    app = create_app(settings, Services(settings, None, None, None))  # type: ignore[arg-type]
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as client:
        for path in ("/docs", "/console/sign-in", "/report/X"):
            page = await client.get(path)
            assert page.status_code == 200, path
            assert not re.search(r'(src|href)="(https?:)?//', page.text), path
        for asset in (
            "/assets/swagger-ui/swagger-ui-bundle.js",
            "/assets/govuk/govuk-frontend.min.css",
            "/assets/fonts/light-94a07e06a1-v2.woff2",
        ):
            assert (await client.get(asset)).status_code == 200, asset


def _key_in(html: str) -> str:
    found = re.search(r'name="idempotency_key" value="([^"]*)"', html)
    assert found, "the form has no idempotency key"
    return found.group(1)


async def test_the_report_form_with_a_used_key_and_another_report_is_refused_at_once(
    api: httpx.AsyncClient,
) -> None:
    """Issue 13, point 3 through the console: the form sent again with its key (the Back button)
    but another report is refused, at once and naming the key, and opens nothing; the form it
    comes back with carries a new key, so sending that report again opens it."""
    await _sign_in(api)
    page = await api.get("/console/new-report")
    csrf, key = _csrf(page.text), _key_in(page.text)
    first = {"channel": "phone", "categories": "noise", "description": "Loud music",
             "name": "Alex", "idempotency_key": key, "csrf_token": csrf}  # fmt: skip
    made = await api.post("/console/new-report", data=first)
    assert made.status_code == 201, made.text
    before = await _open_cases(api)
    other = {**first, "description": "Shouting in the stairwell", "name": "Jo"}

    refused = await asyncio.wait_for(api.post("/console/new-report", data=other), 20.0)

    assert refused.status_code == 422, refused.text
    assert "already been sent with different details" in refused.text
    assert 'href="#Idempotency-Key"' not in refused.text  # no link to a field the page lacks
    assert await _open_cases(api) == before
    fresh = _key_in(refused.text)
    assert fresh != key
    again = await api.post("/console/new-report", data={**other, "idempotency_key": fresh})
    assert again.status_code == 201, again.text
    assert await _open_cases(api) == before + 1


async def test_the_public_form_with_a_used_key_and_another_report_is_refused_at_once(
    api: httpx.AsyncClient,
) -> None:
    """The same on the residents' form: a refusal naming nothing they cannot see, a new key."""
    page = await api.get("/report/X")
    csrf, key = _csrf(page.text), _key_in(page.text)
    first = {"categories": "noise", "description": "Loud music every night", "name": "Alex",
             "address": "1 High Street, AB1 2CD", "preferred_channel": "post",
             "idempotency_key": key, "csrf_token": csrf}  # fmt: skip
    made = await api.post("/report/X", data=first)
    assert made.status_code == 201, made.text
    other = {**first, "description": "Shouting in the stairwell"}

    refused = await asyncio.wait_for(api.post("/report/X", data=other), 20.0)

    assert refused.status_code == 422, refused.text
    assert "already been sent with different details" in refused.text
    fresh = _key_in(refused.text)
    assert fresh != key
    again = await api.post("/report/X", data={**other, "idempotency_key": fresh})
    assert again.status_code == 201, again.text
