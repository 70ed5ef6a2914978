"""Identity edges of issue 22, against the real test provider (tests/oidc/provider.mjs): the API
refuses the console's ID tokens even with the default audience; the key set expires as the
provider's Cache-Control says, so a withdrawn key stops opening the API; and a forged key id just
before a rotation cannot make the API refuse the genuine new key."""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from core.settings import Settings
from edge.oidc import InvalidToken, OidcProvider, cache_seconds
from tests.oidc.support import CLIENT_ID, Provider, header, oidc_settings, person, running_provider

OFFICER = person("olu.okafor", "asb-officers", "landlord-x", name="Olu Okafor")


@pytest.fixture(scope="module")
def provider() -> Iterator[Provider]:
    # Access tokens for the client id itself: the API's default audience (ASB_OIDC_AUDIENCE
    # empty), which ID tokens carry too.
    with running_provider(audience=CLIENT_ID) as running:
        yield running


@pytest.fixture
def settings(task_queue: str, tmp_path: Path, provider: Provider) -> Settings:
    return Settings(
        task_queue=task_queue,
        data_dir=tmp_path,
        **{**oidc_settings(provider.issuer), "oidc_audience": "", "oidc_jwks_refresh_seconds": 2},
    )


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _segment(value: dict[str, str]) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()


FORGED = ".".join([_segment({"alg": "RS256", "kid": "forged"}), _segment({"sub": "x"}), "c2ln"])


async def test_the_consoles_id_token_is_no_api_token_with_the_default_audience(
    api: httpx.AsyncClient, provider: Provider
) -> None:
    """Before: with ASB_OIDC_AUDIENCE empty the API took the console's ID tokens (same audience:
    the client id), so a token meant only to sign in to the console opened the API."""
    provider.sign_in_as(OFFICER)
    tokens = await provider.code_flow_tokens(nonce="console-sign-in-nonce")
    assert (await api.get("/staff", headers=bearer(tokens["access_token"]))).status_code == 200

    refused = await api.get("/staff", headers=bearer(tokens["id_token"]))

    assert refused.status_code == 401, refused.text
    assert "ID token" in refused.json()["detail"]


async def test_the_genuine_new_key_is_accepted_right_after_a_forged_key_id(
    api: httpx.AsyncClient, provider: Provider
) -> None:
    """Before: a forged kid spent the refresh allowance, and the genuine key of a rotation a
    moment later was refused until the interval had passed."""
    provider.sign_in_as(OFFICER)
    assert (await api.get("/staff", headers=bearer(provider.token()))).status_code == 200
    forged = await api.get("/staff", headers=bearer(FORGED))
    assert forged.status_code == 401 and "does not list" in forged.json()["detail"]

    provider.rotate()
    genuine = await api.get("/staff", headers=bearer(provider.token()))

    assert genuine.status_code == 200, genuine.text


async def test_a_key_the_provider_withdraws_stops_opening_the_api(provider: Provider) -> None:
    """Before: the key set was cached for the life of the process."""
    now = [5000.0]
    settings = Settings(**oidc_settings(provider.issuer), oidc_jwks_cache_min_seconds=60)
    verifier = OidcProvider(settings, clock=lambda: now[0])
    provider.serve_jwks_for(120)
    try:
        provider.sign_in_as(OFFICER)
        old = provider.token(aud=settings.oidc_audience)
        assert (await verifier.verify(old))["sub"] == "olu.okafor"
        provider.rotate()
        provider.withdraw(header(old)["kid"])

        now[0] += 119  # the provider said the set may be kept two minutes
        assert (await verifier.verify(old))["sub"] == "olu.okafor"
        downloads = verifier.jwks_downloads
        now[0] += 2
        with pytest.raises(InvalidToken, match="does not list"):
            await verifier.verify(old)
        assert verifier.jwks_downloads == downloads + 1
        assert await verifier.verify(provider.token(aud=settings.oidc_audience))
    finally:
        provider.serve_jwks_for(None)


async def test_concurrent_tokens_with_a_new_key_share_one_download(provider: Provider) -> None:
    now = [1000.0]

    async def sleep(seconds: float) -> None:
        now[0] += seconds
        await asyncio.sleep(0)

    settings = Settings(**oidc_settings(provider.issuer), oidc_jwks_refresh_seconds=30)
    verifier = OidcProvider(settings, clock=lambda: now[0], sleep=sleep)
    provider.sign_in_as(OFFICER)
    assert await verifier.verify(provider.token(aud=settings.oidc_audience))
    with pytest.raises(InvalidToken):
        await verifier.verify(FORGED)  # spends the interval: waits 30 s, downloads
    assert verifier.jwks_downloads == 2
    provider.rotate()
    fresh = provider.token(aud=settings.oidc_audience)
    answers = await asyncio.gather(*(verifier.verify(fresh) for _ in range(4)))
    assert all(claims["sub"] == "olu.okafor" for claims in answers)
    assert verifier.jwks_downloads == 3  # one download found the new key for all four
    assert now[0] == 1060.0


@pytest.mark.parametrize(
    ("cache_control", "seconds"),
    [
        ("public, max-age=120", 120),
        ("max-age=0", 60),  # the floor
        ("no-store", 60),
        ("public, max-age=31536000", 3600),  # the ceiling
        (None, 3600),  # the provider says nothing: the ceiling
        ("s-maxage=10", 3600),  # a shared cache's age is not ours
    ],
)
def test_the_key_set_is_kept_as_the_provider_says_within_bounds(
    cache_control: str | None, seconds: int
) -> None:
    assert cache_seconds(cache_control, floor=60, ceiling=3600) == seconds


async def test_a_provider_token_whose_subject_is_an_email_address_is_refused(
    api: httpx.AsyncClient, provider: Provider
) -> None:
    """Before: any `sub` was taken as the user id, and became the CaseOfficer attribute."""
    provider.sign_in_as(person("olu.okafor@landlord-x.example", "asb-officers", "landlord-x"))
    refused = await api.get("/staff", headers=bearer(provider.token()))
    assert refused.status_code == 403, refused.text
    assert "not a staff id" in refused.json()["detail"]
