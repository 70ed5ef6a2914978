"""What the browser journeys do over and over: sign in, act on a case, check accessibility."""

from __future__ import annotations

import asyncio
import re
from typing import Any

from axe_playwright_python.async_playwright import Axe
from playwright.async_api import Browser, Locator, Page, expect

# Everyone the journeys sign in as; each is in the staff directory of every landlord.
USERS = (
    "officer.c", "officer.y", "officer.x", "officer.b", "officer.p", "officer.px",
    "supervisor.px", "officer.pb", "supervisor.pb", "officer.pc", "supervisor.pc",
    "officer.cover", "officer.pl", "officer.own", "supervisor.other", "officer.anon",
    "officer.keys", "officer.twice", "officer.acc", "officer.named", "officer.other",
    "supervisor.acc", "admin.acc",
)  # fmt: skip


def staff_entry(staff_id: str) -> dict[str, str]:
    name = staff_id.replace(".", " ").title()
    return {"staff_id": staff_id, "display_name": name, "job_title": "ASB Officer",
            "phone": "01632 960 999", "email": f"{staff_id}@asb.example"}  # fmt: skip


AXE = Axe()
# WCAG 2.0, 2.1 and 2.2 at levels A and AA (axe-core's tags).
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


async def accessible(page: Page) -> None:
    """axe-core finds no WCAG 2.2 A or AA violation on the page as it is now.

    Call it once the page a step leads to is known to be there (``follow``, ``act``, or an
    expectation of that page's own content): the load state below only covers the page the
    browser is already showing, not one a click has asked for but not yet received."""
    await page.wait_for_load_state("load")  # its stylesheet too: axe checks the contrast
    results = await AXE.run(
        page,
        options={"runOnly": {"type": "tag", "values": WCAG_22_AA}, "resultTypes": ["violations"]},
    )
    assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"


async def navigated(target: Locator) -> None:
    """Click a link or a form's button and return once the page it leads to has loaded.

    A click returns when the browser has taken it, not when the next page has arrived: on a loaded
    machine, axe or an assertion run straight after it would still see the page being left, or
    the next one half loaded (issue 22). Waiting on the navigation the click starts is not a
    matter of timing: it holds however slow the machine is."""
    async with target.page.expect_navigation(wait_until="load"):
        await target.click()


async def follow(page: Page, target: str | Locator, heading: str | re.Pattern[str]) -> None:
    """Follow a link (or send a form) to another page, and wait for that page's own heading."""
    await navigated(page.locator(target) if isinstance(target, str) else target)
    await expect(page.locator("h1")).to_have_text(heading)


# What the engine does on its own (an escalation, a letter's failure) shows within seconds; this
# bounds the wait on a loaded machine, it measures nothing.
RELOAD_DEADLINE = 120.0


async def reload_until(page: Page, url: str, shown: Locator) -> None:
    """Open ``url`` again and again until it shows ``shown``, or fail at the deadline."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + RELOAD_DEADLINE
    while True:
        await page.goto(url)
        if await shown.count():
            return
        assert loop.time() < deadline, f"{url} never showed {shown}"
        await asyncio.sleep(0.2)


async def signed_in(
    browser: Browser, site: str, user: str, role: str, landlord: str, **context: Any
) -> Page:
    page = await (await browser.new_context(**context)).new_page()
    await page.goto(f"{site}/console/sign-in")
    await accessible(page)
    await page.fill("#user_id", user)
    await page.check(f"#role-{role}")
    await page.select_option("#landlord", landlord)
    await follow(page, "button:has-text('Sign in')", "My cases")
    # The header names the user as the staff directory does, not by user name.
    name = staff_entry(user)["display_name"] if user in USERS else user
    await expect(page.locator("[data-testid=signed-in-as]")).to_have_text(name)
    await accessible(page)
    return page


async def report(
    page: Page,
    site: str,
    category: str = "noise",
    *,
    email: str = "alex@example.org",
    anonymous: bool = False,
    received_at: str | None = None,
) -> str:
    """Staff intake through New report; returns the new case's reference."""
    await page.goto(f"{site}/console/new-report")
    await accessible(page)
    await page.check(f"#categories-{category}")
    await page.fill("#description", "Loud music every night after midnight.")
    if received_at:
        await page.fill("#received_at", received_at)
    if anonymous:
        await page.check("#anonymous")
    else:
        await page.fill("#name", "Alex Resident")
        await page.fill("#address", "1 High Street, AB1 2CD")
        await page.fill("#email", email)
        await page.select_option("#preferred_channel", "email")
    await page.fill("#other_name", "Sam Neighbour")
    await page.fill("#other_address", "2 High Street, AB1 2CD")
    await follow(page, "button:has-text('Open the case')", "Case opened")
    await accessible(page)
    reference = (await page.locator("[data-testid=reference]").inner_text()).strip()
    await follow(page, "a:has-text('Go to the case')", f"Case {reference}")
    return reference


async def fill(page: Page, action: str, name: str, value: Any) -> None:
    field_id = f"{action}--{name}"
    radio = page.locator(f"[id='{field_id}-{value}']")
    if await radio.count():
        await radio.check()
        return
    target = page.locator(f"[id='{field_id}']")
    tag = await target.evaluate("e => e.tagName")
    if tag == "SELECT":
        await target.select_option(str(value))
    elif await target.get_attribute("type") == "checkbox":
        await (target.check() if value else target.uncheck())
    else:
        await target.fill(str(value))


async def open_action(page: Page, action: str) -> Any:
    details = page.locator(f"[data-testid=action-{action}]")
    await expect(details).to_be_visible()
    if await details.get_attribute("open") is None:
        await details.locator("summary").click()
    return details


async def act(page: Page, action: str, **fields: Any) -> None:
    """Fill in and submit the action's form; the case page confirms it."""
    details = await open_action(page, action)
    for name, value in fields.items():
        await fill(page, action, name, value)
    # The case page comes back with the banner; the page sent from may show an earlier one.
    await navigated(details.locator("button[type=submit]"))
    await expect(page.locator(".govuk-notification-banner__heading")).to_contain_text("recorded")
    await accessible(page)


async def refused(page: Page, action: str, **fields: Any) -> str:
    """Submit the action's form and return the reason in the error summary."""
    details = await open_action(page, action)
    for name, value in fields.items():
        await fill(page, action, name, value)
    await navigated(details.locator("button[type=submit]"))
    summary = page.locator(".govuk-error-summary")
    await expect(summary).to_be_visible()
    await accessible(page)
    return (await summary.inner_text()).strip()
