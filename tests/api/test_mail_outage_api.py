"""A mail outage seen through the API and the console (issue 22): the officer's action answers
with the SMTP relay down; the API's letter listing and the console's case page say the letter
is waiting to send, never sent; once a real relay (aiosmtpd) is back on the same port the
letter arrives once and both say sent."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from core.settings import Settings
from tests.api.conftest import Headers, report
from tests.api.test_console_http import _sign_in
from tests.workflow.test_mail_outage import WAIT, Relay


@pytest.fixture
async def relay() -> AsyncIterator[Relay]:
    relay = Relay()
    await relay.down("stopped")
    yield relay
    await relay.close()


@pytest.fixture
def settles() -> bool:
    return False  # the letters cannot go while the relay is down


@pytest.fixture
def settings(task_queue: str, tmp_path: Path, relay: Relay) -> Settings:
    return Settings(task_queue=task_queue, data_dir=tmp_path, intake_per_minute=3,
                    mail_mode="smtp", smtp_host="127.0.0.1", smtp_port=relay.port)  # fmt: skip


async def until(
    probe: Callable[[], Awaitable[list[dict[str, Any]]]], status: str
) -> list[dict[str, Any]]:
    deadline = asyncio.get_running_loop().time() + WAIT.total_seconds()
    while True:
        letters = await probe()
        if letters and all(x["status"] == status for x in letters):
            return letters
        assert asyncio.get_running_loop().time() < deadline, f"never {status}: {letters}"
        await asyncio.sleep(0.1)


async def test_a_letter_waits_to_send_while_the_relay_is_down_and_is_sent_once_it_is_back(
    api: httpx.AsyncClient, auth: Headers, relay: Relay
) -> None:
    officer = auth(user="officer.jones")
    reference = (await api.post("/cases", json=report("X"), headers=officer)).json()["reference"]

    acked = await api.post(f"/cases/{reference}/actions/acknowledge", json={}, headers=officer)

    assert acked.status_code == 200, acked.text  # answered with the relay down

    async def listed() -> list[dict[str, Any]]:
        response = await api.get(f"/cases/{reference}/letters", headers=officer)
        assert response.status_code == 200, response.text
        letters: list[dict[str, Any]] = response.json()
        return letters

    # After an attempt failed: produced, waiting for the mail server.
    [letter] = await until(listed, "rendered")
    assert letter["sent_at"] is None
    assert letter["says"].startswith("Acknowledgement letter to the complainant: waiting to send")
    await _sign_in(api)
    page = (await api.get(f"/console/cases/{reference}")).text
    letters_table = page.split('data-testid="letters"')[1].split("</table>")[0]
    assert "Waiting to send" in letters_table and "Sent" not in letters_table
    assert relay.handler.received == []

    await relay.restore()

    [letter] = await until(listed, "sent")
    assert letter["says"].endswith("sent by email.") and letter["sent_at"] is not None
    page = (await api.get(f"/console/cases/{reference}")).text
    letters_table = page.split('data-testid="letters"')[1].split("</table>")[0]
    assert "Sent" in letters_table and "Waiting to send" not in letters_table
    assert len(relay.handler.about(reference)) == 1
