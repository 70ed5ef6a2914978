"""`make run`'s supervisor: a component that dies is restarted and reported; the others keep
running; only a stop ends them all (issue 13, point 8). Real child processes."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time

from core.devstack import Component, Supervisor

IDLE = [sys.executable, "-c", "import time; time.sleep(600)"]


def test_a_killed_component_is_restarted_and_reported_while_the_others_run() -> None:
    said: queue.Queue[str] = queue.Queue()
    worker, api = Component("worker", IDLE), Component("API", IDLE)
    supervisor = Supervisor([worker, api], say=said.put)
    for component in supervisor.components:
        supervisor.start(component)
    assert worker.process is not None and api.process is not None
    first_worker, api_process = worker.process, api.process
    watching = threading.Thread(target=supervisor.run, kwargs={"interval": 0.05})
    watching.start()
    try:
        os.kill(first_worker.pid, signal.SIGKILL)  # kill -9 the worker under `make run`
        assert said.get(timeout=30) == (
            "worker stopped unexpectedly (exit code -9); restarting it in 1 s (restart 1)"
        )
        assert said.get(timeout=30).startswith("worker restarted (pid ")
        assert worker.process is not None and worker.process.pid != first_worker.pid
        assert worker.process.poll() is None
        assert api.process is api_process and api_process.poll() is None  # untouched
    finally:
        supervisor.stop()
        watching.join(timeout=30)
    assert not watching.is_alive()
    assert worker.process.poll() is not None and api_process.poll() is not None
    assert said.empty()  # stopping is not reported as a death, nor restarted


def test_a_component_that_keeps_dying_backs_off_instead_of_stopping_the_rest() -> None:
    said: list[str] = []
    crashing = Component("worker", [sys.executable, "-c", "raise SystemExit(3)"])
    supervisor = Supervisor([crashing], say=said.append)
    supervisor.start(crashing)
    assert crashing.process is not None
    crashing.process.wait()
    now = time.monotonic()
    supervisor.check(now)
    supervisor.check(now + 1)  # backoff over: started again
    assert crashing.process is not None
    crashing.process.wait()
    supervisor.check(now + 1)
    assert said[0].endswith("restarting it in 1 s (restart 1)")
    assert said[2] == "worker stopped unexpectedly (exit code 3); restarting it in 2 s (restart 2)"
    supervisor.check(now + 2)  # still backing off
    assert crashing.process is None
    supervisor.stop()


def test_sigterm_stops_make_run_and_every_child() -> None:
    """The real entry point's signal handling, on a stack of idle children."""
    script = (
        "import signal, sys\n"
        "from core.devstack import Component, Supervisor\n"
        f"idle = {IDLE!r}\n"
        "s = Supervisor([Component('a', idle), Component('b', idle)], say=print)\n"
        "for c in s.components: s.start(c)\n"
        "signal.signal(signal.SIGTERM, lambda *_: s.stopping.set())\n"
        "print(' '.join(str(c.process.pid) for c in s.components), flush=True)\n"
        "s.run(0.05); s.stop(); print('stopped', flush=True)\n"
    )
    stack = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert stack.stdout is not None
    pids = [int(pid) for pid in stack.stdout.readline().split()]
    stack.send_signal(signal.SIGTERM)
    assert stack.stdout.read().strip() == "stopped"
    assert stack.wait(timeout=30) == 0
    for pid in pids:
        try:
            os.kill(pid, 0)
            raise AssertionError(f"child {pid} still running")
        except ProcessLookupError:
            pass
