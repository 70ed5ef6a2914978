"""A real OpenID Connect provider for the tests (tests/oidc/provider.mjs, oauth2-mock-server from
npm, installed by `make install`), run as a child process on a free port, and the settings that
make the product trust it."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import jwt
from authlib.integrations.httpx_client import AsyncOAuth2Client

ROOT = Path(__file__).resolve().parents[2]
PROVIDER = Path(__file__).with_name("provider.mjs")
CLIENT_ID = "asb-console"
CLIENT_SECRET = "console-secret-for-tests"
AUDIENCE = "api://asb-case-engine"
ROLE_MAP = "asb-officers=officer,asb-supervisors=supervisor,asb-admins=admin"
LANDLORD_MAP = "landlord-x=X,landlord-y=Y"


def oidc_settings(issuer: str) -> dict[str, Any]:
    return {
        "oidc_issuer": issuer,
        "oidc_client_id": CLIENT_ID,
        "oidc_client_secret": CLIENT_SECRET,
        "oidc_audience": AUDIENCE,
        "oidc_role_map": ROLE_MAP,
        "oidc_landlord_map": LANDLORD_MAP,
        "oidc_job_title_claim": "jobTitle",
    }


def person(sub: str, *groups: str, **claims: Any) -> dict[str, Any]:
    return {"sub": sub, "groups": list(groups), **claims}


class Provider:
    def __init__(self, issuer: str) -> None:
        self.issuer = issuer
        self.http = httpx.Client(base_url=issuer)

    def sign_in_as(self, claims: dict[str, Any]) -> None:
        """The person the provider signs in next (it asks no password)."""
        self.http.put("/_test/user", json=claims).raise_for_status()

    def rotate(self, alg: str = "RS256") -> str:
        answer = self.http.post("/_test/rotate", json={"alg": alg})
        answer.raise_for_status()
        kid: str = answer.json()["kid"]
        return kid

    def token(self, expires_in: int = 3600, **claims: Any) -> str:
        """An access token for the current person, signed by the provider's current key."""
        answer = self.http.post("/_test/token", json={"claims": claims, "expiresIn": expires_in})
        answer.raise_for_status()
        token: str = answer.json()["access_token"]
        return token

    def withdraw(self, kid: str) -> None:
        """The provider stops publishing a key (compromised, or rotated out)."""
        self.http.post("/_test/withdraw", json={"kid": kid}).raise_for_status()

    def serve_jwks_for(self, max_age: int | None) -> None:
        """The Cache-Control max-age the provider's JWKS is served with (None: no header)."""
        self.http.post("/_test/jwks-cache", json={"maxAge": max_age}).raise_for_status()

    def jwks_downloads(self) -> int:
        count: int = self.http.get("/_test/stats").json()["jwks_downloads"]
        return count

    async def code_flow_tokens(
        self, redirect_uri: str = "http://client.test/callback", nonce: str | None = None
    ) -> dict:
        """The authorization code flow with PKCE as a client runs it (Authlib), for the current
        person: what the provider's token endpoint answers."""
        metadata = self.http.get("/.well-known/openid-configuration").json()
        verifier = "v" * 64
        async with AsyncOAuth2Client(
            CLIENT_ID, CLIENT_SECRET, scope="openid profile email", redirect_uri=redirect_uri,
            code_challenge_method="S256",
        ) as client:  # fmt: skip
            extra = {"nonce": nonce} if nonce else {}
            url, _state = client.create_authorization_url(
                metadata["authorization_endpoint"], code_verifier=verifier, **extra
            )
            async with httpx.AsyncClient() as browser:  # the provider asks no password
                location = (await browser.get(url)).headers["location"]
            code = httpx.URL(location).params["code"]
            token: dict = await client.fetch_token(
                metadata["token_endpoint"], grant_type="authorization_code", code=code,
                code_verifier=verifier,
            )  # fmt: skip
            return token


@contextmanager
def running_provider(audience: str = AUDIENCE) -> Iterator[Provider]:
    node = shutil.which("node")
    assert node, "node is missing: the test provider runs on Node.js (make install needs it too)"
    process = subprocess.Popen(
        [node, str(PROVIDER), audience], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    assert process.stdout is not None
    issuer = process.stdout.readline().strip()  # printed once it listens: no polling
    assert issuer.startswith("http://"), f"the test provider did not start ({issuer!r})"
    try:
        yield Provider(issuer)
    finally:
        process.terminate()
        process.wait(timeout=10)


def header(token: str) -> dict[str, Any]:
    found: dict[str, Any] = jwt.get_unverified_header(token)
    return found
