"""README screenshots of the console's main pages: ``make screenshots``.

Starts the whole product on a fresh record (scripts/product_stack.py), works a few cases through
the console in Chromium, and writes PNGs to docs/screenshots/.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from playwright.async_api import Page, ViewportSize, async_playwright

from scripts.product_stack import running_product, system_chromium

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
WIDE: ViewportSize = {"width": 1280, "height": 900}


async def sign_in(page: Page, url: str, user: str, role: str, landlord: str) -> None:
    await page.goto(f"{url}/console/sign-in")
    await page.fill("#user_id", user)
    await page.check(f"#role-{role}")
    await page.select_option("#landlord", landlord)
    await page.click("button:has-text('Sign in')")


async def new_report(page: Page, url: str, name: str, category: str, **extra: str) -> str:
    await page.goto(f"{url}/console/new-report")
    await page.check(f"#categories-{category}")
    await page.fill("#description", "Loud music and shouting from the flat above after midnight.")
    await page.fill("#name", name)
    await page.fill("#other_name", "Flat 4 occupant")
    for field, value in extra.items():
        await page.fill(f"#{field}", value)
    await page.click("button:has-text('Open the case')")
    return (await page.locator("[data-testid=reference]").inner_text()).strip()


async def act(page: Page, url: str, ref: str, action: str, **fields: str) -> None:
    await page.goto(f"{url}/console/cases/{ref}")
    await page.locator(f"[data-testid=action-{action}] summary").click()
    for name, value in fields.items():
        radio = page.locator(f"[id='{action}--{name}-{value}']")
        target = page.locator(f"[id='{action}--{name}']")
        if await radio.count():
            await radio.check()
        elif await target.evaluate("e => e.tagName") == "SELECT":
            await target.select_option(value)
        else:
            await target.fill(value)
    await page.locator(f"[data-testid=action-{action}] button[type=submit]").click()


async def escalations_waiting(page: Page, url: str, refs: list[str]) -> None:
    """The escalations page once the engine has raised one for each late case: the worker's
    timers fire moments after the cases open, so reload until they are listed (bounded)."""
    rows = page.locator("[data-testid=escalations] tr")
    for _ in range(120):
        await page.goto(f"{url}/console/escalations")
        listed = " ".join(await rows.all_inner_texts())
        if all(ref in listed for ref in refs):
            return
        await page.wait_for_timeout(250)
    raise RuntimeError(f"no escalation was raised for {refs}: the screenshot would be empty")


async def shoot(page: Page, name: str) -> None:
    await page.screenshot(path=str(OUT / f"{name}.png"), full_page=True)
    print(f"docs/screenshots/{name}.png")


async def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    async with running_product() as product, async_playwright() as playwright:
        url = product.url
        browser = await playwright.chromium.launch(executable_path=system_chromium())
        page = await (await browser.new_context(viewport=WIDE)).new_page()
        await page.goto(f"{url}/console/sign-in")
        await shoot(page, "sign-in")
        await sign_in(page, url, "officer.jones", "officer", "C")
        # Logged late, so the engine raises real escalations: received 10 and 15 days ago
        # (whatever the weekends), their first-contact deadlines have passed (R14).
        here = datetime.now(UTC).astimezone(ZoneInfo("Europe/London"))
        late = [(here - timedelta(days=d)).strftime("%Y-%m-%dT%H:%M") for d in (10, 15)]
        refs = [
            await new_report(page, url, "Alex Morgan", "noise"),
            await new_report(page, url, "Priya Shah", "hate_incident"),
            await new_report(page, url, "Sam Lee", "verbal_abuse", received_at=late[0]),
            await new_report(page, url, "Jordan Ellis", "noise", received_at=late[1]),
        ]  # fmt: skip
        await page.goto(f"{url}/console/new-report")
        await shoot(page, "new-report")
        await new_report(page, url, "Chris Doe", "threats_of_violence")
        await shoot(page, "triage-result")
        for ref in refs:
            await act(page, url, ref, "acknowledge")
        await act(page, url, refs[0], "record_contact", outcome="made", channel="phone")
        await page.goto(f"{url}/console/cases")
        await shoot(page, "my-cases")
        await page.goto(f"{url}/console/cases/{refs[0]}")
        await page.locator("[data-testid=action-record_risk_assessment] summary").click()
        await shoot(page, "case")
        await act(page, url, refs[0], "start_legal_action", kind="injunction")
        await shoot(page, "refused-action")

        boss = await (await browser.new_context(viewport=WIDE)).new_page()
        await sign_in(boss, url, "supervisor.khan", "supervisor", "C")
        await escalations_waiting(boss, url, refs[2:])
        await shoot(boss, "escalations")
        await boss.goto(f"{url}/console/team?officer=officer.jones")
        await shoot(boss, "team")
        await boss.goto(f"{url}/console/reports")
        await shoot(boss, "reports")
        await boss.goto(f"{url}/console/cases/{refs[0]}/history")
        await shoot(boss, "history")

        phone = await (await browser.new_context(viewport={"width": 375, "height": 812})).new_page()
        await phone.goto(f"{url}/report/C")
        await shoot(phone, "public-report")
        await phone.check("#categories-noise")
        await phone.fill("#description", "Music from the flat below every night until 3am.")
        await phone.fill("#name", "Jo Bloggs")
        await phone.fill("#email", "jo@example.org")
        await phone.click("button:has-text('Send report')")
        await shoot(phone, "public-receipt")
        await page.goto(f"{url}/docs")
        await page.wait_for_selector(".swagger-ui .info")
        await shoot(page, "api-docs")
        await browser.close()


if __name__ == "__main__":
    asyncio.run(main())
