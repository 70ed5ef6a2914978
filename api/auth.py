"""Bearer tokens (PyJWT, HS256) carrying the user id, roles and landlord.

Officers act on their landlord's cases; supervisors also approve and reassign; admins have the
supervisor's powers. Nobody sees another landlord's cases.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from datetime import UTC, datetime, timedelta
from typing import Literal

import jwt
from fastapi import Depends, HTTPException, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ValidationError

from api.deps import Services, services
from core.settings import Settings

Role = Literal["officer", "supervisor", "admin"]
ROLES: tuple[Role, ...] = ("officer", "supervisor", "admin")
STAFF: tuple[Role, ...] = ("officer", "supervisor", "admin")
SUPERVISORS: tuple[Role, ...] = ("supervisor", "admin")
ALGORITHM = "HS256"
ISSUER = "asb-case-engine"

_bearer = HTTPBearer(auto_error=False, description="A token from `asb-token` or your IdP")


class Principal(BaseModel):
    user_id: str
    roles: list[Role]
    landlord: str

    def has_any(self, *roles: str) -> bool:
        return any(role in self.roles for role in roles)


def mint_token(
    settings: Settings,
    user_id: str,
    roles: Iterable[Role],
    landlord: str,
    lifetime: timedelta = timedelta(hours=8),
) -> str:
    if lifetime > max_lifetime(settings):
        raise ValueError(
            f"a token may live at most {settings.token_max_lifetime_hours} hours "
            "(ASB_TOKEN_MAX_LIFETIME_HOURS)"
        )
    now = datetime.now(UTC)
    claims = {
        "sub": user_id,
        "roles": list(roles),
        "landlord": landlord,
        "iss": ISSUER,
        "iat": now,
        "exp": now + lifetime,
    }
    return jwt.encode(claims, settings.token_secret.get_secret_value(), algorithm=ALGORITHM)


def max_lifetime(settings: Settings) -> timedelta:
    return timedelta(hours=settings.token_max_lifetime_hours)


def _unauthorised(reason: str) -> HTTPException:
    return HTTPException(
        status.HTTP_401_UNAUTHORIZED, reason, headers={"WWW-Authenticate": "Bearer"}
    )


def decode_token(token: str, settings: Settings) -> Principal:
    try:
        claims = jwt.decode(
            token,
            settings.token_secret.get_secret_value(),
            algorithms=[ALGORITHM],
            issuer=ISSUER,
            options={"require": ["sub", "exp", "iat", "iss"]},
        )
        if claims["exp"] - claims["iat"] > max_lifetime(settings).total_seconds():
            raise _unauthorised(
                f"invalid token: it lives longer than {settings.token_max_lifetime_hours} hours"
            )
        return Principal(
            user_id=claims["sub"], roles=claims.get("roles", []), landlord=claims["landlord"]
        )
    except (jwt.PyJWTError, KeyError, TypeError, ValidationError) as invalid:
        raise _unauthorised(f"invalid token: {invalid}") from None


async def authenticated(
    credentials: HTTPAuthorizationCredentials | None = Depends(_bearer),
    svc: Services = Depends(services),
) -> Principal:
    if credentials is None:
        raise _unauthorised("a bearer token is required")
    return decode_token(credentials.credentials, svc.settings)


def require_roles(*roles: Role) -> Callable[..., Awaitable[Principal]]:
    """A dependency that lets through a principal holding any of ``roles`` (else 403)."""

    async def check(principal: Principal = Depends(authenticated)) -> Principal:
        if not principal.has_any(*roles):
            raise HTTPException(
                status.HTTP_403_FORBIDDEN, f"this needs one of the roles: {', '.join(roles)}"
            )
        return principal

    return check
