"""Bearer tokens: the landlord's identity provider's access tokens (RS256/ES256, edge/oidc.py),
and in development HS256 tokens minted by ``asb-token`` carrying the user id, roles and landlord.

Production refuses the development tokens: staff sign in through the provider, whose groups
map to roles and a landlord (edge/identity.py). Using a provider's token keeps the staff
directory in step with its claims.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import ValidationError

from core.settings import Settings
from domain.vocabulary import is_staff_id
from edge.deps import Services, services
from edge.identity import SUBJECT_RULE, NotMapped, principal_from_claims, staff_values
from edge.oidc import InvalidToken, OidcProvider, ProviderUnavailable
from edge.principal import ROLES, STAFF, SUPERVISORS, Principal, Role
from services import staff

__all__ = ["ROLES", "STAFF", "SUPERVISORS", "Principal", "Role"]
log = logging.getLogger(__name__)

ALGORITHM = "HS256"
ISSUER = "asb-case-engine"

_bearer = HTTPBearer(auto_error=False, description="An access token of your identity provider "
                     "(development: one from `asb-token`)")  # fmt: skip


def mint_token(
    settings: Settings,
    user_id: str,
    roles: Iterable[Role],
    landlord: str,
    lifetime: timedelta = timedelta(hours=8),
) -> str:
    if not is_staff_id(user_id):
        raise ValueError(SUBJECT_RULE)
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
        if not isinstance(claims["sub"], str) or not is_staff_id(claims["sub"]):
            raise _unauthorised(f"invalid token: {SUBJECT_RULE}")
        return Principal(
            user_id=claims["sub"], roles=claims.get("roles", []), landlord=claims["landlord"]
        )
    except (jwt.PyJWTError, KeyError, TypeError, ValidationError) as invalid:
        raise _unauthorised(f"invalid token: {invalid}") from None


def provider_of(request: Request) -> OidcProvider | None:
    found: OidcProvider | None = getattr(request.app.state, "oidc", None)
    return found


async def keep_staff_in_step(
    svc: Services, provider: OidcProvider, principal: Principal, claims: Mapping[str, Any]
) -> None:
    """The staff directory follows the provider (name, email, job title); written only when
    the claims differ from what this process last wrote for the person."""
    claimed = staff_values(claims, svc.settings)
    seen = (principal.landlord, principal.user_id)
    if provider.synced.get(seen) == claimed:
        return
    await staff.keep_in_step(svc, principal.landlord, principal.user_id, claimed)
    provider.synced[seen] = claimed


async def principal_of_provider_token(
    token: str,
    svc: Services,
    provider: OidcProvider | None,
    audience: str | None = None,
    nonce: str | None = None,
) -> Principal:
    """Who a provider's token (access token, or the console's ID token) says is calling."""
    if provider is None:
        raise _unauthorised("invalid token: this service trusts no identity provider "
                            "(ASB_OIDC_ISSUER is not set)")  # fmt: skip
    try:
        claims = await provider.verify(token, audience, nonce)
        principal = principal_from_claims(claims, svc.settings)
    except InvalidToken as invalid:
        raise _unauthorised(str(invalid)) from None
    except ProviderUnavailable as down:
        log.warning("%s", down)
        raise HTTPException(
            status.HTTP_503_SERVICE_UNAVAILABLE, "the identity provider cannot be reached"
        ) from None
    except NotMapped as unmapped:
        raise HTTPException(status.HTTP_403_FORBIDDEN, f"signed in, but {unmapped}") from None
    await keep_staff_in_step(svc, provider, principal, claims)
    return principal


async def authenticated(
    request: Request,
    credentials: HTTPAuthorizationCredentials | None = Depends(_bearer),
    svc: Services = Depends(services),
) -> Principal:
    if credentials is None:
        raise _unauthorised("a bearer token is required")
    token = credentials.credentials
    try:
        algorithm = jwt.get_unverified_header(token).get("alg")
    except jwt.PyJWTError as invalid:
        raise _unauthorised(f"invalid token: {invalid}") from None
    if algorithm != ALGORITHM:
        return await principal_of_provider_token(token, svc, provider_of(request))
    if svc.settings.environment == "production":
        raise _unauthorised(
            "invalid token: development tokens (HS256) are refused in production; "
            "use an access token of the identity provider"
        )
    return decode_token(token, svc.settings)


def require_roles(*roles: Role) -> Callable[..., Awaitable[Principal]]:
    """A dependency that lets through a principal holding any of ``roles`` (else 403)."""

    async def check(principal: Principal = Depends(authenticated)) -> Principal:
        if not principal.has_any(*roles):
            raise HTTPException(
                status.HTTP_403_FORBIDDEN, f"this needs one of the roles: {', '.join(roles)}"
            )
        return principal

    return check
