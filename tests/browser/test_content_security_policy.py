"""The Content-Security-Policy (edge/headers.py) in a real Chromium: console pages and /docs load
and work with no inline script allowed, and the browser reports no violation."""

from __future__ import annotations

from playwright.async_api import Browser, ConsoleMessage, Page, expect

from tests.browser.support import signed_in


def _watch(page: Page) -> list[str]:
    """Every CSP violation the page reports (Chromium logs each as a console error)."""
    found: list[str] = []

    def seen(message: ConsoleMessage) -> None:
        text = message.text
        if "Content Security Policy" in text or "Refused to" in text:
            found.append(text)

    page.on("console", seen)
    return found


async def test_console_pages_run_their_scripts_under_the_policy(
    browser: Browser, site: str
) -> None:
    page = await signed_in(browser, site, "officer.c", "officer", "X")
    violations = _watch(page)
    for path in ("/console/cases", "/console/new-report"):
        answer = await page.goto(f"{site}{path}")
        assert answer is not None
        assert "frame-ancestors 'none'" in answer.headers["content-security-policy"]
        # GOV.UK Frontend's initAll ran from the served init.js: the body says JS is supported.
        await expect(page.locator("body")).to_have_class(
            "govuk-template__body js-enabled govuk-frontend-supported"
        )
    assert violations == []


async def test_docs_render_the_api_under_the_policy(browser: Browser, site: str) -> None:
    page = await (await browser.new_context()).new_page()
    violations = _watch(page)
    answer = await page.goto(f"{site}/docs")
    assert answer is not None and "script-src 'self';" in answer.headers["content-security-policy"]
    await expect(page.locator(".swagger-ui .info .title")).to_contain_text("ASB case engine")
    await expect(page.locator(".opblock").first).to_be_visible()
    assert violations == []
