"""One way to connect to Temporal, shared by the API, the worker, scripts and tests."""

from __future__ import annotations

from temporalio.client import Client
from temporalio.converter import DataConverter, DefaultFailureConverterWithEncodedAttributes
from temporalio.runtime import PrometheusConfig, Runtime, TelemetryConfig

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


async def connect(settings: Settings, runtime: Runtime | None = None, lazy: bool = False) -> Client:
    api_key = settings.temporal_api_key.get_secret_value() or None
    return await Client.connect(
        settings.temporal_address,
        namespace=settings.temporal_namespace,
        data_converter=data_converter(settings),
        runtime=runtime,
        tls=settings.temporal_tls or api_key is not None,  # Temporal Cloud: TLS and an API key
        api_key=api_key,
        lazy=lazy,
    )


def metrics_runtime(bind_address: str) -> Runtime:
    """A Temporal runtime whose SDK metrics (workflow and activity task latencies, polls,
    failures, sticky cache) Prometheus scrapes at ``http://<bind_address>/metrics``."""
    return Runtime(telemetry=TelemetryConfig(metrics=PrometheusConfig(bind_address=bind_address)))
