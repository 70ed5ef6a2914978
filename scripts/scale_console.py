"""The console's pages in the scale mode (scripts/scale.py): the same app, signed in through the
development sign-in form, timed page by page at each size of the record.

The case page is not here: it asks the case's workflow, and the scale mode fills the record with
rows that have none. ``make bench-pages`` times it against a live workflow (10,000 cases).
"""

from __future__ import annotations

import re
import statistics
import time

import httpx

__all__ = ["console_figures"]

SAMPLES = 30
OFFICER = "officer.x07"  # holds about one in forty of landlord X's cases (scale.rows_for)


def _pages(size: int) -> dict[str, tuple[str, str]]:
    """Name -> (role, path). Deep pages go as far as a fortieth of landlord X's cases allows."""
    deep = max(1, size // 5 // 40 // 2 // 25)  # halfway down an officer's list, 25 a page
    return {
        "con My cases": ("officer", "/console/cases"),
        "con overdue": ("officer", "/console/cases?status=overdue"),
        "con search": ("officer", f"/console/cases?who=all&q=Resident%20{size // 2}"),
        "con deep page": ("officer", f"/console/cases?page={deep}"),
        "con team": ("supervisor", "/console/team"),
        "con escalations": ("supervisor", "/console/escalations"),
        "con reports": ("supervisor", "/console/reports"),
    }


async def _signed_in(transport: httpx.AsyncBaseTransport, role: str) -> httpx.AsyncClient:
    client = httpx.AsyncClient(transport=transport, base_url="http://scale")
    page = await client.get("/console/sign-in")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token, "the sign-in page carries a CSRF token"
    user = OFFICER if role == "officer" else "bench.supervisor"
    form = {"user_id": user, "role": role, "landlord": "X", "csrf_token": token.group(1)}
    signed = await client.post("/console/sign-in", data=form)
    assert signed.status_code == 303, signed.text[:300]
    return client


async def console_figures(transport: httpx.AsyncBaseTransport, size: int) -> dict[str, str]:
    """p50/p99 in ms of each console page, one request at a time."""
    clients = {role: await _signed_in(transport, role) for role in ("officer", "supervisor")}
    figures: dict[str, str] = {}
    try:
        for name, (role, path) in _pages(size).items():
            client = clients[role]
            (await client.get(path)).raise_for_status()  # warm
            took = []
            for _ in range(SAMPLES):
                began = time.perf_counter()
                response = await client.get(path)
                took.append((time.perf_counter() - began) * 1000)
                response.raise_for_status()
            ordered = sorted(took)
            p99 = ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]
            figures[name] = f"{statistics.median(ordered):.0f}/{p99:.0f}"
    finally:
        for client in clients.values():
            await client.aclose()
    return figures
