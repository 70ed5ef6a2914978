"""Production settings and the intake's limits (issue 13, point 6)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import jwt
import pytest
from fastapi import HTTPException

from core.codec import new_key_entry
from core.settings import Settings
from edge.auth import ALGORITHM, ISSUER, decode_token, mint_token
from edge.deps import Services
from edge.ratelimit import MemoryLimiter
from web.app import create_app
from web.main import server_config

PRODUCTION: dict[str, Any] = {
    "environment": "production",
    "database_url": "postgresql+asyncpg://asb@db/asb",
    "encryption_keys": new_key_entry("k1"),
}


def test_production_refuses_a_token_secret_under_32_bytes() -> None:
    for short in ("x", "a" * 31):
        with pytest.raises(ValueError, match="at least 32 bytes"):
            Settings(**PRODUCTION, token_secret=short).check_production()
    Settings(**PRODUCTION, token_secret="s" * 32).check_production()


def _token(settings: Settings, lifetime: timedelta) -> str:
    now = datetime.now(UTC)
    claims = {"sub": "officer.jones", "roles": ["officer"], "landlord": "X", "iss": ISSUER,
              "iat": now, "exp": now + lifetime}  # fmt: skip
    return jwt.encode(claims, settings.token_secret.get_secret_value(), algorithm=ALGORITHM)


def test_a_token_living_longer_than_the_cap_is_refused() -> None:
    settings = Settings(token_max_lifetime_hours=12)
    assert decode_token(_token(settings, timedelta(hours=12)), settings).user_id == "officer.jones"
    with pytest.raises(HTTPException) as refused:
        decode_token(_token(settings, timedelta(days=3650)), settings)
    assert refused.value.status_code == 401 and "12 hours" in str(refused.value.detail)
    with pytest.raises(ValueError, match="at most 12 hours"):
        mint_token(settings, "officer.jones", ["officer"], "X", timedelta(days=3650))


def test_a_token_without_an_issue_time_is_refused() -> None:
    settings = Settings()
    claims = {"sub": "a", "roles": ["officer"], "landlord": "X", "iss": ISSUER,
              "exp": datetime.now(UTC) + timedelta(hours=1)}  # fmt: skip
    token = jwt.encode(claims, settings.token_secret.get_secret_value(), algorithm=ALGORITHM)
    with pytest.raises(HTTPException):
        decode_token(token, settings)


def test_trusted_proxies_must_be_addresses() -> None:
    with pytest.raises(ValueError, match="no address"):
        Settings(trusted_proxies="10.0.0.1, proxy.example")
    assert Settings(trusted_proxies="10.0.0.1, 10.1.0.0/16").proxies == ["10.0.0.1", "10.1.0.0/16"]


async def _reports_from(settings: Settings, forwarded_for: list[str]) -> list[int]:
    """Public reports as served by ``web.main`` (uvicorn's own proxy handling included), sent
    by a loopback peer that claims other addresses in X-Forwarded-For."""
    app = create_app(settings, Services(settings, None, None, None))  # type: ignore[arg-type]
    config = server_config(settings, app)
    config.load()
    transport = httpx.ASGITransport(app=config.loaded_app, client=("127.0.0.1", 5000))
    codes = []
    async with httpx.AsyncClient(transport=transport, base_url="http://api") as client:
        for address in forwarded_for:
            # an invalid report: the limit is checked first, and nothing is opened
            response = await client.post(
                "/public/reports", json={}, headers={"X-Forwarded-For": address}
            )
            codes.append(response.status_code)
    return codes


async def test_forwarded_for_is_believed_only_from_configured_proxies() -> None:
    """Point 6: any loopback peer could pick its address and slip the rate limit."""
    claimed = ["203.0.113.1", "203.0.113.2", "203.0.113.3"]
    untrusted = Settings(intake_per_minute=1)
    assert await _reports_from(untrusted, claimed) == [422, 429, 429]
    behind_proxy = Settings(intake_per_minute=1, trusted_proxies="127.0.0.1")
    assert await _reports_from(behind_proxy, claimed) == [422, 422, 422]


def test_the_in_memory_limiter_tracks_a_bounded_number_of_clients() -> None:
    """Point 6: the per-address map was never evicted."""
    limiter = MemoryLimiter(per_window=2, max_clients=100)
    for n in range(10_000):
        assert limiter.allow_at(f"198.51.{n // 256}.{n % 256}", now=float(n))
    assert len(limiter) == 100
    assert limiter.allow_at("client", 0.0) and limiter.allow_at("client", 1.0)
    assert not limiter.allow_at("client", 2.0)
    assert limiter.allow_at("client", 61.0)  # the window slid past the first report


async def test_a_star_believes_every_peer_as_the_compose_file_sets_it() -> None:
    """Only Caddy reaches the API in docker-compose.yml: its X-Forwarded-For counts."""
    behind_caddy = Settings(intake_per_minute=1, trusted_proxies="*")
    assert await _reports_from(behind_caddy, ["203.0.113.1", "203.0.113.2"]) == [422, 422]
