"""The product reaches a Temporal cluster that demands mutual TLS, and a refusal says what to
check (issue 22, finding 6).

The dev server speaks plain gRPC, so a TLS-terminating proxy (tests/integration/tls_support.py)
stands in front of it as a production frontend's listener would: its own CA, a server
certificate, a client certificate required. The worker and the client are made by
``core.temporal.connect`` from the ``ASB_TEMPORAL_TLS_*`` settings, as in production.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr, ValidationError
from sqlalchemy.ext.asyncio import async_sessionmaker
from temporalio.api.workflowservice.v1 import GetSystemInfoRequest
from temporalio.service import TLSConfig
from temporalio.testing import WorkflowEnvironment

from contracts.case import new_case
from core.case_setup import case_setup
from core.settings import Settings
from core.temporal import TemporalConnectError, connect, connect_options
from domain.case import OpenCase, PartyRef
from tests.integration.test_encrypted_history import until_effects_recorded
from tests.integration.tls_support import SERVER_NAME, Authority, Issued, server_context, tls_proxy
from workers.build import build_worker


@dataclass(frozen=True)
class Pki:
    landlord: Authority
    client: Issued
    stranger: Issued  # a client certificate from another CA


@pytest.fixture
def pki(tmp_path: Path) -> Pki:
    landlord = Authority.create(tmp_path, "landlord")
    other = Authority.create(tmp_path, "other")
    return Pki(
        landlord,
        landlord.issue(tmp_path, "asb-worker", server=False),
        other.issue(tmp_path, "asb-worker", server=False),
    )


@pytest.fixture
async def mtls_address(
    dev_env: WorkflowEnvironment, pki: Pki, tmp_path: Path
) -> AsyncIterator[str]:
    frontend = pki.landlord.issue(tmp_path, "frontend", server=True)
    upstream = dev_env.client.service_client.config.target_host
    async with tls_proxy(server_context(pki.landlord, frontend), upstream) as address:
        yield address


async def test_with_the_landlords_client_certificate_a_case_runs_over_mutual_tls(
    mtls_address: str,
    pki: Pki,
    sessions: async_sessionmaker[Any],
    task_queue: str,
    tmp_path: Path,
) -> None:
    settings = Settings(
        temporal_address=mtls_address,
        task_queue=task_queue,
        data_dir=tmp_path,
        temporal_tls_ca_file=pki.landlord.cert,
        temporal_tls_cert_file=pki.client.cert,
        temporal_tls_key_file=pki.client.key,
        temporal_tls_server_name=SERVER_NAME,  # the certificate's name, not the address's host
    )
    client = await connect(settings)
    reference = f"ASB-2026-{uuid.uuid4().hex[:8].upper()}"
    opened = OpenCase(
        reference=reference, landlord="X", categories=["noise"], channel="phone",
        received_at=datetime.now(UTC),
        parties=[PartyRef(id=f"{reference}-P1", role="complainant", preferred_channel="email")],
    )  # fmt: skip
    async with build_worker(client, settings, sessions):
        handle = await client.start_workflow(
            "CaseWorkflow",
            new_case(opened, case_setup("X", opened.received_at, datetime.now(UTC))),
            id=f"case-{reference}",
            task_queue=task_queue,
        )
        assert await until_effects_recorded(handle)  # the worker, over mTLS, ran its activities
        await handle.terminate("test over")


@pytest.mark.parametrize("offered", ["no certificate", "another CA's certificate"])
async def test_without_an_accepted_client_certificate_the_connection_is_refused_clearly(
    mtls_address: str, pki: Pki, offered: str
) -> None:
    certificate = (
        {}
        if offered == "no certificate"
        else {
            "temporal_tls_cert_file": pki.stranger.cert,
            "temporal_tls_key_file": pki.stranger.key,
        }
    )
    settings = Settings(
        temporal_address=mtls_address, temporal_tls_ca_file=pki.landlord.cert, **certificate
    )
    with pytest.raises(TemporalConnectError) as refused:
        await connect(settings)
    message = str(refused.value)
    assert message.startswith(f"Could not connect to Temporal at {mtls_address} over TLS")
    if offered == "no certificate":
        assert "set ASB_TEMPORAL_TLS_CERT_FILE and ASB_TEMPORAL_TLS_KEY_FILE" in message
    else:
        assert f"may not accept the client certificate {pki.stranger.cert}" in message


def test_a_certificate_without_its_key_or_a_missing_file_fails_at_start_up(pki: Pki) -> None:
    with pytest.raises(
        ValidationError, match="ASB_TEMPORAL_TLS_CERT_FILE and ASB_TEMPORAL_TLS_KEY"
    ):
        Settings(temporal_tls_cert_file=pki.client.cert)
    missing = pki.client.cert.with_name("nowhere.pem")
    with pytest.raises(ValidationError, match=f"ASB_TEMPORAL_TLS_CA_FILE: {missing} is not"):
        Settings(temporal_tls_ca_file=missing)


def test_an_empty_setting_means_none_and_plain_grpc() -> None:
    settings = Settings(
        temporal_tls_cert_file="", temporal_tls_key_file="", temporal_tls_ca_file=""
    )
    assert connect_options(settings)["tls"] is False
    assert connect_options(settings)["api_key"] is None


async def test_an_api_key_reaches_the_server_as_a_bearer_token_on_every_call(
    dev_env: WorkflowEnvironment, pki: Pki, tmp_path: Path
) -> None:
    """Temporal Cloud: ``ASB_TEMPORAL_API_KEY`` is sent as ``authorization: Bearer <key>`` on
    every gRPC call, over TLS. The proxy decodes the HTTP/2 headers the client sends (HPACK) and
    shows the key on the calls, and none sent without one."""
    frontend = pki.landlord.issue(tmp_path, "frontend", server=True)
    upstream = dev_env.client.service_client.config.target_host
    tls_files = {
        "temporal_tls_ca_file": pki.landlord.cert,
        "temporal_tls_cert_file": pki.client.cert,
        "temporal_tls_key_file": pki.client.key,
    }
    seen: list[tuple[str, str]] = []
    async with tls_proxy(server_context(pki.landlord, frontend), upstream, seen) as address:
        with_key = Settings(
            temporal_address=address, temporal_api_key=SecretStr("key-123"), **tls_files
        )
        client = await connect(with_key)
        assert await client.service_client.check_health()
        await client.workflow_service.get_system_info(GetSystemInfoRequest())
        calls = [value for name, value in seen if name == ":path"]
        keys = [value for name, value in seen if name == "authorization"]
        assert len(calls) >= 2 and keys == ["Bearer key-123"] * len(calls)

        seen.clear()
        without = await connect(Settings(temporal_address=address, **tls_files))
        await without.workflow_service.get_system_info(GetSystemInfoRequest())
        assert [name for name, _ in seen if name == ":path"]
        assert not [value for name, value in seen if name == "authorization"]


def test_an_api_key_alone_means_tls_with_the_system_roots() -> None:
    options = connect_options(Settings(temporal_api_key=SecretStr("key-123")))
    assert options["api_key"] == "key-123"
    assert options["tls"] is True


def test_mutual_tls_settings_become_the_sdks_tls_config(pki: Pki) -> None:
    options = connect_options(
        Settings(
            temporal_tls_ca_file=pki.landlord.cert,
            temporal_tls_cert_file=pki.client.cert,
            temporal_tls_key_file=pki.client.key,
            temporal_tls_server_name=SERVER_NAME,
            temporal_api_key=SecretStr("key-123"),
        )
    )
    assert options["tls"] == TLSConfig(
        server_root_ca_cert=pki.landlord.cert.read_bytes(),
        client_cert=pki.client.cert.read_bytes(),
        client_private_key=pki.client.key.read_bytes(),
        domain=SERVER_NAME,
    )
    assert options["api_key"] == "key-123"
