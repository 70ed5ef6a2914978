"""Signing in to the console through the landlord's OpenID Connect provider.

The authorization code flow with PKCE (RFC 7636, S256), through Authlib's client: the sign-in
page sends the browser to the provider with a fresh ``state``, ``nonce`` and code challenge,
kept meanwhile in a short signed cookie of their own (audience ``asb-oidc``, never a session).
The callback checks the state, exchanges the code with the verifier, verifies the ID token
(signature from the provider's JWKS, issuer, audience = the client id, expiry, nonce), maps its
claims to roles and a landlord (edge/identity.py), keeps the staff directory in step, and ends in
the same :func:`console.session.start_session` as the development sign-in.
"""

from __future__ import annotations

import secrets
import warnings
from datetime import UTC, datetime, timedelta

import authlib.deprecate  # noqa: F401  (installs its "always" filter first, so ours below wins)
import jwt
from authlib.common.security import generate_token

# Authlib 1.9 announces, on import, that it will prefer the httpx2 package; the product uses
# httpx (as every other HTTP client here does), which Authlib still supports.
with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="The httpx module is deprecated")
    from authlib.integrations.httpx_client import AsyncOAuth2Client, OAuthError
from fastapi import HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from httpx import HTTPError

from console.session import start_session
from console.web import Forbidden, see_other
from core.settings import Settings
from edge.auth import ALGORITHM, principal_of_provider_token, provider_of
from edge.deps import Services
from edge.oidc import OidcProvider, ProviderUnavailable

COOKIE = "asb_oidc"
AUDIENCE = "asb-oidc"
PATH = "/console/sign-in/callback"
LIFETIME = timedelta(minutes=10)  # time to sign in at the provider


def _client(settings: Settings, redirect_uri: str) -> AsyncOAuth2Client:
    secret = settings.oidc_client_secret.get_secret_value()
    return AsyncOAuth2Client(
        client_id=settings.oidc_client_id,
        client_secret=secret or None,
        scope=settings.oidc_scopes,
        redirect_uri=redirect_uri,
        code_challenge_method="S256",
        token_endpoint_auth_method="client_secret_basic" if secret else "none",
    )


def _redirect_uri(request: Request, settings: Settings) -> str:
    return settings.oidc_redirect_url or str(request.url_for("oidc_callback"))


def _provider(request: Request) -> OidcProvider:
    provider = provider_of(request)
    if provider is None:
        raise Forbidden("Sign-in through an identity provider is not set up (ASB_OIDC_ISSUER).")
    return provider


async def start(request: Request, svc: Services, next_url: str) -> Response:
    """Send the browser to the provider's sign-in, remembering state, nonce and verifier."""
    settings = svc.settings
    try:
        metadata = await _provider(request).metadata()
    except ProviderUnavailable as down:
        raise Forbidden(f"Your organisation's sign-in cannot be reached just now: {down}") from None
    verifier, nonce = generate_token(64), secrets.token_urlsafe(24)
    async with _client(settings, _redirect_uri(request, settings)) as client:
        url, state = client.create_authorization_url(
            metadata["authorization_endpoint"], code_verifier=verifier, nonce=nonce
        )
    now = datetime.now(UTC)
    pending = {"state": state, "nonce": nonce, "verifier": verifier, "next": next_url,
               "aud": AUDIENCE, "iat": now, "exp": now + LIFETIME}  # fmt: skip
    response = RedirectResponse(url, status_code=303)
    response.set_cookie(
        COOKIE,
        jwt.encode(pending, settings.token_secret.get_secret_value(), algorithm=ALGORITHM),
        max_age=int(LIFETIME.total_seconds()),
        httponly=True,
        samesite="lax",  # the provider's redirect back is a top-level GET: lax sends it
        secure=settings.environment != "development",
        path=PATH,
    )
    return response


def _pending(request: Request, settings: Settings, state: str) -> dict[str, str]:
    try:
        pending: dict[str, str] = jwt.decode(
            request.cookies.get(COOKIE, ""),
            settings.token_secret.get_secret_value(),
            algorithms=[ALGORITHM],
            audience=AUDIENCE,
            options={"require": ["exp", "aud"]},
        )
    except jwt.PyJWTError:
        raise Forbidden(
            "This sign-in has expired. Go back to the sign-in page and try again."
        ) from None
    if not state or not secrets.compare_digest(str(pending.get("state")), state):
        raise Forbidden("This sign-in did not start here. Go to the sign-in page and try again.")
    return pending


async def finish(
    request: Request, svc: Services, code: str, state: str, error: str | None
) -> Response:
    """The provider's redirect back: the code becomes tokens, the ID token a session."""
    settings = svc.settings
    if error:
        raise Forbidden(f"Your organisation's sign-in refused: {error}")
    pending = _pending(request, settings, state)
    provider = _provider(request)
    try:
        metadata = await provider.metadata()
        async with _client(settings, _redirect_uri(request, settings)) as client:
            token = await client.fetch_token(
                metadata["token_endpoint"],
                grant_type="authorization_code",
                code=code,
                code_verifier=pending["verifier"],
            )
    except (ProviderUnavailable, OAuthError, HTTPError, KeyError) as failed:
        raise Forbidden(f"Your organisation's sign-in did not complete: {failed}") from None
    if "id_token" not in token:
        raise Forbidden("Your organisation's sign-in sent no ID token (is 'openid' a scope?).")
    try:
        principal = await principal_of_provider_token(
            token["id_token"], svc, provider, audience=settings.oidc_client_id,
            nonce=pending["nonce"],
        )  # fmt: skip
    except HTTPException as refused:
        raise Forbidden(f"You cannot sign in here: {refused.detail}") from None
    response = see_other(pending["next"])
    response.delete_cookie(COOKIE, path=PATH)
    await start_session(response, svc, principal)
    return response
