"""What every console page shares: templates, the signed-in user, CSRF, error pages."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from console import backend, labels
from console.backend import Problem
from console.session import Session, csrf_ok, read_session
from core.policies import load_policy
from edge.deps import Services, services
from edge.errors import RETRY_AFTER_SECONDS, set_outage_page

HERE = Path(__file__).parent
templates = Jinja2Templates(directory=HERE / "templates")
templates.env.globals.update(labels=labels, words=labels.words)
templates.env.filters["when"] = lambda d: d.strftime("%-d %b %Y %H:%M") if d else ""
templates.env.filters["day"] = lambda d: d.strftime("%-d %b %Y") if d else ""


class SignInRequired(Exception):
    def __init__(self, next_url: str) -> None:
        self.next_url = next_url


class Forbidden(Exception):
    def __init__(self, reason: str) -> None:
        self.reason = reason


async def session(request: Request, svc: Services = Depends(services)) -> Session:
    found = await read_session(request, svc)
    if found is None:
        raise SignInRequired(str(request.url.path))
    # Pages name staff by their directory display name (header, officer columns, case summary).
    request.state.staff_names = await backend.staff_names(svc, found.principal.landlord)
    return found


async def supervisor(s: Session = Depends(session)) -> Session:
    if not s.principal.has_any("supervisor", "admin"):
        raise Forbidden("This page is for supervisors.")
    return s


async def admin(s: Session = Depends(session)) -> Session:
    if not s.principal.has_any("admin"):
        raise Forbidden("This page is for admins.")
    return s


async def checked_form(request: Request, s: Session = Depends(session)) -> dict[str, str]:
    """The submitted form, refused unless it carries this session's CSRF token."""
    form = await request.form()
    values = {k: str(v) for k, v in form.items()}
    if not csrf_ok(s, values.get("csrf_token")):
        raise Forbidden("This form has expired. Go back, reload the page and try again.")
    return values


def landlord_name(code: str) -> str:
    try:
        return load_policy(code).name
    except Exception:  # an unknown landlord in an old cookie: show its code
        return code


def render(
    request: Request,
    template: str,
    s: Session | None,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    base: dict[str, Any] = {
        "session": s,
        "user": s.principal if s else None,
        "csrf": s.csrf if s else "",
        "landlord_name": landlord_name(s.principal.landlord) if s else context.get("landlord_name"),
        "is_supervisor": bool(s and s.principal.has_any("supervisor", "admin")),
        "is_admin": bool(s and s.principal.has_any("admin")),
        "new_key": uuid.uuid4().hex,
        "path": request.url.path,
        "staff": _namer(getattr(request.state, "staff_names", {})),
    }
    return templates.TemplateResponse(
        request, template, {**base, **context}, status_code=status_code
    )


def _namer(names: dict[str, str]) -> Any:
    def staff(staff_id: str | None, missing: str = "Not assigned") -> str:
        return names.get(staff_id, staff_id) if staff_id else missing

    return staff


def see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


# The paths whose outages are answered as a page (the rest of the API answers JSON).
CONSOLE_PATHS = ("/console", "/report")


def _unavailable(request: Request, message: str = backend.UNAVAILABLE) -> Response:
    """503 in plain English, with Retry-After; no session is read (the database may be down)."""
    response = render(
        request, "error.html", None, 503, title="Sorry, the service is unavailable",
        message=message,
    )  # fmt: skip
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


async def _session_if_readable(request: Request) -> Session | None:
    """Who is signed in, for the header of an error page; an error page still shows (signed
    out) when the session store cannot be read."""
    try:
        return await read_session(request, request.app.state.services)
    except Exception:
        return None


def install_handlers(app: Any) -> None:
    async def sign_in_required(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, SignInRequired)
        return see_other(f"/console/sign-in?next={exc.next_url}")

    async def forbidden(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, Forbidden)
        s = await _session_if_readable(request)
        return render(request, "error.html", s, 403, title="You cannot do this", message=exc.reason)

    async def problem(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, Problem)
        if exc.status == 503:  # an outage; the access log's own refusal keeps its words
            said = [m for _, m in exc.messages if m == backend.NOT_RECORDED]
            return _unavailable(request, said[0] if said else backend.UNAVAILABLE)
        s = await _session_if_readable(request)
        title = "Page not found" if exc.status == 404 else "Sorry, there is a problem"
        message = "; ".join(m for _, m in exc.messages)
        return render(request, "error.html", s, exc.status, title=title, message=message)

    def outage_page(request: Request, _detail: str) -> Response | None:
        if not request.url.path.startswith(CONSOLE_PATHS):
            return None  # the API's own paths answer JSON
        return _unavailable(request)

    set_outage_page(app, outage_page)
    app.add_exception_handler(SignInRequired, sign_in_required)
    app.add_exception_handler(Forbidden, forbidden)
    app.add_exception_handler(Problem, problem)
