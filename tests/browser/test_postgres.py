"""The browser journeys on PostgreSQL, the production database: one landlord's case from report
to closure, and the isolation between landlords (the rest run on SQLite, to keep the browser
tests quick; the SQL they share is tested on both databases in tests/integration)."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser

from tests.browser.test_journeys import (
    test_an_officer_takes_a_case_from_report_to_closure as report_to_closure,
)
from tests.browser.test_oversight import (
    test_an_officer_of_another_landlord_can_neither_see_nor_act_on_a_case as isolated,
)

pytestmark = pytest.mark.postgres


async def test_an_officer_takes_a_case_from_report_to_closure_on_postgresql(
    browser: Browser, postgres_site: str
) -> None:
    await report_to_closure(browser, postgres_site, "P")  # P: consultation before closing (R46)


async def test_landlords_are_isolated_on_postgresql(browser: Browser, postgres_site: str) -> None:
    await isolated(browser, postgres_site)
