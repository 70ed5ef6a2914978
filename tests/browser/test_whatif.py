"""The policy what-if page (issue 17): a supervisor uploads a draft policy, compares a year of
recorded cases by keyboard alone, downloads the CSV and the board paper, and is told which
field of a broken policy file is wrong."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from playwright.async_api import Browser, Page, expect
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncEngine

from db.models import CaseAction, CaseIntake
from scripts.whatif_bench import DRAFT, recorded_rows
from tests.browser.support import accessible, follow, navigated, signed_in

CASES = 40


async def _tab_to(page: Page, selector: str) -> None:
    for _ in range(60):
        await page.keyboard.press("Tab")
        if await page.locator(selector).evaluate("el => el === document.activeElement"):
            return
    raise AssertionError(f"{selector} cannot be reached with the Tab key")


async def test_a_supervisor_compares_a_draft_policy_by_keyboard_r14_r43(
    browser: Browser, site: str, browser_database: tuple[AsyncEngine, Any], tmp_path: Path
) -> None:
    engine, _ = browser_database
    intakes, actions = recorded_rows(CASES, "C")  # cases of 2025, as the record keeps them
    async with engine.begin() as conn:
        await conn.execute(insert(CaseIntake), intakes)
        await conn.execute(insert(CaseAction), actions)
    page = await signed_in(browser, site, "supervisor.pc", "supervisor", "C")
    await follow(page, "a:has-text('Policy what-if')", "Policy what-if")
    await accessible(page)

    await page.set_input_files("#policy_file", str(DRAFT))
    # The browser's own date fields: reached by Tab, their value set as a person picks it.
    await _tab_to(page, "#from")
    await page.fill("#from", "2025-01-01")
    await _tab_to(page, "#to")
    await page.fill("#to", "2025-12-31")
    await _tab_to(page, "button:has-text('Compare')")
    await page.keyboard.press("Enter")
    heading = page.locator("#comparison")
    await expect(heading).to_contain_text("current (C-2025.1) against proposed C-2027.1")
    await expect(page.locator("[data-testid=whatif-summary]")).to_contain_text(
        f"{CASES} recorded cases replayed"
    )
    await expect(page.locator("svg.app-chart")).to_have_count(3)
    await expect(page.locator("table", has_text="Deadlines: first contact")).to_be_visible()
    await accessible(page)

    async with page.expect_download() as csv_download:
        await _tab_to(page, "button:has-text('Download as CSV')")
        await page.keyboard.press("Enter")
    csv_file = await (await csv_download.value).path()
    text = await asyncio.to_thread(Path(csv_file).read_text, encoding="utf-8")
    assert text.startswith("section,measure,current,proposed,difference")
    assert "Deadlines: first contact,late or missed," in text
    async with page.expect_download() as pdf_download:
        await page.click("button:has-text('board paper')")
    pdf = await asyncio.to_thread(Path(await (await pdf_download.value).path()).read_bytes)
    assert pdf.startswith(b"%PDF")


async def test_a_policy_file_that_does_not_load_names_its_field(
    browser: Browser, site: str, tmp_path: Path
) -> None:
    broken = tmp_path / "draft.toml"
    text = DRAFT.read_text(encoding="utf-8").replace(
        "first_contact_wd = 3", "first_contact_wd = -3"
    )
    broken.write_text(text, encoding="utf-8")
    page = await signed_in(browser, site, "supervisor.pc", "supervisor", "C")
    await page.goto(f"{site}/console/what-if")
    await page.set_input_files("#policy_file", str(broken))
    await navigated(page.locator("button:has-text('Compare')"))
    summary = page.locator(".govuk-error-summary")
    await expect(summary).to_contain_text(
        "policy file draft.toml: field 'tiers.1.first_contact_wd'"
    )
    await expect(page.locator("#policy_file-error")).to_be_visible()
    await accessible(page)
