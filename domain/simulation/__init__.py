"""Policy what-if (issue 17): recorded cases replayed through the pure domain under two policies.

:mod:`domain.simulation.replay` drives one case's recorded intake and actions through
:mod:`domain.machine` by recorded time; :mod:`domain.simulation.compare` sums the runs per policy
and finds the cases whose outcome changes. No Temporal, no letters, no I/O.
"""

from domain.simulation.compare import Comparison, Divergence, PolicySummary, compare, summarise
from domain.simulation.replay import (
    CaseRun,
    DeadlineRecord,
    RecordedAction,
    RecordedCase,
    Refusal,
    replay,
)

__all__ = [
    "CaseRun",
    "Comparison",
    "DeadlineRecord",
    "Divergence",
    "PolicySummary",
    "RecordedAction",
    "RecordedCase",
    "Refusal",
    "compare",
    "replay",
    "summarise",
]
