"""A resident on a phone, an officer on the keyboard alone, and a form sent twice."""

from __future__ import annotations

import re

from playwright.async_api import Browser, Page, expect

from tests.browser.support import accessible, follow, report, signed_in

PHONE = {"viewport": {"width": 375, "height": 812}, "is_mobile": True, "has_touch": True}


async def test_a_resident_reports_anonymously_on_a_375_pixel_screen(
    browser: Browser, site: str
) -> None:
    page = await (await browser.new_context(**PHONE)).new_page()
    await page.goto(f"{site}/report")
    await accessible(page)
    await follow(page, "a:has-text('Connexus Homes')", re.compile("Connexus Homes"))
    await accessible(page)
    await page.check("#categories-noise")
    await page.fill("#description", "Shouting and loud music on the landing every night.")
    await page.check("#anonymous")
    await follow(page, "button:has-text('Send report')", "Report received")
    await accessible(page)
    reference = await page.locator("[data-testid=reference]").inner_text()
    assert re.fullmatch(r"ASB-\d{4}-[0-9A-F]{8}", reference.strip())
    await expect(page.locator("[data-testid=next]")).to_contain_text("anonymously")
    # Nobody can contact an anonymous reporter, so no contact date is promised (R8).
    await expect(page.locator("[data-testid=steps]")).to_have_count(0)
    # Mobile-first: nothing wider than the screen.
    assert await page.evaluate("document.documentElement.scrollWidth") <= 375

    officer = await signed_in(browser, site, "officer.anon", "officer", "X")
    await officer.goto(f"{site}/console/cases/{reference.strip()}")
    await expect(officer.locator("[data-testid=parties]")).to_contain_text("Anonymous")
    await expect(officer.locator("[data-testid=summary]")).to_contain_text("by Web")


async def _tab_to(page: Page, selector: str, limit: int = 200) -> None:
    """Press Tab until the element matching ``selector`` has the focus."""
    for _ in range(limit):
        await page.keyboard.press("Tab")
        if await page.evaluate("s => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} cannot be reached with the Tab key")


async def test_an_officer_signs_in_reports_and_acts_with_the_keyboard_alone(
    browser: Browser, site: str
) -> None:
    page = await (await browser.new_context()).new_page()
    await page.goto(f"{site}/console/sign-in")
    await _tab_to(page, "#user_id")
    await page.keyboard.type("officer.keys")
    await _tab_to(page, "#landlord")
    await page.keyboard.type("Connexus")  # a select jumps to the typed option
    await _tab_to(page, "button[type=submit]")
    await page.keyboard.press("Enter")
    await expect(page.locator("h1")).to_have_text("My cases")

    await _tab_to(page, "a[href='/console/new-report']")
    await page.keyboard.press("Enter")
    await expect(page.locator("h1")).to_have_text("New report")
    await _tab_to(page, "#categories-noise")
    await page.keyboard.press("Space")
    await _tab_to(page, "#description")
    await page.keyboard.type("Loud music every night.")
    await _tab_to(page, "#name")
    await page.keyboard.type("Kim Keys")
    await _tab_to(page, "button[type=submit]")
    await page.keyboard.press("Enter")
    await expect(page.locator("h1")).to_have_text("Case opened")
    await _tab_to(page, "a.govuk-button")
    await page.keyboard.press("Enter")
    await expect(page.locator("h1")).to_contain_text("Case ASB-")

    await _tab_to(page, "[data-testid=action-acknowledge] summary")
    await page.keyboard.press("Enter")
    await _tab_to(page, "[data-testid=action-acknowledge] button[type=submit]")
    await page.keyboard.press("Enter")
    await expect(page.locator(".govuk-notification-banner")).to_contain_text("Acknowledge")
    await expect(page.locator("[data-testid=officer]")).to_have_text("Officer Keys")
    await accessible(page)


async def test_the_same_form_sent_twice_acts_once(browser: Browser, site: str) -> None:
    page = await signed_in(browser, site, "officer.twice", "officer", "Y")
    ref = await report(page, site)
    form = page.locator("[data-testid=action-log_incident] form")
    fields = {
        "csrf_token": await form.locator("input[name=csrf_token]").input_value(),
        "idempotency_key": await form.locator("input[name=idempotency_key]").input_value(),
        "log_incident--occurred_at": "2026-11-30T21:15",
    }
    url = f"{site}/console/cases/{ref}/actions/log_incident"
    for _ in range(2):  # a double click, or Back and send again
        response = await page.request.post(url, form=fields)
        assert response.ok, await response.text()
    await page.reload()
    incidents = page.locator("[data-testid=timeline] li", has_text="ncident")
    await expect(incidents).to_have_count(1)
