"""The landlord's OpenID Connect provider, as the API and the console trust it.

The provider's metadata is discovered from ``<ASB_OIDC_ISSUER>/.well-known/openid-configuration``
and its signing keys from the ``jwks_uri`` it names. The key set is cached and downloaded again
when a token names a key id it does not hold (the provider rotated its keys); a token naming an
unknown key can cause that download at most once per ``ASB_OIDC_JWKS_REFRESH_SECONDS``, so a
stream of forged key ids cannot hammer the provider. Tokens are RS256 or ES256 (never ``none``
nor HS256, which would let a public key act as a shared secret), and their issuer, audience,
expiry and not-before are checked (PyJWT).
"""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import Callable
from typing import Any

import httpx
import jwt

from core.settings import Settings
from edge.identity import check_maps

ALGORITHMS = ("RS256", "ES256")
LEEWAY_SECONDS = 30  # clock skew between the provider and this host
TIMEOUT = httpx.Timeout(10.0)


class InvalidToken(Exception):
    """Not a token of the provider for this service (HTTP 401, with the reason)."""


class ProviderUnavailable(Exception):
    """The provider's metadata or keys could not be read (HTTP 503)."""


class OidcProvider:
    def __init__(self, settings: Settings, clock: Callable[[], float] = time.monotonic) -> None:
        check_maps(settings)
        self.issuer = settings.oidc_issuer
        self.client_id = settings.oidc_client_id
        self.audience = settings.oidc_audience or settings.oidc_client_id
        self._refresh_after = float(settings.oidc_jwks_refresh_seconds)
        self._clock = clock
        self._metadata: dict[str, Any] | None = None
        self._keys: dict[str, jwt.PyJWK] | None = None
        self._last_unknown_kid_fetch: float | None = None
        self._lock = asyncio.Lock()
        self.jwks_downloads = 0  # read by the tests and the logs: how often the provider was asked
        # (landlord, subject) -> the staff fields last written, so a token used for every request
        # writes the directory only when its claims change.
        self.synced: dict[tuple[str, str], dict[str, str]] = {}

    async def _get(self, url: str) -> dict[str, Any]:
        try:
            async with httpx.AsyncClient(timeout=TIMEOUT) as client:
                response = await client.get(url)
                response.raise_for_status()
                found: dict[str, Any] = response.json()
                return found
        except (httpx.HTTPError, ValueError) as error:
            raise ProviderUnavailable(f"no answer from the provider at {url}: {error}") from None

    async def metadata(self) -> dict[str, Any]:
        if self._metadata is None:
            url = f"{self.issuer.rstrip('/')}/.well-known/openid-configuration"
            found = await self._get(url)
            if str(found.get("issuer", "")).rstrip("/") != self.issuer.rstrip("/"):
                raise ProviderUnavailable(
                    f"the provider at {url} calls itself {found.get('issuer')!r}, "
                    f"not ASB_OIDC_ISSUER {self.issuer!r}"
                )
            self._metadata = found
        return self._metadata

    async def _download_keys(self) -> dict[str, jwt.PyJWK]:
        document = await self._get(str((await self.metadata())["jwks_uri"]))
        self.jwks_downloads += 1
        keys: dict[str, jwt.PyJWK] = {}
        for entry in document.get("keys", []):
            if entry.get("use", "sig") != "sig" or "kid" not in entry:
                continue
            try:
                keys[str(entry["kid"])] = jwt.PyJWK(entry)
            except jwt.PyJWTError:
                continue  # a key type this service does not verify with (e.g. encryption)
        return keys

    async def key(self, kid: str) -> jwt.PyJWK:
        async with self._lock:
            if self._keys is None:
                self._keys = await self._download_keys()
            if kid in self._keys:
                return self._keys[kid]
            now = self._clock()
            last = self._last_unknown_kid_fetch
            if last is None or now - last >= self._refresh_after:
                self._last_unknown_kid_fetch = now
                self._keys = await self._download_keys()
                if kid in self._keys:
                    return self._keys[kid]
        raise InvalidToken(f"invalid token: signed with a key the provider does not list ({kid})")

    async def verify(
        self, token: str, audience: str | None = None, nonce: str | None = None
    ) -> dict[str, Any]:
        """The claims of a genuine, current token of the provider for ``audience`` (default:
        the API's, ``ASB_OIDC_AUDIENCE``), carrying ``nonce`` when one is given (an ID token
        answering this sign-in, not a replayed one); :class:`InvalidToken` naming what is
        wrong."""
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as error:
            raise InvalidToken(f"invalid token: {error}") from None
        algorithm = header.get("alg")
        if algorithm not in ALGORITHMS:
            raise InvalidToken(
                f"invalid token: signed with {algorithm}; the provider's tokens are "
                f"{' or '.join(ALGORITHMS)}"
            )
        if not isinstance(header.get("kid"), str):
            raise InvalidToken("invalid token: its header names no key id ('kid')")
        key = await self.key(header["kid"])
        issuer = str((await self.metadata())["issuer"])
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key.key,
                algorithms=[algorithm],
                audience=audience or self.audience,
                issuer=issuer,
                leeway=LEEWAY_SECONDS,
                options={"require": ["exp", "iss", "aud", "sub"]},
            )
        except (jwt.PyJWTError, TypeError, ValueError) as error:  # a key of another type
            raise InvalidToken(f"invalid token: {error}") from None
        if nonce is not None and not secrets.compare_digest(str(claims.get("nonce", "")), nonce):
            raise InvalidToken("invalid token: its nonce does not answer this sign-in")
        return claims
