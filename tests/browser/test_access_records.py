"""Issue 16 in the browser: the case page and the history are recorded; an admin reads the
records by case and by user (axe-clean, by keyboard); a supervisor restricts a case, which an
officer not named on it cannot find, and which opens for the named officer and a supervisor."""

from __future__ import annotations

from playwright.async_api import Browser, expect

from tests.browser.support import accessible, follow, navigated, report, signed_in


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
    await follow(admin, "a:has-text('Access records')", "Access records")
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


async def test_a_supervisor_restricts_a_case_and_an_officer_not_named_cannot_find_it(
    browser: Browser, site: str
) -> None:
    officer = await signed_in(browser, site, "officer.named", "officer", "X")
    ref = await report(officer, site)
    await expect(officer.locator("[data-testid=restrict]")).to_have_count(0)  # supervisors only

    boss = await signed_in(browser, site, "supervisor.acc", "supervisor", "X")
    await boss.goto(f"{site}/console/cases/{ref}")
    await expect(boss.locator("[data-testid=restriction]")).to_contain_text("Not restricted")
    await boss.click("summary:has-text('Restrict this case')")
    await boss.select_option("#restriction-reason", "domestic_abuse")
    await boss.fill("#restriction-users", "officer.named, nobody.here")
    await navigated(boss.locator("button:has-text('Restrict the case')"))
    # Refused: the error summary names the unknown user, and nothing is restricted.
    await expect(boss.locator(".govuk-error-summary")).to_contain_text("nobody.here")
    await expect(boss.locator("[data-testid=restriction]")).to_contain_text("Not restricted")
    await accessible(boss)
    await boss.fill("#restriction-users", "officer.named")
    await boss.locator("#restriction-users").press("Enter")  # by keyboard
    await expect(boss.locator("[data-testid=restriction]")).to_contain_text(
        "Only officer.named and the landlord's supervisors can open it"
    )
    await expect(boss.locator("[data-testid=timeline]")).to_contain_text("Case restricted")
    await accessible(boss)

    other = await signed_in(browser, site, "officer.other", "officer", "X")
    missing = await other.goto(f"{site}/console/cases/{ref}")
    assert missing is not None and missing.status == 404
    await expect(other.locator("h1")).to_have_text("Page not found")
    await accessible(other)
    for listing in (f"/console/cases?who=all&q={ref}", "/console/cases?who=all"):
        await other.goto(f"{site}{listing}")
        await expect(other.locator("main")).not_to_contain_text(ref)

    await officer.goto(f"{site}/console/cases?who=all&q={ref}")
    await expect(officer.locator("main")).to_contain_text(ref)
    await officer.goto(f"{site}/console/cases/{ref}")
    await expect(officer.locator("h1")).to_have_text(f"Case {ref}")
    await boss.goto(f"{site}/console/cases/{ref}/history")
    await expect(boss.locator("h1")).to_have_text("Case history")

    await boss.goto(f"{site}/console/cases/{ref}")
    await boss.click("summary:has-text('Change who may open this case')")
    await navigated(boss.locator("button:has-text('Lift the restriction')"))
    await expect(boss.locator("[data-testid=restriction]")).to_contain_text("Not restricted")
    opened = await other.goto(f"{site}/console/cases/{ref}")
    assert opened is not None and opened.status == 200
