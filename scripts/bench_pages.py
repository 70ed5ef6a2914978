"""Console page times with 10,000 cases in the read model: ``make bench-pages``.

    .venv/bin/python -m scripts.bench_pages             # 10,000 cases, 200 requests a page
    .venv/bin/python -m scripts.bench_pages --quick     # 2,000 cases, 40 requests a page

Starts the whole product on a fresh SQLite record (scripts/product_stack.py), fills the read
model with cases and their complainants (four in five open, ten officers share them: 800 open
cases each, as docs/performance.md states), opens one real case through
the console, then times each page over HTTP, one request at a time, as a signed-in officer.
Prints p50, p99 and max in milliseconds; asserts nothing. Target (issue 11): My cases and the
case page under 200 ms at p99.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import statistics
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import insert

from db.models import Case, Party
from scripts.product_stack import running_product

OFFICERS = 10
STAGES = ("received", "risk_assessment", "action_plan", "investigation", "non_legal_remedies")


def _rows(count: int, now: datetime) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    cases, parties = [], []
    for n in range(count):
        ref = f"ASB-BENCH-{n:06d}"
        received = now - timedelta(hours=n % 2000)
        cases.append({
            "reference": ref, "landlord": "X", "policy_version": "X-2021-12.1",
            "stage": STAGES[n % len(STAGES)], "tier": "general" if n % 4 else "serious",
            "categories": ["noise"], "channel": "phone", "officer_id": f"officer.{n % OFFICERS}",
            "hate_incident": n % 17 == 0, "domestic_abuse": n % 23 == 0, "anonymous": False,
            "escalated": n % 11 == 0, "received_at": received, "opened_at": received,
            "next_deadline_at": now + timedelta(hours=(n * 7) % 600 - 100),
            "closed_at": now if n % 5 == 0 else None, "awaiting": "", "updated_at": now,
        })  # fmt: skip
        parties.append({
            "id": f"{ref}-P1", "reference": ref, "role": "complainant",
            "name": f"Resident {n}", "preferred_channel": "post",
        })  # fmt: skip
    return cases, parties


async def _fill(product: Any, count: int) -> None:
    cases, parties = _rows(count, datetime.now(UTC))
    async with product.services.sessions() as session, session.begin():
        for start in range(0, count, 1000):
            await session.execute(insert(Case), cases[start : start + 1000])
            await session.execute(insert(Party), parties[start : start + 1000])


async def _signed_in(client: httpx.AsyncClient, user: str) -> None:
    page = await client.get("/console/sign-in")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token
    form = {"user_id": user, "role": "officer", "landlord": "X", "csrf_token": token.group(1)}
    assert (await client.post("/console/sign-in", data=form)).status_code == 303


async def _open_case(client: httpx.AsyncClient) -> str:
    page = await client.get("/console/new-report")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token
    form = {
        "csrf_token": token.group(1), "idempotency_key": "bench", "channel": "phone",
        "categories": "noise", "description": "Loud music.", "name": "Bench Resident",
    }  # fmt: skip
    made = await client.post("/console/new-report", data=form)
    found = re.search(r'data-testid="reference">([^<]+)<', made.text)
    assert made.status_code == 201 and found, made.text[:500]
    return found.group(1)


async def _time(client: httpx.AsyncClient, path: str, n: int) -> list[float]:
    times = []
    for _ in range(n):
        start = time.perf_counter()
        response = await client.get(path)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    return times


def _print(name: str, times: list[float]) -> None:
    ordered = sorted(times)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    print(
        f"{name:<34} p50 {statistics.median(ordered):6.1f} ms   p99 {p99:6.1f} ms   "
        f"max {ordered[-1]:6.1f} ms   (n={len(ordered)})"
    )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2,000 cases, 40 requests a page")
    parser.add_argument("--cases", type=int, default=None)
    parser.add_argument("--requests", type=int, default=None)
    args = parser.parse_args()
    count = args.cases or (2_000 if args.quick else 10_000)
    n = args.requests or (40 if args.quick else 200)
    async with running_product(intake_per_minute=1000) as product:
        await _fill(product, count)
        async with httpx.AsyncClient(base_url=product.url, timeout=60) as client:
            await _signed_in(client, "officer.3")
            reference = await _open_case(client)
            print(f"{count:,} cases in the read model ({OFFICERS} officers); {n} requests a page")
            pages = {
                "My cases (page 1)": "/console/cases",
                "My cases, overdue filter": "/console/cases?status=overdue",
                "My cases, search by name": "/console/cases?who=all&q=Resident%20421",
                "All open cases, page 20": "/console/cases?who=all&page=20",
                "Case page (live workflow)": f"/console/cases/{reference}",
            }
            for name, path in pages.items():
                await client.get(path)  # warm
                _print(name, await _time(client, path, n))


if __name__ == "__main__":
    asyncio.run(main())
