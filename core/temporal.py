"""One way to connect to Temporal, shared by the API, the worker, scripts and tests."""

from __future__ import annotations

import dataclasses
from typing import Any

from temporalio.client import Client
from temporalio.converter import DataConverter, DefaultFailureConverterWithEncodedAttributes
from temporalio.runtime import PrometheusConfig, Runtime, TelemetryConfig
from temporalio.service import TLSConfig

from core.codec import EncryptionCodec
from core.settings import Settings
from core.sharing import SharingPayloadConverter


def data_converter(settings: Settings) -> DataConverter:
    """Pydantic payloads, encrypted with the configured keys (core/codec.py); a worker keeps one
    copy of each policy and holiday list however many cases hold them (core/sharing.py).

    Failure messages and stack traces move into an encoded attribute as well, so an error that
    quotes, say, an email address is encrypted like any other payload.
    """
    return DataConverter(
        payload_converter_class=SharingPayloadConverter,
        payload_codec=EncryptionCodec.from_spec(settings.encryption_keys.get_secret_value()),
        failure_converter_class=DefaultFailureConverterWithEncodedAttributes,
    )


def tls_config(settings: Settings) -> TLSConfig | bool:
    """How the client speaks TLS to Temporal: not at all, with the system's roots, or with the
    configured CA, client certificate (mutual TLS) and server name (ASB_TEMPORAL_TLS_*)."""
    if not settings.temporal_uses_tls:
        return False
    files = (
        settings.temporal_tls_ca_file,
        settings.temporal_tls_cert_file,
        settings.temporal_tls_key_file,
    )
    if not any(files) and not settings.temporal_tls_server_name:
        return True  # Temporal Cloud with an API key: its certificate chains to public roots
    ca, cert, key = (path.read_bytes() if path else None for path in files)
    return TLSConfig(
        server_root_ca_cert=ca,
        client_cert=cert,
        client_private_key=key,
        domain=settings.temporal_tls_server_name or None,
    )


def connect_options(settings: Settings) -> dict[str, Any]:
    """The connection settings every client shares (address, namespace, TLS, API key, codec)."""
    return {
        "target_host": settings.temporal_address,
        "namespace": settings.temporal_namespace,
        "data_converter": data_converter(settings),
        "tls": tls_config(settings),
        # Temporal Cloud: sent as "authorization: Bearer <key>" on every call.
        "api_key": settings.temporal_api_key.get_secret_value() or None,
    }


class TemporalConnectError(ConnectionError):
    """Temporal could not be reached or refused the connection; the message names the settings
    to check (a TLS refusal otherwise surfaces as the SDK's "transport error")."""


async def connect(settings: Settings, runtime: Runtime | None = None, lazy: bool = False) -> Client:
    """The one place a Temporal client is made (API, worker, its health check, scripts)."""
    try:
        return await Client.connect(**connect_options(settings), runtime=runtime, lazy=lazy)
    except RuntimeError as error:
        raise TemporalConnectError(_explain(settings, error)) from error


def _explain(settings: Settings, error: Exception) -> str:
    where = f"Could not connect to Temporal at {settings.temporal_address}"
    if not settings.temporal_uses_tls:
        return f"{where} (plain, without TLS; ASB_TEMPORAL_TLS=true if it needs TLS): {error}"
    if settings.temporal_tls_cert_file is None:
        hint = (
            "no client certificate was offered: if the server requires mutual TLS, set "
            "ASB_TEMPORAL_TLS_CERT_FILE and ASB_TEMPORAL_TLS_KEY_FILE"
        )
    else:
        hint = (
            f"the server may not accept the client certificate {settings.temporal_tls_cert_file}"
            " (issued by a CA it trusts?)"
        )
    return (
        f"{where} over TLS: {hint}; the server's certificate must chain to "
        f"{settings.temporal_tls_ca_file or 'the system roots'} and carry the name "
        f"{settings.temporal_tls_server_name or settings.temporal_address.rsplit(':', 1)[0]}. "
        f"Cause: {error}"
    )


def metrics_runtime(bind_address: str) -> Runtime:
    """A Temporal runtime whose SDK metrics (workflow and activity task latencies, polls,
    failures, sticky cache) Prometheus scrapes at ``http://<bind_address>/metrics``."""
    return Runtime(telemetry=TelemetryConfig(metrics=PrometheusConfig(bind_address=bind_address)))
