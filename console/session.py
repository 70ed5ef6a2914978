"""The console's session: a signed cookie holding who is signed in, and the CSRF secret.

The cookie carries a short JWT of its own (audience ``asb-console``), signed with the same secret
as bearer tokens but never accepted as one, nor a bearer token as a session. Sign-in methods only
differ in how they arrive at a :class:`~edge.auth.Principal`: the development page picks one, a
landlord's identity provider (OIDC, a later issue) will verify one, and both end in
:func:`start_session`.
"""

from __future__ import annotations

import hmac
import secrets
from datetime import UTC, datetime, timedelta

import jwt
from fastapi import Request, Response
from pydantic import ValidationError

from core.settings import Settings
from edge.auth import ALGORITHM, Principal

COOKIE = "asb_session"
AUDIENCE = "asb-console"
LIFETIME = timedelta(hours=8)  # one working day


class Session:
    def __init__(self, principal: Principal, csrf: str) -> None:
        self.principal = principal
        self.csrf = csrf


def start_session(response: Response, settings: Settings, principal: Principal) -> None:
    now = datetime.now(UTC)
    claims = {
        "sub": principal.user_id,
        "roles": principal.roles,
        "landlord": principal.landlord,
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


def end_session(response: Response, settings: Settings) -> None:
    response.delete_cookie(
        COOKIE, path="/", httponly=True, samesite="lax",
        secure=settings.environment != "development",
    )  # fmt: skip


def read_session(request: Request, settings: Settings) -> Session | None:
    token = request.cookies.get(COOKIE)
    if not token:
        return None
    try:
        claims = jwt.decode(
            token,
            settings.token_secret.get_secret_value(),
            algorithms=[ALGORITHM],
            audience=AUDIENCE,
            options={"require": ["sub", "exp", "aud", "csrf"]},
        )
        principal = Principal(
            user_id=claims["sub"], roles=claims.get("roles", []), landlord=claims["landlord"]
        )
    except (jwt.PyJWTError, KeyError, ValidationError):
        return None
    return Session(principal, str(claims["csrf"]))


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
