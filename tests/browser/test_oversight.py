"""Refusals, approvals, escalations and failed letters, with a supervisor in a second browser."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from playwright.async_api import Browser, Page, expect

from tests.browser.support import (
    accessible,
    act,
    follow,
    navigated,
    refused,
    reload_until,
    report,
    signed_in,
)
from tests.integration.test_mailer_smtp import REFUSED


async def _to_interviewed(page: Page) -> None:
    tier = await page.locator("[data-testid=tier]").get_attribute("data-code")
    await act(page, "acknowledge")
    await act(page, "record_contact", outcome="made", channel="phone")
    await act(page, "record_risk_assessment", tier=tier)
    await act(page, "agree_action_plan", agreed_contact_interval_days=7, summary_ref="plan-1")
    await act(page, "invite_to_interview", party="alleged_perpetrator")
    await act(page, "record_interview", party="alleged_perpetrator")


async def test_legal_action_is_refused_without_a_peia_and_proceeds_once_it_is_approved(
    browser: Browser, site: str
) -> None:
    officer = await signed_in(browser, site, "officer.px", "officer", "X")
    ref = await report(officer, site)
    await _to_interviewed(officer)
    await act(officer, "apply_remedy", kind="written_warning")

    # R43: X requires a PEIA before legal action; the workflow's reason is shown, nothing changes.
    reason = await refused(officer, "start_legal_action", kind="injunction")
    assert "Legal action needs a completed PEIA" in reason
    stage_before = await officer.locator("[data-testid=stage]").inner_text()
    await officer.reload()
    assert await officer.locator("[data-testid=stage]").inner_text() == stage_before

    await act(officer, "complete_peia", document_ref="peia-1")
    # The author cannot approve their own PEIA, and an officer is not even offered the form.
    await expect(officer.locator("[data-testid=action-approve_peia]")).to_have_count(0)

    supervisor = await signed_in(browser, site, "supervisor.px", "supervisor", "X")
    await supervisor.goto(f"{site}/console/cases/{ref}")
    await accessible(supervisor)
    # R43: declining needs a reason; once declined, legal action is refused until a new PEIA.
    assert "reason" in (await refused(supervisor, "decline_peia", reason=" ")).lower()
    await act(supervisor, "decline_peia", reason="No equality consideration recorded")
    await expect(supervisor.locator("[data-testid=timeline]")).to_contain_text("PEIA declined")
    await officer.reload()
    reason = await refused(officer, "start_legal_action", kind="injunction")
    assert "declined by a supervisor" in reason
    await act(officer, "complete_peia", document_ref="peia-2")
    await supervisor.reload()
    await act(supervisor, "approve_peia")
    await expect(supervisor.locator("[data-testid=timeline]")).to_contain_text("PEIA")
    # The workflow's own history, decrypted on the server for the supervisor.
    await follow(supervisor, "a:has-text('Case history')", "Case history")
    history = supervisor.locator("[data-testid=history]")
    await expect(history).to_contain_text("Complete PEIA by officer.px (officer)")
    await expect(history).to_contain_text("Decline PEIA by supervisor.px (supervisor)")
    await expect(history).to_contain_text("Approve PEIA by supervisor.px (supervisor)")
    # Timers name the clock they wait for (their summaries, decoded here too).
    await expect(history).to_contain_text("deadline, until")
    await accessible(supervisor)

    await officer.reload()
    await act(officer, "start_legal_action", kind="injunction")
    await expect(officer.locator("[data-testid=stage]")).to_contain_text("Legal action")


async def test_a_supervisor_approves_a_closure_the_complainant_objects_to(
    browser: Browser, site: str
) -> None:
    officer = await signed_in(browser, site, "officer.pb", "officer", "B")
    ref = await report(officer, site)
    await _to_interviewed(officer)
    await act(officer, "apply_remedy", kind="written_warning")
    await act(officer, "request_closure", reason="asb_stopped")
    await act(officer, "record_consultation", outcome="objects")  # R46 (B): manager may override
    await expect(officer.locator("[data-testid=awaiting]")).to_contain_text("approval to close")

    supervisor = await signed_in(browser, site, "supervisor.pb", "supervisor", "B")
    await follow(supervisor, "a:has-text('Approvals')", "Approvals")
    await accessible(supervisor)
    row = supervisor.locator("[data-testid=approvals] tr", has_text=ref)
    # Declined with a reason: the closure request is withdrawn and the case goes on.
    await row.locator("input[name='withdraw_closure--reason']").fill("Complainant still at risk")
    await navigated(row.locator("button:has-text('Decline closure')"))
    await expect(supervisor.locator("[data-testid=timeline]")).to_contain_text("withdrawn")
    await expect(supervisor.locator("[data-testid=closed]")).to_have_count(0)

    await officer.reload()
    await act(officer, "request_closure", reason="asb_stopped")
    await act(officer, "record_consultation", outcome="objects")
    await follow(supervisor, "a:has-text('Approvals')", "Approvals")
    await navigated(row.locator("button:has-text('Approve closure')"))
    await expect(supervisor.locator("[data-testid=closed]")).to_be_visible()
    await accessible(supervisor)
    await follow(supervisor, "a:has-text('Approvals')", "Approvals")
    await expect(supervisor.locator("main")).not_to_contain_text(ref)


async def test_a_supervisor_sees_a_missed_deadline_reassigns_and_clears_it(
    browser: Browser, site: str
) -> None:
    officer = await signed_in(browser, site, "officer.pc", "officer", "C")
    # Logged a week after it arrived: the first-contact deadline has already passed (R14).
    received = datetime.now(UTC).astimezone(ZoneInfo("Europe/London")) - timedelta(days=8)
    ref = await report(officer, site, received_at=received.strftime("%Y-%m-%dT%H:%M"))
    await act(officer, "acknowledge")

    supervisor = await signed_in(browser, site, "supervisor.pc", "supervisor", "C")
    rows = supervisor.locator("[data-testid=escalations] tr", has_text=ref)
    # The engine raises the escalation on its own, moments after opening.
    await reload_until(supervisor, f"{site}/console/escalations", rows)
    await expect(rows.first).to_contain_text("First contact")
    await expect(rows.first).to_contain_text("hours")
    await accessible(supervisor)

    await follow(supervisor, "a:has-text('Team')", "Team")
    await accessible(supervisor)
    # The staff directory's display name; the page then lists that officer's cases.
    await navigated(supervisor.locator("a:has-text('Officer Pc')"))
    await expect(supervisor.locator("[data-testid=officer-cases]")).to_contain_text(ref)
    await accessible(supervisor)
    await supervisor.fill(f"[id='officer-{ref}']", "officer.cover")
    await navigated(supervisor.locator(f"button:has-text('Reassign {ref}')"))
    await expect(supervisor.locator("[data-testid=officer]")).to_have_text("Officer Cover")
    await act(supervisor, "record_contact", outcome="made", channel="phone")

    await follow(supervisor, "a:has-text('Escalations')", "Escalations waiting")
    await expect(supervisor.locator("main")).not_to_contain_text(ref)


async def test_a_letter_that_could_not_be_sent_becomes_an_officer_task(
    browser: Browser, site: str
) -> None:
    officer = await signed_in(browser, site, "officer.pl", "officer", "C")
    ref = await report(officer, site, email=REFUSED)  # the mail server answers 550
    await act(officer, "acknowledge")
    tasks = officer.locator("[data-testid=tasks]")
    # The letter is sent by an activity after the action is recorded.
    await reload_until(officer, f"{site}/console/cases/{ref}", tasks)
    await expect(tasks).to_contain_text("could not be sent")
    await expect(officer.locator("[data-testid=letters]")).to_contain_text("Failed")
    # As the API's POST /tasks/{id}/close: closing a task needs a reason, and keeps it.
    await navigated(tasks.locator("button:has-text('Mark done')").first)
    await expect(officer.locator(".govuk-error-summary")).to_contain_text("reason")
    await accessible(officer)
    await tasks.locator("input[name=reason]").first.fill("Phoned the resident instead")
    await navigated(tasks.locator("button:has-text('Mark done')").first)
    await expect(tasks).to_contain_text("Done")
    await expect(tasks).to_contain_text("Phoned the resident instead")
    await accessible(officer)


async def test_an_officer_of_another_landlord_can_neither_see_nor_act_on_a_case(
    browser: Browser, site: str
) -> None:
    owner = await signed_in(browser, site, "officer.own", "officer", "X")
    ref = await report(owner, site)
    outsider = await signed_in(browser, site, "supervisor.other", "supervisor", "Y")
    csrf = await outsider.locator("input[name=csrf_token]").first.input_value()
    for path in ("", "/history", "/letters/1.pdf"):
        response = await outsider.goto(f"{site}/console/cases/{ref}{path}")
        assert response is not None and response.status == 404, path
        await expect(outsider.locator("body")).not_to_contain_text("Alex Resident")
    await accessible(outsider)
    for path, form in (
        ("/actions/acknowledge", {}),
        ("/actions/reassign", {"reassign--officer_id": "supervisor.other"}),
        ("/tasks/1/done", {}),
    ):
        response = await outsider.request.post(
            f"{site}/console/cases/{ref}{path}", form={"csrf_token": csrf, **form}
        )
        assert response.status == 404, path
    await owner.reload()
    await expect(owner.locator("[data-testid=officer]")).to_have_text("Not assigned yet")
    await expect(owner.locator("[data-testid=stage]")).to_have_text("Received")
    await outsider.goto(f"{site}/console/cases?who=all&q={ref}")
    await expect(outsider.locator("main")).not_to_contain_text(ref)
