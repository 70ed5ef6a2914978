"""The image's files start the product: what the Dockerfile copies into its final stage, installed
the way it installs it, runs the migration, the worker and the API (the commands compose gives
each role) against a real Temporal dev server and a real database.

No container engine runs here (no registry is reachable for the base images), so the Dockerfile is
carried out in folders (tests/deploy/dockerfile_layout.py): a package the Dockerfile leaves out is
missing here as it would be in the image, and the API or the worker fails to start.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import socket
import subprocess
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from temporalio.testing import WorkflowEnvironment

from contracts.search_attributes import ALL as SEARCH_ATTRIBUTES
from core.codec import new_key_entry
from tests.conftest import (
    _binary,
    _create_postgres_database,
    _drop_postgres_database,
    postgres_reachable,
)
from tests.deploy.dockerfile_layout import Build, fill_wheelhouse

ROOT = Path(__file__).resolve().parents[2]
# A loaded two-core machine starts Python, Temporal and uvicorn slowly; a healthy role is ready
# well within this, a broken one never is (the deadline bounds the wait, it measures nothing).
DEADLINE = 180.0


def compose_commands() -> dict[str, list[str]]:
    """The command of each compose service built from this Dockerfile: migrate, workers, api."""
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    return {
        name: [str(word) for word in spec["command"]]
        for name, spec in services.items()
        if spec.get("build") == "."
    }


def compose_healthcheck(service: str) -> list[str]:
    test = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"][service][
        "healthcheck"
    ]["test"]
    assert test[0] == "CMD", test
    return [str(word) for word in test[1:]]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def image(request: pytest.FixtureRequest, tmp_path_factory: Any) -> Build:
    """The Dockerfile carried out: its final stage's folder and fresh Python environment."""
    wheelhouse = Path(request.config.cache.mkdir("image-wheelhouse"))
    fill_wheelhouse(ROOT, wheelhouse)
    build = Build(ROOT, ROOT / "Dockerfile", tmp_path_factory.mktemp("image"), wheelhouse)
    build.run()
    return build


@pytest.fixture
async def temporal() -> AsyncIterator[str]:
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=_binary("temporal"),
        search_attributes=SEARCH_ATTRIBUTES,
        dev_server_extra_args=["--sqlite-pragma", "journal_mode=wal", "--log-level", "error"],
    )
    try:
        yield env.client.service_client.config.target_host
    finally:
        await env.shutdown()


@pytest.fixture
async def database(image: Build) -> AsyncIterator[str]:
    """PostgreSQL, as production runs, when one answers; otherwise a SQLite file."""
    if not postgres_reachable():
        yield f"sqlite+aiosqlite:///{image.final_workdir() / 'data' / 'asb.db'}"
        return
    name, url = await _create_postgres_database()
    try:
        yield url
    finally:
        await _drop_postgres_database(name)


