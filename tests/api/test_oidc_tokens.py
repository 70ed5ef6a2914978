"""The API trusts the landlord's identity provider (issue 16): a real OpenID Connect provider
runs beside the real stack (tests/oidc/provider.mjs); its access tokens open the API, its key
rotation is followed, and tokens that are expired, of another issuer or audience, or of a person
whose groups map to no role are refused with the reason."""

from __future__ import annotations

import asyncio
import base64
import json
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from google.protobuf import json_format
from sqlalchemy.ext.asyncio import async_sessionmaker
from temporalio.api.common.v1 import Payloads

from api import codec
from core.settings import Settings
from db.staff import find_staff, put_staff
from edge.auth import mint_token
from edge.deps import Services
from edge.oidc import InvalidToken, OidcProvider
from tests.integration.record_support import seed_case
from tests.integration.test_codec_endpoint import KEY, VALUE, Opened, encrypted_document
from tests.oidc.support import Provider, header, oidc_settings, person, running_provider
from web.app import create_app

OFFICER = person(
    "olu.okafor", "asb-officers", "landlord-x", "all-staff",
    name="Olu Okafor", email="olu.okafor@landlord-x.example", jobTitle="ASB Officer",
)  # fmt: skip


@pytest.fixture(scope="module")
def provider() -> Iterator[Provider]:
    with running_provider() as running:
        yield running


@pytest.fixture
def settings(task_queue: str, tmp_path: Path, provider: Provider) -> Settings:
    return Settings(task_queue=task_queue, data_dir=tmp_path, **oidc_settings(provider.issuer))


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_an_access_token_from_the_code_flow_opens_the_api(
    api: httpx.AsyncClient, provider: Provider, sessions: async_sessionmaker[Any]
) -> None:
    """Sign-in: the authorization code flow with PKCE gives an access token the API accepts,
    with the role and landlord the person's groups map to; the staff directory learns them."""
    provider.sign_in_as(OFFICER)
    tokens = await provider.code_flow_tokens()
    assert header(tokens["access_token"])["alg"] in ("RS256", "ES256")  # a JWT, not opaque

    answer = await api.get("/staff/olu.okafor", headers=bearer(tokens["access_token"]))

    assert answer.status_code == 200, answer.text
    entry = answer.json()
    assert entry["landlord"] == "X"
    assert (entry["display_name"], entry["email"], entry["job_title"]) == (
        "Olu Okafor", "olu.okafor@landlord-x.example", "ASB Officer",
    )  # fmt: skip
    # No phone in the claims: letters cannot sign with this entry until a supervisor adds it.
    assert entry["phone"] == "" and entry["active"] is False
    # The ID token is for the console (aud = the client id), not a key to the API.
    id_token = await api.get("/staff", headers=bearer(tokens["id_token"]))
    assert id_token.status_code == 401 and "Audience doesn't match" in id_token.json()["detail"]


async def test_claims_never_blank_what_a_supervisor_entered(
    api: httpx.AsyncClient, provider: Provider, sessions: async_sessionmaker[Any]
) -> None:
    async with sessions() as session, session.begin():
        await put_staff(session, "X", "priya.shah", {
            "display_name": "Priya Shah", "job_title": "Senior ASB Officer",
            "phone": "01632 960 123", "email": "p.shah@landlord-x.example", "active": True,
        })  # fmt: skip
    provider.sign_in_as(person("priya.shah", "asb-officers", "landlord-x", name="Priya K Shah"))

    answer = await api.get("/staff/priya.shah", headers=bearer(provider.token()))

    assert answer.status_code == 200, answer.text
    async with sessions() as session:
        member = await find_staff(session, "X", "priya.shah")
    assert member is not None
    assert member.display_name == "Priya K Shah"  # the provider's name wins
    assert (member.job_title, member.phone, member.email, member.active) == (
        "Senior ASB Officer", "01632 960 123", "p.shah@landlord-x.example", True,
    )  # fmt: skip


async def test_the_api_follows_the_providers_key_rotation(
    api: httpx.AsyncClient, provider: Provider
) -> None:
    provider.sign_in_as(OFFICER)
    before = provider.token()
    assert (await api.get("/staff", headers=bearer(before))).status_code == 200
    downloads = provider.jwks_downloads()

    new_kid = provider.rotate("ES256")  # the provider's key changes while the API runs
    after = provider.token()
    assert header(after) == {"alg": "ES256", "kid": new_kid, "typ": "JWT"}

    assert (await api.get("/staff", headers=bearer(after))).status_code == 200
    assert provider.jwks_downloads() == downloads + 1  # fetched again for the unknown kid
    assert (await api.get("/staff", headers=bearer(before))).status_code == 200  # still listed
    assert provider.jwks_downloads() == downloads + 1


async def test_forged_key_ids_cannot_hammer_the_provider(provider: Provider) -> None:
    """Unknown kids download the key set again at most once per refresh interval: tokens
    arriving meanwhile wait for, and share, the next download."""
    now = [1000.0]

    async def sleep(seconds: float) -> None:
        now[0] += seconds
        await asyncio.sleep(0)

    settings = Settings(**oidc_settings(provider.issuer), oidc_jwks_refresh_seconds=60)
    verifier = OidcProvider(settings, clock=lambda: now[0], sleep=sleep)
    await verifier.key(header(provider.token())["kid"])
    assert verifier.jwks_downloads == 1
    forged = ".".join([_segment({"alg": "RS256", "kid": "forged"}), _segment({"sub": "x"}), "c2ln"])

    async def refused() -> None:
        with pytest.raises(InvalidToken, match="does not list"):
            await verifier.verify(forged)

    await asyncio.gather(*(refused() for _ in range(5)))
    assert verifier.jwks_downloads == 2  # five forged kids at once: one download, shared
    assert now[0] == 1060.0  # and not before the interval had passed
    await refused()
    assert verifier.jwks_downloads == 3 and now[0] == 1120.0


