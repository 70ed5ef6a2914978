"""The landlord's OpenID Connect provider, as the API and the console trust it.

The provider's metadata is discovered from ``<ASB_OIDC_ISSUER>/.well-known/openid-configuration``
and its signing keys from the ``jwks_uri`` it names. Tokens are RS256 or ES256 (never ``none``
nor HS256, which would let a public key act as a shared secret), and their issuer, audience,
expiry and not-before are checked (PyJWT).

The key set (docs/key-rotation.md):
- expires as the provider's ``Cache-Control: max-age`` says, held between
  ``ASB_OIDC_JWKS_CACHE_MIN_SECONDS`` and ``ASB_OIDC_JWKS_CACHE_MAX_SECONDS`` (the ceiling when
  the provider says nothing), so a key the provider withdraws stops being trusted; while the
  provider cannot be reached the last set is kept up to the ceiling past its download;
- is downloaded again when a token names a key id it does not hold (the provider rotated), at
  most once per ``ASB_OIDC_JWKS_REFRESH_SECONDS``. A token arriving inside that interval waits
  for the next download instead of being refused, and every token waiting meanwhile shares it:
  a stream of forged key ids cannot hammer the provider, nor make a replica refuse the genuine
  new key (it is accepted at the next download, within the interval).

The API takes access tokens only: a token bearing an ID token's marks (``nonce``, ``at_hash``,
``c_hash``, or a ``typ`` naming an ID token) is refused even when its audience matches, as the
console's ID tokens (audience = the client id, the API's default audience) would.
"""

from __future__ import annotations

import asyncio
import logging
import re
import secrets
import time
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import jwt

from core.settings import Settings
from edge.identity import check_maps

log = logging.getLogger(__name__)
ALGORITHMS = ("RS256", "ES256")
# Claims only an ID token carries (OpenID Connect Core 2, 3.1.3.6, 3.3.2.11): the API refuses them.
ID_TOKEN_CLAIMS = ("nonce", "at_hash", "c_hash")
ID_TOKEN_TYPES = ("id_token", "id_token+jwt", "application/id_token+jwt")
_MAX_AGE = re.compile(r"(?:^|[,\s])max-age\s*=\s*(\d+)", re.IGNORECASE)
LEEWAY_SECONDS = 30  # clock skew between the provider and this host
TIMEOUT = httpx.Timeout(10.0)


class InvalidToken(Exception):
    """Not a token of the provider for this service (HTTP 401, with the reason)."""


class ProviderUnavailable(Exception):
    """The provider's metadata or keys could not be read (HTTP 503)."""


def cache_seconds(cache_control: str | None, floor: int, ceiling: int) -> int:
    """How long to keep a key set: the provider's max-age, held within [floor, ceiling]; the
    ceiling when it gives none (``no-store``/``no-cache`` count as 0: the floor)."""
    text = (cache_control or "").lower()
    found = _MAX_AGE.search(text)
    if found:
        wanted = int(found[1])
    elif "no-store" in text or "no-cache" in text:
        wanted = 0
    else:
        wanted = ceiling
    return max(floor, min(ceiling, wanted))


class OidcProvider:
    def __init__(
        self,
        settings: Settings,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        check_maps(settings)
        self.issuer = settings.oidc_issuer
        self.client_id = settings.oidc_client_id
        self.audience = settings.oidc_audience or settings.oidc_client_id
        self._refresh_after = float(settings.oidc_jwks_refresh_seconds)
        self._cache_floor = settings.oidc_jwks_cache_min_seconds
        self._cache_ceiling = max(settings.oidc_jwks_cache_max_seconds, self._cache_floor)
        self._clock = clock
        self._sleep = sleep
        self._metadata: dict[str, Any] | None = None
        self._keys: dict[str, jwt.PyJWK] | None = None
        self._fetched_at = 0.0  # clock time of the last download of the key set
        self._expires_at = 0.0
        self._lock = asyncio.Lock()  # one download of an expired set at a time
        self._unknown_kid_lock = asyncio.Lock()  # one download for unknown key ids at a time
        self.jwks_downloads = 0  # read by the tests and the logs: how often the provider was asked
        # (landlord, subject) -> the staff fields last written, so a token used for every request
        # writes the directory only when its claims change.
        self.synced: dict[tuple[str, str], dict[str, str]] = {}

    async def _get(self, url: str) -> dict[str, Any]:
        found, _ = await self._get_with_headers(url)
        return found

    async def _get_with_headers(self, url: str) -> tuple[dict[str, Any], httpx.Headers]:
        try:
            async with httpx.AsyncClient(timeout=TIMEOUT) as client:
                response = await client.get(url)
                response.raise_for_status()
                found: dict[str, Any] = response.json()
                return found, response.headers
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
        url = str((await self.metadata())["jwks_uri"])
        document, headers = await self._get_with_headers(url)
        self.jwks_downloads += 1
        keys: dict[str, jwt.PyJWK] = {}
        for entry in document.get("keys", []):
            if entry.get("use", "sig") != "sig" or "kid" not in entry:
                continue
            try:
                keys[str(entry["kid"])] = jwt.PyJWK(entry)
            except jwt.PyJWTError:
                continue  # a key type this service does not verify with (e.g. encryption)
        now = self._clock()
        lifetime = cache_seconds(headers.get("cache-control"), self._cache_floor,
                                 self._cache_ceiling)  # fmt: skip
        self._keys, self._fetched_at, self._expires_at = keys, now, now + lifetime
        return keys

    async def _current_keys(self) -> dict[str, jwt.PyJWK]:
        """The key set, downloaded again once it has expired."""
        async with self._lock:
            if self._keys is not None and self._clock() < self._expires_at:
                return self._keys
            try:
                return await self._download_keys()
            except ProviderUnavailable:
                stale = self._keys
                if stale is None or self._clock() >= self._fetched_at + self._cache_ceiling:
                    raise
                log.warning("the provider's keys could not be refreshed; keeping the last set")
                return stale

    async def key(self, kid: str) -> jwt.PyJWK:
        # Downloads for unknown key ids are spaced by the refresh interval and shared: a token
        # that arrived before a download uses its answer; one that arrives after waits for the
        # next (module docstring).
        seen = self.jwks_downloads  # the downloads this token has not yet been checked against
        keys = await self._current_keys()
        if kid in keys:
            return keys[kid]
        async with self._unknown_kid_lock:
            if self.jwks_downloads == seen:
                wait = self._fetched_at + self._refresh_after - self._clock()
                if wait > 0:
                    await self._sleep(wait)
                async with self._lock:
                    if self.jwks_downloads == seen:
                        await self._download_keys()
            keys = self._keys or {}
        if kid in keys:
            return keys[kid]
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
        if nonce is None and _is_id_token(header, claims):
            raise InvalidToken(
                "invalid token: this is an ID token, which signs a person in to the console; "
                "the API takes the provider's access tokens only"
            )
        return claims


def _is_id_token(header: dict[str, Any], claims: dict[str, Any]) -> bool:
    typ = str(header.get("typ", "")).lower()
    return typ in ID_TOKEN_TYPES or any(claim in claims for claim in ID_TOKEN_CLAIMS)
