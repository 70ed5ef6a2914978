"""Officers and supervisors work cases in the browser alone, on the real stack."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, expect

from tests.api.test_journeys import CLOSE_REASON, CONSULTS
from tests.browser.support import accessible, act, follow, report, signed_in


@pytest.mark.parametrize("landlord", ["C", "Y", "X", "B", "P"])
async def test_an_officer_takes_a_case_from_report_to_closure(
    browser: Browser, site: str, landlord: str
) -> None:
    page = await signed_in(browser, site, f"officer.{landlord.lower()}", "officer", landlord)
    ref = await report(page, site)
    tier = await page.locator("[data-testid=tier]").get_attribute("data-code")
    await accessible(page)

    await act(page, "acknowledge")
    # The officer as the staff directory names them.
    await expect(page.locator("[data-testid=officer]")).to_have_text(f"Officer {landlord}")
    await act(page, "record_contact", outcome="made", channel="phone")
    await act(page, "record_risk_assessment", tier=tier)
    await act(page, "agree_action_plan", agreed_contact_interval_days=7, summary_ref="plan-1")
    await act(page, "invite_to_interview", party="alleged_perpetrator")
    await act(page, "record_interview", party="alleged_perpetrator")
    await act(page, "apply_remedy", kind="written_warning")
    await act(page, "request_closure", reason=CLOSE_REASON[landlord])
    if CONSULTS[landlord]:  # R46
        await expect(page.locator("[data-testid=awaiting]")).to_contain_text("Consulting")
        await act(page, "record_consultation", outcome="agrees")
    await expect(page.locator("[data-testid=closed]")).to_be_visible()
    timeline = page.locator("[data-testid=timeline]")
    await expect(timeline).to_contain_text("Case opened")

    # My cases lists open cases only: the closed case is gone from it.
    await follow(page, "a:has-text('My cases')", "My cases")
    await accessible(page)
    await expect(page.locator("main")).not_to_contain_text(ref)