def _segment(value: dict[str, str]) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()


@pytest.mark.parametrize(
    ("claims", "expires_in", "reason"),
    [
        ({}, -3600, "expired"),
        ({"iss": "https://login.other.example/v2.0"}, 3600, "Invalid issuer"),
        ({"aud": "api://another-service"}, 3600, "Audience doesn't match"),
        ({"nbf": 4102444800}, 3600, "not yet valid"),
    ],
    ids=["expired", "another-issuer", "another-audience", "not-yet-valid"],
)
async def test_a_token_not_for_now_or_not_for_us_is_refused(
    api: httpx.AsyncClient, provider: Provider, claims: dict, expires_in: int, reason: str
) -> None:
    provider.sign_in_as(OFFICER)
    answer = await api.get("/staff", headers=bearer(provider.token(expires_in, **claims)))
    assert answer.status_code == 401
    assert reason in answer.json()["detail"]


async def test_a_token_of_another_provider_is_refused(api: httpx.AsyncClient) -> None:
    with running_provider() as stranger:
        stranger.sign_in_as(OFFICER)
        answer = await api.get("/staff", headers=bearer(stranger.token()))
    assert answer.status_code == 401
    assert "does not list" in answer.json()["detail"]


async def test_groups_that_map_to_no_role_are_refused_with_the_reason(
    api: httpx.AsyncClient, provider: Provider, sessions: async_sessionmaker[Any]
) -> None:
    provider.sign_in_as(person("finance.fran", "finance", "landlord-x", name="Fran"))
    answer = await api.get("/staff", headers=bearer(provider.token()))
    assert answer.status_code == 403
    assert "finance, landlord-x" in answer.json()["detail"]
    assert "map to no role" in answer.json()["detail"]
    async with sessions() as session:  # refused: not added to the directory
        assert await find_staff(session, "X", "finance.fran") is None


async def test_groups_that_map_to_no_single_landlord_are_refused(
    api: httpx.AsyncClient, provider: Provider
) -> None:
    provider.sign_in_as(person("two.hats", "asb-officers", "landlord-x", "landlord-y"))
    answer = await api.get("/staff", headers=bearer(provider.token()))
    assert answer.status_code == 403
    assert "more than one landlord (X, Y)" in answer.json()["detail"]


async def test_development_tokens_still_work_in_development(
    api: httpx.AsyncClient, settings: Settings
) -> None:
    token = mint_token(settings, "officer.x", ["officer"], "X")
    assert (await api.get("/staff", headers=bearer(token))).status_code == 200


async def test_production_refuses_development_tokens(provider: Provider) -> None:
    settings = Settings(environment="production", **oidc_settings(provider.issuer))

    app = create_app(settings, Services(settings, None, None, None))  # type: ignore[arg-type]
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://api") as client:
        token = mint_token(settings, "officer.x", ["officer"], "X")
        answer = await client.get("/staff", headers=bearer(token))
    assert answer.status_code == 401
    assert "refused in production" in answer.json()["detail"]


async def test_an_unreachable_provider_is_a_503_not_a_refusal() -> None:
    """Staff are not told their token is bad when the provider is down."""
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))  # bound, never listening: connections are refused
    issuer = f"http://127.0.0.1:{closed.getsockname()[1]}"
    settings = Settings(**oidc_settings(issuer))
    app = create_app(settings, Services(settings, None, None, None))  # type: ignore[arg-type]
    token = ".".join([_segment({"alg": "RS256", "kid": "k1"}), _segment({"sub": "a"}), "c2ln"])
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://api") as client:
        answer = await client.get("/staff", headers=bearer(token))
    closed.close()
    assert answer.status_code == 503
    assert answer.json()["detail"] == "the identity provider cannot be reached"


async def test_the_codec_decodes_for_a_providers_supervisor_of_the_cases_landlord(
    provider: Provider, sessions: async_sessionmaker[Any]
) -> None:
    """What the Temporal Web UI sends (TEMPORAL_CODEC_PASS_ACCESS_TOKEN): the signed-in user's
    access token. A supervisor of X reads X's payload; one of Y gets it still encrypted; an
    officer is refused."""
    settings = Settings(encryption_keys=KEY, **oidc_settings(provider.issuer))  # type: ignore[arg-type]
    app = FastAPI()
    codec.install(app, settings)
    app.state.services = Services(settings, None, None, sessions)  # type: ignore[arg-type]
    app.state.oidc = OidcProvider(settings)
    case = f"case-{(await seed_case(sessions, landlord='X')).reference}"
    document = await encrypted_document(settings, case)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://api") as client:
        provider.sign_in_as(person("sam.super", "asb-supervisors", "landlord-x"))
        mine = await client.post("/codec/decode", json=document, headers=bearer(provider.token()))
        provider.sign_in_as(person("yan.super", "asb-supervisors", "landlord-y"))
        theirs = await client.post("/codec/decode", json=document, headers=bearer(provider.token()))
        provider.sign_in_as(OFFICER)
        officer = await client.post(
            "/codec/decode", json=document, headers=bearer(provider.token())
        )

    assert mine.status_code == 200, mine.text
    [payload] = json_format.ParseDict(mine.json(), Payloads()).payloads
    assert Opened.model_validate_json(payload.data) == VALUE
    assert theirs.status_code == 200 and theirs.json() == document
    assert officer.status_code == 403
