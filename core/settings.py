"""Every setting of the product, read from the environment (prefix ``ASB_``) or a ``.env`` file.

The defaults run the whole product on one machine with embedded parts: a SQLite file and the
Temporal dev server. Production sets ``ASB_DATABASE_URL`` to ``postgresql+asyncpg://...`` and points
``ASB_TEMPORAL_ADDRESS`` at a real cluster. Each field is documented in docs/configuration.md
(generated from this class: ``python -m scripts.settings_doc --write``) and
``.env.example``.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from core.codec import Keyring, parse_keys

DEV_TOKEN_SECRET = "dev-only-token-secret-change-me-in-production"
MIN_SECRET_BYTES = 32


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ASB_", env_file=".env", extra="ignore")

    environment: str = Field("development", description="development | test | production")
    data_dir: Path = Field(Path("data"), description="SQLite file, dev-server state, mail")
    database_url: str = Field(
        "", description="SQLAlchemy async URL; empty means a SQLite file in data_dir"
    )
    temporal_address: str = Field("127.0.0.1:7233", description="Temporal frontend host:port")
    temporal_namespace: str = Field("default", description="Temporal namespace")
    task_queue: str = Field("asb-cases", description="Task queue of the case worker")
    temporal_tls: bool = Field(
        False,
        description="Connect to Temporal over TLS (implied by an API key, a client certificate "
        "or a CA file)",
    )
    temporal_api_key: SecretStr = Field(
        SecretStr(""), description="API key for Temporal Cloud; empty means none"
    )
    # Mutual TLS to a self-hosted cluster that demands client certificates (its frontend's
    # requireClientAuth), or to Temporal Cloud namespaces that use certificates, not API keys.
    temporal_tls_cert_file: Path | None = Field(
        None, description="PEM client certificate (chain) for mutual TLS; empty means none"
    )
    temporal_tls_key_file: Path | None = Field(
        None, description="PEM private key of the client certificate"
    )
    temporal_tls_ca_file: Path | None = Field(
        None,
        description="PEM CA certificate(s) the Temporal server's certificate is checked "
        "against; empty means the system's trusted roots",
    )
    temporal_tls_server_name: str = Field(
        "",
        description="Name the server's certificate must carry (also sent as SNI) when it is not "
        "the host of ASB_TEMPORAL_ADDRESS; empty means that host",
    )
    temporal_ui_port: int = Field(8233, description="Port of the dev server's Web UI (run command)")
    api_host: str = Field("127.0.0.1", description="Address the API listens on")
    api_port: int = Field(8000, description="Port the API listens on")
    worker_cached_workflows: int = Field(
        1000,
        ge=1,
        description="Workflows the worker keeps in memory (about 150 KB per case); past it, the "
        "least recently used replay from history on their next event",
    )
    worker_metrics_address: str = Field(
        "",
        description="host:port where the worker serves Prometheus metrics (Temporal SDK "
        "telemetry) at /metrics; empty means none",
    )
    worker_health_address: str = Field(
        "",
        description="host:port where the worker answers GET /healthz: 200 only while it runs "
        "and Temporal saw it poll in the last 90 s (the Kubernetes probes); empty means none",
    )
    api_metrics_address: str = Field(
        "",
        description="host:port where the API serves its Prometheus metrics at /metrics, apart "
        "from the API port (which then answers 404); empty means /metrics on the API port",
    )
    metrics_token: SecretStr = Field(
        SecretStr(""),
        description="Bearer token Prometheus sends to the API's /metrics; empty means /metrics "
        "answers nobody in production (anybody in development)",
    )
    console_idle_minutes: int = Field(
        30,
        ge=1,
        le=8 * 60,
        description="A console session unused for this many minutes ends; the person signs in "
        "again",
    )
    token_secret: SecretStr = Field(
        SecretStr(DEV_TOKEN_SECRET), description="HMAC secret that signs bearer tokens"
    )
    token_max_lifetime_hours: int = Field(
        12,
        ge=1,
        le=24 * 31,
        description="Longest lifetime a bearer token may have; a token issued for longer is "
        "refused",
    )
    # Sign-in through the landlord's OpenID Connect provider (edge/oidc.py, console/oidc.py).
    oidc_issuer: str = Field(
        "",
        description="Issuer URL of the OpenID Connect provider (its metadata is at "
        "<issuer>/.well-known/openid-configuration); empty means development sign-in only",
    )
    oidc_client_id: str = Field("", description="The console's client id at the provider")
    oidc_client_secret: SecretStr = Field(
        SecretStr(""), description="The console's client secret; empty for a public client (PKCE)"
    )
    oidc_scopes: str = Field(
        "openid profile email", description="Scopes the console asks for, space-separated"
    )
    oidc_audience: str = Field(
        "",
        description="The 'aud' the API accepts in access tokens; empty means the client id",
    )
    oidc_redirect_url: str = Field(
        "",
        description="The console's callback URL registered at the provider "
        "(https://<host>/console/sign-in/callback); empty means derived from the request",
    )
    oidc_groups_claim: str = Field(
        "groups", description="Claim holding the user's groups (or app roles: 'roles')"
    )
    oidc_role_map: str = Field(
        "",
        description="Groups to roles, 'group=role,...' (roles: officer, supervisor, admin); "
        "a user in no mapped group is refused",
    )
    oidc_landlord_claim: str = Field(
        "", description="Claim whose value is the user's landlord code; empty means the map"
    )
    oidc_landlord_map: str = Field(
        "", description="Groups to landlords, 'group=landlord,...' (landlord codes)"
    )
    oidc_job_title_claim: str = Field(
        "", description="Claim holding the job title letters print (e.g. jobTitle); empty: none"
    )
    oidc_jwks_refresh_seconds: int = Field(
        10,
        ge=0,
        le=300,
        description="Least time between two JWKS downloads caused by an unknown key id (a "
        "forged kid cannot hammer the provider); a token with a new key id waits at most this "
        "long for the download that finds it",
    )
    oidc_jwks_cache_min_seconds: int = Field(
        60,
        ge=0,
        description="Shortest time the provider's keys are kept, whatever its Cache-Control says",
    )
    oidc_jwks_cache_max_seconds: int = Field(
        3600,
        ge=1,
        description="Longest time the provider's keys are kept (also when it sends no "
        "Cache-Control max-age): a withdrawn key is trusted at most this long",
    )
    intake_per_minute: int = Field(10, description="Public reports allowed per client per minute")
    intake_limiter: str = Field(
        "auto",
        description="memory (this API process only) | database (shared by every API replica) | "
        "auto (database in production, memory elsewhere)",
    )
    intake_max_clients: int = Field(
        10_000,
        ge=1,
        description="Client addresses the in-memory limiter tracks at most (the least recently "
        "seen are forgotten first)",
    )
    trusted_proxies: str = Field(
        "",
        description="Comma-separated addresses or networks of reverse proxies whose "
        "X-Forwarded-For is believed ('*': every peer, when only the proxy can reach the API); "
        "empty believes none",
    )
    mail_mode: str = Field("folder", description="folder (write .eml files) | smtp")
    smtp_host: str = Field("127.0.0.1", description="SMTP server host (mail_mode=smtp)")
    smtp_port: int = Field(25, description="SMTP server port")
    smtp_username: str | None = Field(None, description="SMTP login, if the server needs one")
    smtp_password: SecretStr | None = Field(None, description="SMTP password")
    smtp_starttls: bool = Field(False, description="Upgrade the SMTP connection with STARTTLS")
    mail_from: str = Field("asb-team@landlord.example", description="Sender address of letters")
    supervisor_email: str = Field(
        "asb-supervisors@landlord.example", description="Where escalations are emailed"
    )
    escalation_digest_minutes: int = Field(
        0,
        ge=0,
        le=7 * 24 * 60,
        description="Missed-deadline emails to supervisors go as one digest per address every so "
        "many minutes; 0 sends one email per escalation at once",
    )
    survey_url: str = Field(
        "https://landlord.example/asb-survey", description="Closure survey link (R51)"
    )
    encryption_keys: SecretStr = Field(
        SecretStr(""),
        description="Payload encryption keys, 'keyid:base64key,...' (first encrypts, all "
        "decrypt); empty means the public development key, refused in production",
    )
    codec_cors_origins: str = Field(
        "http://127.0.0.1:8233,http://localhost:8233",
        description="Comma-separated origins (Temporal Web UI) allowed to call /codec/*",
    )
    agencies_file: Path | None = Field(
        None, description="TOML catalogue of partner agencies; empty means the packaged one"
    )
    referral_chase_days: int = Field(
        10, ge=1, description="Days without an agency's response before a referral is chased"
    )
    referral_max_chases: int = Field(
        3, ge=1, description="Chases per referral before the officer alone follows it up"
    )
    assets_dir: Path | None = Field(
        None,
        description="Folder of the npm packages the console and /docs serve; empty means the "
        "project's node_modules (make install)",
    )
    retention_days: int = Field(
        2190, ge=1, description="Days after closure before a case's personal data is blanked"
    )
    idempotency_key_days: int = Field(
        30,
        ge=1,
        le=3650,
        description="Days an Idempotency-Key and its answer are kept (daily housekeeping); the "
        "same key sent after that is a new request",
    )

    @field_validator("environment")
    @classmethod
    def _known_environment(cls, value: str) -> str:
        allowed = ("development", "test", "production")
        if value not in allowed:
            raise ValueError(f"environment must be one of {', '.join(allowed)}, not {value!r}")
        return value

    @field_validator("intake_limiter")
    @classmethod
    def _known_limiter(cls, value: str) -> str:
        if value not in ("auto", "memory", "database"):
            raise ValueError(f"intake_limiter must be auto, memory or database, not {value!r}")
        return value

    @field_validator("trusted_proxies")
    @classmethod
    def _proxy_addresses(cls, value: str) -> str:
        for proxy in value.split(","):
            if proxy.strip() and proxy.strip() != "*":
                try:
                    ipaddress.ip_network(proxy.strip(), strict=False)
                except ValueError:
                    raise ValueError(f"trusted_proxies: {proxy.strip()!r} is no address") from None
        return value

    # An empty variable (compose passes ``${ASB_SMTP_USERNAME:-}``) means "not set", so no
    # SMTP login is attempted with an empty name.
    @field_validator(
        "agencies_file",
        "assets_dir",
        "smtp_username",
        "smtp_password",
        "temporal_tls_cert_file",
        "temporal_tls_key_file",
        "temporal_tls_ca_file",
        mode="before",
    )
    @classmethod
    def _empty_is_default(cls, value: object) -> object:
        return None if value == "" else value

    @field_validator("encryption_keys")
    @classmethod
    def _readable_keys(cls, value: SecretStr) -> SecretStr:
        parse_keys(value.get_secret_value())  # fails at start-up, not at the first workflow
        return value

    @model_validator(mode="after")
    def _temporal_tls_files(self) -> Settings:
        """A certificate without its key (or the reverse) or a file that cannot be read fails
        at start-up, naming the setting, not at the first connection as a TLS error."""
        if (self.temporal_tls_cert_file is None) != (self.temporal_tls_key_file is None):
            raise ValueError(
                "ASB_TEMPORAL_TLS_CERT_FILE and ASB_TEMPORAL_TLS_KEY_FILE go together: set both "
                "or neither"
            )
        for name in ("temporal_tls_cert_file", "temporal_tls_key_file", "temporal_tls_ca_file"):
            path: Path | None = getattr(self, name)
            if path is not None and not path.is_file():
                raise ValueError(f"ASB_{name.upper()}: {path} is not a readable file")
        return self

    @property
    def temporal_uses_tls(self) -> bool:
        """TLS is on when asked for, and implied by anything that only makes sense over it."""
        return (
            self.temporal_tls
            or bool(self.temporal_api_key.get_secret_value())
            or self.temporal_tls_cert_file is not None
            or self.temporal_tls_ca_file is not None
            or bool(self.temporal_tls_server_name)
        )

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{(self.data_dir / 'asb.db').as_posix()}"

    @property
    def oidc_enabled(self) -> bool:
        return bool(self.oidc_issuer)

    @property
    def keyring(self) -> Keyring:
        return parse_keys(self.encryption_keys.get_secret_value())

    @property
    def codec_origins(self) -> list[str]:
        return [origin.strip() for origin in self.codec_cors_origins.split(",") if origin.strip()]

    @property
    def proxies(self) -> list[str]:
        return [proxy.strip() for proxy in self.trusted_proxies.split(",") if proxy.strip()]

    @property
    def mail_dir(self) -> Path:
        return self.data_dir / "mail"

    @property
    def temporal_db_file(self) -> Path:
        return self.data_dir / "temporal.db"

    def check_production(self) -> None:
        """Production never runs on the development secret, key or the embedded database."""
        if self.environment != "production":
            return
        secret = self.token_secret.get_secret_value()
        if secret == DEV_TOKEN_SECRET:
            raise ValueError("ASB_TOKEN_SECRET must be set in production")
        if len(secret.encode()) < MIN_SECRET_BYTES:  # RFC 7518 3.2: HS256 keys of 256 bits
            raise ValueError(
                f"ASB_TOKEN_SECRET must be at least {MIN_SECRET_BYTES} bytes in production"
            )
        if not self.database_url:
            raise ValueError("ASB_DATABASE_URL must be set in production")
        if self.keyring.uses_dev_key:
            raise ValueError("ASB_ENCRYPTION_KEYS must be set in production, without the dev key")


@lru_cache
def get_settings() -> Settings:
    settings = Settings()
    settings.check_production()
    return settings
