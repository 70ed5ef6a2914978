"""Run a command while every core is kept busy: proof that tests hold on a loaded machine.

``python -m scripts.load -- python -m pytest tests/browser`` starts one busy-loop process per core
(``--workers``), runs the command, stops the loops and exits with the command's status. CI runs
the browser tests this way (``make browser-under-load``): a test that races the page it waits for
fails here far more often than on a quiet machine (issue 22, "tests that hold under load").

The loops are bounded three ways, so none outlives the run: they stop when the command ends,
when ``--max-seconds`` have passed, and when the process that started them is gone.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import subprocess
import sys
import time
from multiprocessing.synchronize import Event


def spin(stop: Event, until: float, parent: int) -> None:
    """Keep one core busy until told to stop, the time is up or the parent has gone."""
    count = 0
    while not stop.is_set() and time.monotonic() < until and os.getppid() == parent:
        for _ in range(200_000):
            count += 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--max-seconds", type=float, default=1800.0)
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("give the command to run after --")
    stop = multiprocessing.Event()
    until = time.monotonic() + args.max_seconds
    loops = [
        multiprocessing.Process(target=spin, args=(stop, until, os.getpid()), daemon=True)
        for _ in range(args.workers)
    ]
    for loop in loops:
        loop.start()
    print(f"load: {len(loops)} busy loops running beside: {' '.join(command)}", flush=True)
    try:
        return subprocess.run(command, check=False).returncode
    finally:
        stop.set()
        for loop in loops:
            loop.join(timeout=10)
            if loop.is_alive():
                loop.terminate()


if __name__ == "__main__":
    sys.exit(main())
