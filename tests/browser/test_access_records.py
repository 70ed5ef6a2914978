"""Issue 16 in the browser: the case page and the history are recorded; an admin reads the
records by case and by user (axe-clean, by keyboard); a restricted case is not found by an
officer who is not named on it, and opens for the named officer and a supervisor."""

from __future__ import annotations

from typing import Any

from playwright.async_api import Browser, expect
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from services.access import Reader
from services.restrictions import Reason, restrict
from tests.browser.support import accessible, report, signed_in


async def test_an_admin_reads_who_opened_the_case_page_and_its_history(
    browser: Browser, site: str
) -> None:
    officer = await signed_in(browser, site, "officer.acc", "officer", "X")
    ref = await report(officer, site)  # ends on the case page: one read
    await officer.goto(f"{site}/console/cases?who=all&q={ref}")  # the complainant's name shown
    await expect(officer.locator("main")).to_contain_text("Alex Resident")
    supervisor = await signed_in(browser, site, "supervisor.acc", "supervisor", "X")
    await supervisor.goto(f"{site}/console/cases/{ref}/history")
    await expect(supervisor.locator("h1")).to_have_text("Case history")

    # Officers and supervisors are not offered the page, and are refused it.
    await expect(supervisor.locator("a:has-text('Access records')")).to_have_count(0)
    refused = await supervisor.goto(f"{site}/console/access/cases/{ref}")
    assert refused is not None and refused.status == 403

    admin = await signed_in(browser, site, "admin.acc", "admin", "X")
    await admin.click("a:has-text('Access records')")
    await expect(admin.locator("h1")).to_have_text("Access records")
    await accessible(admin)
    await admin.focus("#case")  # by keyboard: type the reference, Enter sends the form
    await admin.keyboard.type(ref)
    await admin.keyboard.press("Enter")
    await expect(admin.locator("h1")).to_have_text(f"Who read case {ref}")
    await accessible(admin)
    rows = admin.locator("[data-testid=access-records] tbody tr")
    await expect(rows.filter(has_text="supervisor.acc")).to_contain_text(
        "Console: the case history"
    )
    by_officer = rows.filter(has_text="officer.acc")
    await expect(by_officer.filter(has_text="Console: the case page")).to_have_count(1)
    await expect(by_officer.first).to_contain_text("Console: My cases")  # newest first
    await admin.locator("a:has-text('officer.acc')").first.focus()
    await admin.keyboard.press("Enter")
    await expect(admin.locator("h1")).to_have_text("Cases officer.acc read")
    await accessible(admin)
    mine = admin.locator("[data-testid=access-records] tbody tr", has_text=ref)
    await expect(mine.filter(has_text="Console: the case page")).not_to_have_count(0)
    await expect(mine.filter(has_text="Console: My cases")).not_to_have_count(0)

    await admin.goto(f"{site}/console/access?case=not%20a%20reference")
    await expect(admin.locator(".govuk-error-summary")).to_contain_text("Enter a case reference")
    await accessible(admin)


async def test_a_restricted_case_is_not_found_by_an_officer_not_named_on_it(
    browser: Browser, site: str, browser_database: tuple[AsyncEngine, async_sessionmaker[Any]]
) -> None:
    _, sessions = browser_database
    officer = await signed_in(browser, site, "officer.named", "officer", "X")
    ref = await report(officer, site)
    supervisor = Reader("supervisor.acc", ("supervisor",), "X")
    await restrict(sessions, supervisor, ref, Reason.DOMESTIC_ABUSE, ["officer.named"])

    other = await signed_in(browser, site, "officer.other", "officer", "X")
    missing = await other.goto(f"{site}/console/cases/{ref}")
    assert missing is not None and missing.status == 404
    await expect(other.locator("h1")).to_have_text("Page not found")
    await accessible(other)
    for listing in (f"/console/cases?who=all&q={ref}", "/console/cases?who=all"):
        await other.goto(f"{site}{listing}")
        await expect(other.locator("main")).not_to_contain_text(ref)
    history = await other.goto(f"{site}/console/cases/{ref}/history")
    assert history is not None and history.status == 403  # an officer: not a supervisor page

    await officer.goto(f"{site}/console/cases?who=all&q={ref}")
    await expect(officer.locator("main")).to_contain_text(ref)
    await officer.goto(f"{site}/console/cases/{ref}")
    await expect(officer.locator("h1")).to_have_text(f"Case {ref}")
    boss = await signed_in(browser, site, "supervisor.acc", "supervisor", "X")
    await boss.goto(f"{site}/console/cases/{ref}/history")
    await expect(boss.locator("h1")).to_have_text("Case history")