class Roles:
    """Runs the image's commands from its working directory, with its ENV and production's."""

    def __init__(self, image: Build, env: dict[str, str]) -> None:
        self.image = image
        self.env = env
        self.logs = image.workspace / "logs"
        self.logs.mkdir(exist_ok=True)

    def command(self, words: list[str]) -> list[str]:
        assert words[0] == "python", f"{words}: the image's roles are Python modules"
        return [str(self.image.final_python()), *words[1:]]

    def run(self, words: list[str]) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            self.command(words),
            cwd=self.image.final_workdir(),
            env=self.env,
            capture_output=True,
            text=True,
            timeout=DEADLINE,
        )

    @contextmanager
    def started(self, name: str, words: list[str]) -> Iterator[subprocess.Popen[bytes]]:
        with (self.logs / f"{name}.log").open("wb") as log:
            process = subprocess.Popen(
                self.command(words),
                cwd=self.image.final_workdir(),
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            try:
                yield process
            finally:
                process.terminate()
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()

    def log(self, name: str) -> str:
        return (self.logs / f"{name}.log").read_text(errors="replace")[-4000:]


async def until(check: Any, process: subprocess.Popen[bytes], roles: Roles, name: str) -> None:
    """Poll ``check`` until it holds; fail at once, with the role's output, if the role exits."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + DEADLINE
    while True:
        assert process.poll() is None, f"{name} exited ({process.returncode}):\n{roles.log(name)}"
        if await check():
            return
        assert loop.time() < deadline, f"{name} never became ready:\n{roles.log(name)}"
        await asyncio.sleep(0.5)


async def test_the_images_files_migrate_then_run_the_worker_and_the_api(
    image: Build, temporal: str, database: str
) -> None:
    api_port, worker_health_port = free_port(), free_port()
    env = {
        "PATH": f"{image.final_python().parent}{os.pathsep}{os.environ.get('PATH', os.defpath)}",
        "HOME": str(image.workspace),
        **image.final_env(),
        # What compose gives every role (docker-compose.yml, x-app-env): production settings.
        "ASB_ENVIRONMENT": "production",
        "ASB_DATABASE_URL": database,
        "ASB_TEMPORAL_ADDRESS": temporal,
        "ASB_TEMPORAL_NAMESPACE": "default",
        "ASB_TASK_QUEUE": f"image-{uuid.uuid4().hex[:8]}",
        "ASB_TOKEN_SECRET": secrets.token_urlsafe(48),
        "ASB_ENCRYPTION_KEYS": new_key_entry("image"),
        "ASB_MAIL_MODE": "smtp",
        "ASB_API_HOST": "127.0.0.1",
        "ASB_API_PORT": str(api_port),
        "ASB_WORKER_METRICS_ADDRESS": f"127.0.0.1:{free_port()}",
        "ASB_WORKER_HEALTH_ADDRESS": f"127.0.0.1:{worker_health_port}",
    }
    roles = Roles(image, env)
    commands = compose_commands()
    # Every service built from the image runs one of the three roles started below.
    roles_started = {tuple(commands[name]) for name in ("migrate", "worker", "api")}
    assert {tuple(words) for words in commands.values()} == roles_started, commands
    assert commands["api"] == image.cmd()  # the image's default role is the API

    migrated = roles.run(commands["migrate"])
    assert migrated.returncode == 0, migrated.stdout + migrated.stderr
    assert "database migrated" in migrated.stdout

    with roles.started("worker", commands["worker"]) as worker:
        # The worker's own readiness check (compose and Kubernetes): it polls the task queue.
        async def polls() -> bool:
            checked = await asyncio.to_thread(roles.run, compose_healthcheck("worker"))
            return checked.returncode == 0

        await until(polls, worker, roles, "worker")
        # ...and its own health endpoint, which the Kubernetes probes read, says so too.
        async with httpx.AsyncClient(timeout=10) as probe:
            health = await probe.get(f"http://127.0.0.1:{worker_health_port}/healthz")
            assert health.status_code == 200, health.text

        with roles.started("api", commands["api"]) as api:
            base = f"http://127.0.0.1:{api_port}"
            async with httpx.AsyncClient(base_url=base, timeout=10) as client:

                async def answers(path: str) -> bool:
                    try:
                        return (await client.get(path)).status_code == 200
                    except httpx.TransportError:
                        return False

                await until(lambda: answers("/healthz"), api, roles, "api")
                await until(lambda: answers("/readyz"), api, roles, "api")
                ready = (await client.get("/readyz")).json()
                assert ready == {"status": "ready", "database": "ok", "temporal": "ok"}
                # The packaged templates and the npm assets are in the image too.
                # A resident's report page: templates, policies and the GOV.UK stylesheet.
                page = await client.get("/report")
                assert page.status_code == 200, page.text
                assert "govuk-frontend.min.css" in page.text
                style = await client.get("/assets/govuk/govuk-frontend.min.css")
                assert style.status_code == 200

    # The Kubernetes manifests (the API's StatefulSet, the worker's Deployment and the migration
    # patch) run the same commands.
    manifests = [
        document
        for path in sorted((ROOT / "deploy" / "kubernetes").glob("*.yaml"))
        for document in yaml.safe_load_all(path.read_text())
        if document
    ]
    kubernetes = {tuple(container["command"]) for container in _image_containers(manifests)}
    assert kubernetes == roles_started


def _image_containers(document: Any) -> Iterator[dict[str, Any]]:
    """Every container spec (in a manifest or a patch) that runs this project's image."""
    if isinstance(document, dict):
        if str(document.get("image", "")).startswith("asb-case-engine"):
            yield document
        for value in document.values():
            yield from _image_containers(value)
    elif isinstance(document, list):
        for item in document:
            yield from _image_containers(item)
