"""Replay fidelity of the policy what-if (issue 17): cases recorded by the real workflow on a
real (time-skipping) Temporal server, replayed from the record alone under their own policy
version, reproduce their recorded deadlines and escalations exactly, for every seed landlord
and every kind of journey: ordinary, hold (R17), recategorisation (R16), closure review
through inactivity (R47) and legal action after a PEIA (R43, R44)."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from temporalio.client import WorkflowUpdateFailedError
from temporalio.service import RPCError

from contracts.view import CaseView, build_view
from core.policies import load_policy
from domain.simulation import replay
from scripts.whatif_journeys import JOURNEYS
from services.whatif import recorded
from tests.workflow.support import LANDLORDS, CaseDriver, OpenedCase

LATENCY = timedelta(seconds=1)  # a timer fires, and its workflow task runs, just after its instant


def _same_deadlines(replayed: CaseView, kept: CaseView, what: str) -> None:
    """Each clock the same: due at the same instant, the same number of escalations, paused or
    stopped alike. A clock met or first seen missed by a timer (the survey going out, a
    review opening, an escalation) is stamped by the workflow when its task runs, a few
    milliseconds after the instant the replay uses: those two agree to within ``LATENCY``."""
    mine = sorted(replayed.deadlines, key=lambda d: d.clock)
    theirs = sorted(kept.deadlines, key=lambda d: d.clock)
    assert [d.clock for d in mine] == [d.clock for d in theirs], what
    for a, b in zip(mine, theirs, strict=True):
        where = f"{what}: {a.clock}"
        assert (a.due_at, a.escalations, a.paused, a.stopped) == (
            b.due_at,
            b.escalations,
            b.paused,
            b.stopped,
        ), where
        for x, y in ((a.met_at, b.met_at), (a.breached_at, b.breached_at)):
            assert (x is None) == (y is None), where
            if x is not None and y is not None:
                assert timedelta(0) <= y - x < LATENCY, where


async def _walk(cases: CaseDriver, plan: list[tuple[datetime, OpenedCase, Any]]) -> int:
    """Take each planned action at its instant, in time order across all cases; an action the
    case refuses is simply not taken (as an officer told "no" would not), nor is one sent to a
    case that has already finished (the server no longer takes updates for it)."""
    applied = 0
    for instant, case, action in sorted(plan, key=lambda p: p[0]):
        await cases.skip_past(instant, margin=timedelta(0))
        try:
            await cases.act(case, action)
            applied += 1
        except (WorkflowUpdateFailedError, RPCError):
            continue
    return applied


async def test_replaying_recorded_cases_reproduces_their_deadlines_and_escalations(
    cases: CaseDriver,
) -> None:
    rng = random.Random(17)
    start = await cases.now()
    plan: list[tuple[datetime, OpenedCase, Any]] = []
    journeys: dict[str, str] = {}
    for landlord in LANDLORDS:
        policy = load_policy(landlord)
        for name, journey in JOURNEYS.items():
            case = await cases.open(landlord)
            journeys[case.reference] = f"{landlord} {name}"
            at = case.view.received_at
            for gap, action in journey(policy, at.date(), rng):
                at += gap
                plan.append((at, case, action))
    applied = await _walk(cases, plan)
    assert applied > len(plan) * 3 // 4, "most planned actions should be taken"
    await cases.skip(days=3)
    until = await cases.now()

    checked = 0
    seen: set[str] = set()  # what the recorded journeys went through
    for landlord in LANDLORDS:
        found, _ = await recorded(cases.sessions, landlord, start.date(), until.date())
        by_reference = {c.reference: c for c in found}
        for case in (c for c in cases.opened if c.landlord == landlord):
            kept = by_reference[case.reference]
            run, state = replay(kept, until)
            assert state is not None
            what = journeys[case.reference]
            recorded_view = await cases.view(case)
            _same_deadlines(build_view(state, until), recorded_view, what)
            assert state.stage is recorded_view.stage, what
            rows = await cases.escalations(case.reference)
            escalated = sorted(
                (r.clock, r.due_at, r.level) for r in rows if r.reason == "deadline_missed"
            )
            assert sorted((c.value, due, n) for c, due, n, _ in run.escalations) == escalated, what
            checked += 1
            seen |= {a.action.type for a in kept.actions} | {what for _, what in run.trace}
    assert checked == len(LANDLORDS) * len(JOURNEYS)
    wanted = {"hold", "resume", "recategorise", "tick:closure_review", "start_legal_action"}
    assert wanted <= seen, f"no recorded case went through {wanted - seen}"
