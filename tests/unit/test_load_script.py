"""scripts/load.py: the command's status is the script's, and no busy loop outlives the run."""

from __future__ import annotations

import multiprocessing
import sys

from scripts.load import main


def test_the_command_runs_beside_the_loops_and_its_status_is_returned() -> None:
    assert main(["--workers", "2", "--", sys.executable, "-c", "raise SystemExit(3)"]) == 3
    assert main(["--workers", "1", "--", sys.executable, "-c", "pass"]) == 0
    # The loops were stopped and joined when the command ended.
    assert multiprocessing.active_children() == []
