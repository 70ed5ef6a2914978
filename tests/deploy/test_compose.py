"""docker-compose.yml runs as written: `docker-compose config` passes with exactly the variables
the README lists, each required one is named when missing, and every service is supervised.

docker-compose (Debian's, installed by `make test`) interprets the file as Docker would; no
engine is needed for `config`.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "docker-compose.yml"
ONE_SHOTS = {"migrate", "temporal-schema", "temporal-search-attributes", "backup"}


def documented() -> dict[str, bool]:
    """Every "Compose variables" table (the README's, and those of the guides under docs/ it is
    being split into): variable -> required."""
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    rows: list[tuple[str, str]] = []
    for page in pages:
        for section in page.read_text().split("### Compose variables")[1:]:
            table = section.split("\n#", 1)[0]
            rows += re.findall(r"^\| `([A-Z0-9_]+)` \| (yes|no) \|", table, flags=re.MULTILINE)
    return {name: flag == "yes" for name, flag in rows}


def example_values() -> dict[str, str]:
    return {name: f"value-of-{name.lower()}" for name in documented()}


def compose_config(variables: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    binary = shutil.which("docker-compose")
    assert binary, "docker-compose is missing: `make test` installs it (scripts/install_tools.sh)"
    empty = tmp_path / "empty.env"  # never the developer's .env
    empty.write_text("")
    return subprocess.run(
        [binary, "-f", str(COMPOSE), "--env-file", str(empty), "config"],
        env={"PATH": os.environ["PATH"], **variables},
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_readme_lists_exactly_the_variables_the_file_reads() -> None:
    read = set(re.findall(r"\$\{([A-Z0-9_]+)", COMPOSE.read_text()))
    assert read == set(documented())
    required = set(re.findall(r"\$\{([A-Z0-9_]+):\?", COMPOSE.read_text()))
    assert required == {name for name, needed in documented().items() if needed}
    example = (ROOT / ".env.example").read_text()
    assert [name for name in documented() if name not in example] == []


def test_config_passes_with_exactly_the_listed_variables(tmp_path: Path) -> None:
    result = compose_config(example_values(), tmp_path)
    assert result.returncode == 0, result.stderr
    config: dict[str, Any] = yaml.safe_load(result.stdout)
    api_env = config["services"]["api"]["environment"]
    assert api_env["ASB_ENCRYPTION_KEYS"] == "value-of-asb_encryption_keys"
    assert api_env["ASB_MAIL_MODE"] == "smtp"  # no mail written inside the container


@pytest.mark.parametrize("missing", sorted(n for n, needed in documented().items() if needed))
def test_a_missing_required_variable_is_named(missing: str, tmp_path: Path) -> None:
    variables = example_values()
    del variables[missing]
    result = compose_config(variables, tmp_path)
    assert result.returncode != 0
    assert f"set {missing}" in result.stderr


def test_every_service_is_supervised_and_checked(tmp_path: Path) -> None:
    assert not re.search(r"^version:", COMPOSE.read_text(), flags=re.MULTILINE)
    services = yaml.safe_load(compose_config(example_values(), tmp_path).stdout)["services"]
    for name, service in services.items():
        assert service.get("restart") in ("unless-stopped", "on-failure"), name
        if name not in ONE_SHOTS:
            assert service["healthcheck"]["test"][0] == "CMD", name
    assert services["worker"]["healthcheck"]["test"][1:] == ["python", "-m", "workers.health"]
    assert "healthz" in " ".join(services["temporal-ui"]["healthcheck"]["test"])
    # Scalable workers (--scale worker=2): no fixed name, no host port.
    assert "container_name" not in services["worker"] and "ports" not in services["worker"]
    # Plain HTTP stays inside the network: only Caddy publishes 80/443.
    assert "ports" not in services["api"]
    assert {p["target"] for p in _ports(services["caddy"])} == {80, 443}
    for name in ("temporal-ui", "prometheus"):
        assert all(p.get("host_ip") == "127.0.0.1" for p in _ports(services[name])), name
    # The UI signs in with the landlord's provider and passes the user's token to /codec (#16).
    ui = services["temporal-ui"]["environment"]
    assert ui["TEMPORAL_AUTH_ENABLED"] == "true" and ui["TEMPORAL_AUTH_TYPE"] == "oidc"
    assert ui["TEMPORAL_AUTH_ISSUER_URL"] == services["api"]["environment"]["ASB_OIDC_ISSUER"]
    assert ui["TEMPORAL_AUTH_CLIENT_ID"] == services["api"]["environment"]["ASB_OIDC_CLIENT_ID"]
    assert ui["TEMPORAL_CODEC_PASS_ACCESS_TOKEN"] == "true"
    assert ui["TEMPORAL_CODEC_ENDPOINT"] == "https://value-of-asb_public_host/codec"
    assert services["api"]["environment"]["ASB_CODEC_CORS_ORIGINS"] == "http://localhost:8080"


def _ports(service: dict[str, Any]) -> list[dict[str, Any]]:
    return [_long_port(p) for p in service.get("ports", [])]


def _long_port(port: Any) -> dict[str, Any]:
    if isinstance(port, dict):
        return port
    parts = str(port).split("/")[0].split(":")
    return {"target": int(parts[-1]), "host_ip": parts[0] if len(parts) == 3 else None}


def test_temporal_runs_as_in_production(tmp_path: Path) -> None:
    """Issue 22: the server image (not auto-setup) on a database server and user of its own,
    its schema set up by Temporal's SQL tool first; two workers; a read-only UI."""
    services = yaml.safe_load(compose_config(example_values(), tmp_path).stdout)["services"]
    images = {name: service.get("image", "") for name, service in services.items()}
    assert not [name for name, image in images.items() if "auto-setup" in image]
    assert all(re.search(r":v?\d", image) for image in images.values() if image)  # pinned
    temporal = services["temporal"]
    assert images["temporal"].startswith("temporalio/server:")
    assert temporal["environment"]["POSTGRES_SEEDS"] == "temporal-postgres"
    assert temporal["environment"]["POSTGRES_USER"] == "temporal"
    assert temporal["environment"]["POSTGRES_PWD"] == "value-of-temporal_postgres_password"
    assert services["postgres"]["environment"]["POSTGRES_USER"] == "asb"
    assert "ports" not in temporal  # the frontend is reached from this network only
    schema = services["temporal-schema"]
    assert images["temporal-schema"].startswith("temporalio/admin-tools:")
    assert "temporal-sql-tool" in " ".join(schema["command"])
    assert temporal["depends_on"]["temporal-schema"]["condition"] == (
        "service_completed_successfully"
    )
    for worker in ("worker", "worker-2"):
        assert services[worker]["command"] == ["python", "-m", "workers.main"], worker
    ui = services["temporal-ui"]["environment"]
    assert ui["TEMPORAL_DISABLE_WRITE_ACTIONS"] == "true"
    assert ui["TEMPORAL_NOTIFY_ON_NEW_VERSION"] == "false"


