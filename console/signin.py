"""Signing in and out. With an identity provider set (``ASB_OIDC_ISSUER``) the sign-in page
sends the browser to it (console/oidc.py); without one, in development, a page lets you pick a
user, role and landlord, and production refuses it. Both end in the same
:func:`console.session.start_session`."""

from __future__ import annotations

from typing import get_args

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response

from console import oidc
from console.session import (
    anonymous_csrf,
    anonymous_csrf_ok,
    end_session,
    keep_anonymous_csrf,
    read_session,
    start_session,
)
from console.web import Forbidden, checked_form, render, see_other
from core.policies import known_landlords, load_policy
from domain.vocabulary import is_staff_id
from edge.auth import Principal, Role
from edge.deps import Services, services

router = APIRouter(prefix="/console", include_in_schema=False)
ROLES: tuple[str, ...] = get_args(Role)


def _landlords() -> list[tuple[str, str]]:
    return [(code, load_policy(code).name) for code in known_landlords()]


def _safe_next(target: str | None) -> str:
    # Only a path on this site: never an open redirect.
    if target and target.startswith("/console") and not target.startswith("//"):
        return target
    return "/console/cases"


@router.get("", response_class=HTMLResponse)
async def home() -> Response:
    return see_other("/console/cases")


@router.get("/sign-in", response_class=HTMLResponse)
async def sign_in_page(
    request: Request, next: str | None = None, svc: Services = Depends(services)
) -> Response:
    if svc.settings.oidc_enabled:
        return await oidc.start(request, svc, _safe_next(next))
    if svc.settings.environment == "production":
        raise Forbidden("Sign in through your landlord's account.")
    token = anonymous_csrf(request)
    response = render(
        request, "sign_in.html", await read_session(request, svc),
        landlords=_landlords(), roles=ROLES, next=_safe_next(next), errors=[], form_csrf=token,
    )  # fmt: skip
    keep_anonymous_csrf(response, token, svc.settings)
    return response


@router.post("/sign-in", response_class=HTMLResponse)
async def sign_in(
    request: Request,
    user_id: str = Form(""),
    role: str = Form(""),
    landlord: str = Form(""),
    next: str = Form("/console/cases"),
    csrf_token: str = Form(""),
    svc: Services = Depends(services),
) -> Response:
    if svc.settings.environment == "production" or svc.settings.oidc_enabled:
        raise Forbidden("Sign in through your landlord's account.")
    if not anonymous_csrf_ok(request, csrf_token):
        raise Forbidden("This form has expired. Go back, reload the page and try again.")
    errors: list[tuple[str, str]] = []
    user_id = user_id.strip()
    if not is_staff_id(user_id):
        errors.append(
            ("user_id", "Enter a staff id of up to 100 letters, digits, full stops, hyphens or "
             "underscores, like sam.jones")
        )  # fmt: skip
    if role not in ROLES:
        errors.append(("role", f"Choose a role: {', '.join(ROLES)}"))
    if landlord not in known_landlords():
        errors.append(("landlord", "Choose a landlord"))
    if errors:
        return render(
            request, "sign_in.html", None, 422,
            landlords=_landlords(), roles=ROLES, next=_safe_next(next), errors=errors,
            values={"user_id": user_id, "role": role, "landlord": landlord}, form_csrf=csrf_token,
        )  # fmt: skip
    response = see_other(_safe_next(next))
    await start_session(response, svc, Principal(user_id=user_id, roles=[role], landlord=landlord))
    return response


@router.get("/sign-in/callback", response_class=HTMLResponse, name="oidc_callback")
async def oidc_callback(
    request: Request,
    code: str = "",
    state: str = "",
    error: str | None = None,
    svc: Services = Depends(services),
) -> Response:
    """Where the identity provider sends the browser back (register this URL there)."""
    return await oidc.finish(request, svc, code, state, error)


@router.post("/sign-out")
async def sign_out(
    request: Request,
    _form: dict[str, str] = Depends(checked_form),
    svc: Services = Depends(services),
) -> Response:
    response = see_other("/console/sign-in")
    await end_session(request, response, svc)
    return response
