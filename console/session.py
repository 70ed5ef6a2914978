"""The console's session: a signed cookie naming a server-side session, and the CSRF secret.

The cookie carries a short JWT of its own (audience ``asb-console``), signed with the same secret
as bearer tokens but never accepted as one, nor a bearer token as a session. It names a random
session id whose digest the database holds (``console_sessions``, shared by every API replica):
signing out deletes that row, so the cookie is dead at once everywhere, even if someone kept a
copy; a session unused for ``ASB_CONSOLE_IDLE_MINUTES`` expires, and none outlives
:data:`LIFETIME`. Sign-in methods only differ in how they arrive at a
:class:`~edge.auth.Principal`: the development page picks one, the landlord's identity provider
verifies one, and both end in :func:`start_session`.
"""

from __future__ import annotations

import hmac
import secrets
import time
from datetime import UTC, datetime, timedelta

import jwt
from fastapi import Request, Response
from pydantic import ValidationError

from core.settings import Settings
from edge.auth import ALGORITHM, Principal
from edge.deps import Services
from services import console_sessions

COOKIE = "asb_session"
AUDIENCE = "asb-console"
LIFETIME = timedelta(hours=8)  # one working day, however active


class Session:
    def __init__(self, principal: Principal, csrf: str) -> None:
        self.principal = principal
        self.csrf = csrf


def _idle_seconds(settings: Settings) -> int:
    return settings.console_idle_minutes * 60


async def start_session(response: Response, svc: Services, principal: Principal) -> None:
    settings = svc.settings
    now = datetime.now(UTC)
    session_id = secrets.token_urlsafe(32)
    seconds = int(now.timestamp())
    await console_sessions.start(
        svc, session_id, principal.landlord, principal.user_id, seconds,
        forget_before=seconds - max(_idle_seconds(settings), int(LIFETIME.total_seconds())),
    )  # fmt: skip
    claims = {
        "sub": principal.user_id,
        "roles": principal.roles,
        "landlord": principal.landlord,
        "sid": session_id,
        "csrf": secrets.token_urlsafe(24),
        "aud": AUDIENCE,
        "iat": now,
        "exp": now + LIFETIME,
    }
    token = jwt.encode(claims, settings.token_secret.get_secret_value(), algorithm=ALGORITHM)
    response.set_cookie(
        COOKIE,
        token,
        max_age=int(LIFETIME.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=settings.environment != "development",
        path="/",
    )


def _claims(request: Request, settings: Settings) -> dict[str, object] | None:
    token = request.cookies.get(COOKIE)
    if not token:
        return None
    try:
        claims: dict[str, object] = jwt.decode(
            token,
            settings.token_secret.get_secret_value(),
            algorithms=[ALGORITHM],
            audience=AUDIENCE,
            options={"require": ["sub", "exp", "aud", "csrf", "sid"]},
        )
    except jwt.PyJWTError:
        return None
    return claims


async def end_session(request: Request, response: Response, svc: Services) -> None:
    """Sign out: the server forgets the session (every replica refuses the cookie from now on)
    and the browser drops the cookie."""
    claims = _claims(request, svc.settings)
    if claims is not None:
        await console_sessions.end(svc, str(claims["sid"]))
    response.delete_cookie(
        COOKIE, path="/", httponly=True, samesite="lax",
        secure=svc.settings.environment != "development",
    )  # fmt: skip


async def read_session(request: Request, svc: Services) -> Session | None:
    """The live session the request's cookie names; None when there is none, it was signed out,
    or it has been idle too long."""
    claims = _claims(request, svc.settings)
    if claims is None:
        return None
    try:
        principal = Principal(
            user_id=claims["sub"], roles=claims.get("roles", []), landlord=claims["landlord"]
        )
    except (KeyError, ValidationError):
        return None
    now = int(time.time())
    live = await console_sessions.is_live(
        svc, str(claims["sid"]), now, idle_since=now - _idle_seconds(svc.settings)
    )
    return Session(principal, str(claims["csrf"])) if live else None


def csrf_ok(session: Session, submitted: str | None) -> bool:
    return bool(submitted) and hmac.compare_digest(session.csrf, str(submitted))


# Forms shown before anyone signs in (sign-in, the public report) use a double-submit token: a
# random value in a cookie of its own and in the form; a cross-site page can send neither.
ANONYMOUS_CSRF = "asb_csrf"


def anonymous_csrf(request: Request) -> str:
    return request.cookies.get(ANONYMOUS_CSRF) or secrets.token_urlsafe(24)


def keep_anonymous_csrf(response: Response, token: str, settings: Settings) -> None:
    response.set_cookie(
        ANONYMOUS_CSRF, token, httponly=True, samesite="lax", path="/",
        secure=settings.environment != "development",
    )  # fmt: skip


def anonymous_csrf_ok(request: Request, submitted: str | None) -> bool:
    expected = request.cookies.get(ANONYMOUS_CSRF)
    return bool(expected and submitted) and hmac.compare_digest(str(expected), str(submitted))