def test_the_api_is_ready_without_temporal_and_believes_only_caddy(tmp_path: Path) -> None:
    services = yaml.safe_load(compose_config(example_values(), tmp_path).stdout)["services"]
    api = services["api"]
    assert "/readyz/intake" in " ".join(api["healthcheck"]["test"])
    assert "temporal" not in api["depends_on"]
    caddy_address = services["caddy"]["networks"]["edge"]["ipv4_address"]
    assert api["environment"]["ASB_TRUSTED_PROXIES"] == caddy_address


def test_the_api_keeps_its_outbox_on_a_named_volume(tmp_path: Path) -> None:
    """docs/outages.md: the outbox (<ASB_DATA_DIR>/outbox) must outlive the container."""
    config = yaml.safe_load(compose_config(example_values(), tmp_path).stdout)
    api = config["services"]["api"]
    data_dir = api["environment"].get("ASB_DATA_DIR")
    if data_dir is None:  # the image's
        image_env = re.search(r"ASB_DATA_DIR=(\S+)", (ROOT / "Dockerfile").read_text())
        assert image_env, "the Dockerfile sets ASB_DATA_DIR"
        data_dir = image_env[1]
    assert data_dir == "/app/data"
    mounts = {m["target"]: m for m in map(_long_volume, api.get("volumes", []))}
    data = mounts[data_dir]
    assert data["type"] == "volume" and data["source"] in config["volumes"]
    assert not data.get("read_only")
    # A new named volume takes its ownership from the image's folder: the service user's.
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert re.search(r"mkdir -p /app/data\s*\\?\s*&& chown asb /app/data", dockerfile)
    assert "useradd --system --uid 10001" in dockerfile and "USER 10001" in dockerfile


def _long_volume(volume: Any) -> dict[str, Any]:
    """A service's volume in the long form (docker-compose 1.x prints the short one)."""
    if isinstance(volume, dict):
        return volume
    source, target, *mode = str(volume).split(":")
    kind = "bind" if source.startswith(("/", ".", "~")) else "volume"
    return {"type": kind, "source": source, "target": target, "read_only": mode == ["ro"]}


def test_the_backup_dumps_the_record_and_temporals_databases_together(tmp_path: Path) -> None:
    services = yaml.safe_load(compose_config(example_values(), tmp_path).stdout)["services"]
    command = " ".join(services["backup"]["command"])
    assert "--host=postgres --username=asb" in command and "asb.dump" in command
    assert "--host=temporal-postgres --username=temporal" in command
    assert "for db in temporal temporal_visibility" in command
