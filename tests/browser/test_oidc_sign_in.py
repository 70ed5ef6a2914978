"""Console sign-in through the landlord's identity provider (issue 16), in Chromium: the sign-in
page sends the browser to a real OpenID Connect provider (tests/oidc/provider.mjs), which sends
it back with a code; the console exchanges it with the PKCE verifier, verifies the ID token and
opens the same session as the development sign-in. A person whose groups map to no role is told
why and gets no session."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
import uvicorn
from playwright.async_api import Browser, expect
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from temporalio.testing import WorkflowEnvironment

from core.settings import Settings
from db.staff import find_staff
from edge.deps import Services
from tests.browser.conftest import _listening_socket
from tests.browser.support import accessible
from tests.oidc.support import Provider, oidc_settings, person, running_provider
from web.app import create_app


@pytest.fixture(scope="module")
def provider() -> Iterator[Provider]:
    with running_provider() as running:
        yield running


@pytest.fixture(scope="module")
async def oidc_site(
    dev_env: WorkflowEnvironment,
    browser_database: tuple[AsyncEngine, async_sessionmaker[Any]],
    provider: Provider,
    tmp_path_factory: Any,
) -> AsyncIterator[str]:
    """The product with ASB_OIDC_* pointing at the provider (no worker: sign-in starts none)."""
    engine, sessions = browser_database
    sock = _listening_socket()
    settings = Settings(
        environment="development",
        data_dir=tmp_path_factory.mktemp("oidc-site"),
        **oidc_settings(provider.issuer),
    )
    app = create_app(settings, Services(settings, dev_env.client, engine, sessions))
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="on")
    )
    serve = asyncio.create_task(server.serve(sockets=[sock]))
    yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    server.should_exit = True
    await serve
    sock.close()


async def test_a_supervisor_signs_in_through_the_identity_provider(
    browser: Browser,
    oidc_site: str,
    provider: Provider,
    browser_database: tuple[AsyncEngine, async_sessionmaker[Any]],
) -> None:
    provider.sign_in_as(
        person("sam.patel", "asb-supervisors", "landlord-x", "all-staff",
               name="Sam Patel", email="sam.patel@landlord-x.example", jobTitle="ASB Team Lead")
    )  # fmt: skip
    page = await (await browser.new_context()).new_page()
    visited: list[str] = []
    page.on("request", lambda request: visited.append(request.url))

    await page.goto(f"{oidc_site}/console/cases")  # not signed in: to sign-in, to the provider

    await expect(page.locator("h1")).to_have_text("My cases")
    assert page.url == f"{oidc_site}/console/cases"
    authorize = next(url for url in visited if url.startswith(f"{provider.issuer}/authorize"))
    assert "code_challenge_method=S256" in authorize and "code_challenge=" in authorize
    # The console names people by the staff directory's display name, taken from the claims.
    await expect(page.get_by_text("Signed in as")).to_contain_text("Sam Patel (supervisor)")
    await accessible(page)
    await page.goto(f"{oidc_site}/console/escalations")  # a supervisor's page: the role holds
    await expect(page.locator("h1")).not_to_have_text("You cannot do this")
    _engine, sessions = browser_database
    async with sessions() as session:
        member = await find_staff(session, "X", "sam.patel")
    assert member is not None and (member.display_name, member.job_title) == (
        "Sam Patel", "ASB Team Lead",
    )  # fmt: skip


async def test_a_person_whose_groups_map_to_no_role_is_told_why(
    browser: Browser, oidc_site: str, provider: Provider
) -> None:
    provider.sign_in_as(person("fran.finance", "finance", "landlord-x", name="Fran"))
    context = await browser.new_context()
    page = await context.new_page()

    await page.goto(f"{oidc_site}/console/sign-in")

    await expect(page.locator("h1")).to_have_text("You cannot do this")
    await expect(page.locator("main")).to_contain_text("map to no role")
    await accessible(page)
    assert "asb_session" not in {cookie["name"] for cookie in await context.cookies()}
    await page.goto(f"{oidc_site}/console/cases")  # no session: through the provider again
    await expect(page.locator("h1")).to_have_text("You cannot do this")


async def test_the_development_sign_in_form_is_closed_when_a_provider_is_set(
    browser: Browser, oidc_site: str
) -> None:
    page = await (await browser.new_context()).new_page()
    answer = await page.request.post(
        f"{oidc_site}/console/sign-in",
        form={"user_id": "mallory", "role": "admin", "landlord": "X", "csrf_token": "t"},
        headers={"Cookie": "asb_csrf=t"},
    )
    assert answer.status == 403
