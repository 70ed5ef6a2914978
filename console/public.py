"""The residents' report form: no account, open at any hour, rate limited like the public API."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from console import backend
from console.backend import Problem
from console.officer import report_body
from console.session import anonymous_csrf, anonymous_csrf_ok, keep_anonymous_csrf
from console.web import Forbidden, render
from core.policies import known_landlords
from domain.case import Clock
from domain.errors import UnknownValueError
from edge.deps import Services, services
from edge.ratelimit import WINDOW_SECONDS, client_address, within_limit
from services.idempotency import public_scope

router = APIRouter(prefix="/report", include_in_schema=False)
# The clocks a resident waits on, in their words; the others are the landlord's own work.
RESIDENT_STEPS: dict[str, str] = {  # keyed by Clock (a StrEnum), read by its value
    Clock.ACKNOWLEDGEMENT: "We will confirm we have your report",
    Clock.FIRST_CONTACT: "An anti-social behaviour officer will contact you",
}


def _policy(landlord: str) -> backend.PolicyProfile:
    if landlord not in known_landlords():
        raise Problem(
            [(None, "We do not know that landlord. Check the address of this page.")], 404
        )
    try:
        return backend.policy(landlord)
    except UnknownValueError:
        raise Problem([(None, "We do not know that landlord.")], 404) from None


@router.get("", response_class=HTMLResponse)
async def choose(request: Request) -> Response:
    landlords = [(c, backend.policy(c).name) for c in known_landlords()]
    return render(
        request,
        "public_choose.html",
        None,
        title="Report anti-social behaviour",
        landlords=landlords,
        service_name="Report anti-social behaviour",
    )


def _context(landlord: str) -> dict[str, Any]:
    profile = _policy(landlord)
    return {
        "service_name": "Report anti-social behaviour",
        "landlord": landlord,
        "landlord_name": profile.name,
        "categories": [(c, profile.category(c).label) for c in profile.category_codes],
    }


@router.get("/{landlord}", response_class=HTMLResponse)
async def form(request: Request, landlord: str, svc: Services = Depends(services)) -> Response:
    token = anonymous_csrf(request)
    response = render(
        request, "public_report.html", None, title="Report anti-social behaviour",
        errors=[], values={}, form_csrf=token, **_context(landlord),
    )  # fmt: skip
    keep_anonymous_csrf(response, token, svc.settings)
    return response


async def _limited(request: Request, svc: Services) -> bool:
    # The same per-address limiter as POST /public/reports (api.intake), shared with it.
    return not await within_limit(request, svc)


@router.post("/{landlord}", response_class=HTMLResponse)
async def submit(request: Request, landlord: str, svc: Services = Depends(services)) -> Response:
    context = _context(landlord)
    raw = await request.form()
    values = {k: str(v) for k, v in raw.items()}
    if not anonymous_csrf_ok(request, values.get("csrf_token")):
        raise Forbidden("This form has expired. Go back, reload the page and try again.")
    categories = [str(c) for c in raw.getlist("categories")]
    if await _limited(request, svc):
        errors: list[tuple[str | None, str]] = [
            (None, "Too many reports have come from your connection. Please try again in a minute.")
        ]
        response = render(
            request, "public_report.html", None, 429, title="Report anti-social behaviour",
            errors=errors, values={**values, "categories": categories},
            form_csrf=values["csrf_token"], **context,
        )  # fmt: skip
        response.headers["Retry-After"] = str(WINDOW_SECONDS)
        return response
    body = report_body(landlord, values, categories)
    body["channel"] = "web"
    try:
        scope = public_scope(client_address(request))
        taken = await backend.take_public_report(
            request.app, svc, body, scope, values.get("idempotency_key")
        )
    except Problem as problem:
        return render(
            request, "public_report.html", None, problem.status,
            title="Report anti-social behaviour", errors=problem.messages,
            values={**backend.form_again(values, problem), "categories": categories},
            form_csrf=values["csrf_token"],
            **context,
        )  # fmt: skip
    profile = _policy(landlord)
    # Kept in the outbox (an outage): no case yet, so no times to promise (docs/outages.md).
    next_steps = [
        (RESIDENT_STEPS[d.clock], d.due_at)
        for d in (taken.case.deadlines if taken.case else [])
        if d.clock in RESIDENT_STEPS and d.met_at is None and not d.stopped
    ]
    return render(
        request, "public_done.html", None, 201 if taken.case else 202, title="Report received",
        reference=taken.reference, kept=taken.case is None,
        steps=next_steps, anonymous=body["parties"][0]["anonymous"], policy=profile,
        channel=body["parties"][0]["preferred_channel"],
        landlord_name=profile.name, service_name="Report anti-social behaviour",
    )  # fmt: skip
