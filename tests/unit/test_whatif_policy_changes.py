"""Policy what-if (issue 17) on a small fixed set of recorded cases, for three known policy
changes whose effects are computed by hand below. Rule numbers refer to docs/rules.md.

Every case is received on Monday 2 March 2026 at 10:00 (GMT, within office hours); deadlines
fall due at 17:00 on the n-th working day after (R13, R14) and a missed one is escalated when
due, then every 2 working days at 17:00 while unmet (domain/clocks.py).
"""

from __future__ import annotations

from typing import Any

from domain.actions import (
    Acknowledge,
    CompletePeia,
    LegalActionKind,
    LegalOutcome,
    RecordContact,
    RecordLegalOutcome,
    StartLegalAction,
)
from domain.case import Clock
from domain.simulation import Comparison
from tests.unit.machine_support import OFFICER, at
from tests.unit.whatif_support import case, changed, run

CONTACT = RecordContact(actor=OFFICER, outcome="made", channel="phone")


def _figures(result: Comparison, section: str) -> dict[str, tuple[str, str]]:
    return {m: (now, then) for s, m, now, then, _ in result.rows() if s == section}


def test_shortening_first_contact_from_5_to_3_working_days_r14() -> None:
    """C, less serious tier (noise): 5 WD is due Mon 9 Mar 17:00; 3 WD is due Thu 5 Mar 17:00.
    A contacted Wed 4 Mar 12:00: in time under both. B contacted Fri 6 Mar 12:00: in time now,
    19 h late under 3 WD (one escalation, Thu 17:00). C contacted Tue 10 Mar 12:00: 19 h late
    now (escalated Mon 17:00); 115 h late under 3 WD (escalated Thu 5 and Mon 9 Mar 17:00)."""

    def three_days(tier: dict[str, Any]) -> dict[str, Any]:
        return {**tier, "first_contact_wd": 3} if tier["code"] == "less_serious" else tier

    proposed = changed("C", "C-2027.1", tier=three_days)
    ack = (at(hours=1), Acknowledge(actor=OFFICER))
    cases = [
        case("C", "A", ack, (at(days=2, hours=2), CONTACT)),
        case("C", "B", ack, (at(days=4, hours=2), CONTACT)),
        case("C", "C", ack, (at(days=8, hours=2), CONTACT)),
    ]
    result = run(cases, proposed, at(days=11, hours=7))

    c, p = result.current, result.proposed
    fc_now, fc_then = c.deadlines[Clock.FIRST_CONTACT], p.deadlines[Clock.FIRST_CONTACT]
    assert (fc_now.due, fc_now.met, fc_now.late) == (3, 2, 1)
    assert (fc_then.due, fc_then.met, fc_then.late) == (3, 1, 2)
    assert fc_now.late_hours_max == 19 and fc_then.late_hours_max == 115
    assert fc_then.late_hours_mean == (19 + 115) / 2
    assert c.escalations[Clock.FIRST_CONTACT] == 1 and p.escalations[Clock.FIRST_CONTACT] == 3
    assert c.first_contact == {"less_serious": (2, 3)}
    assert p.first_contact == {"less_serious": (1, 3)}
    # Workload: three acknowledgements (Wed 4) in the first week either way; the first
    # contacts move from the week of 9 March into the week of 2 March.
    weeks = _figures(result, "Deadlines falling due per week")
    assert weeks == {"week of 2026-03-02": ("3", "6"), "week of 2026-03-09": ("3", "0")}
    assert [d.reference for d in result.diverged] == ["B", "C"]
    first = result.diverged[0]
    assert first.at == at() and first.proposed == "first_contact due 2026-03-05 17:00"
    assert "1 deadlines late or missed; 1 escalations" in first.outcome_proposed


def test_adding_an_acknowledgement_clock_r13() -> None:
    """Y has no separate acknowledgement; the proposal adds 1 WD, due Tue 3 Mar 17:00.
    A acknowledges Mon 11:00 (in time), B Wed 4 Mar 12:00 (19 h late, escalated Tue 17:00),
    C never: at the period's end (Fri 6 Mar 17:00) 72 h late, escalated Tue and Thu 17:00."""

    def one_day(tier: dict[str, Any]) -> dict[str, Any]:
        return {**tier, "acknowledgement_wd": 1}

    proposed = changed("Y", "Y-2027.1", tier=one_day)
    cases = [
        case("Y", "A", (at(hours=1), Acknowledge(actor=OFFICER))),
        case("Y", "B", (at(days=2, hours=2), Acknowledge(actor=OFFICER))),
        case("Y", "C"),
    ]
    result = run(cases, proposed, at(days=4, hours=7))

    assert Clock.ACKNOWLEDGEMENT not in result.current.deadlines
    ack = result.proposed.deadlines[Clock.ACKNOWLEDGEMENT]
    assert (ack.due, ack.met, ack.late) == (3, 1, 2)
    assert (ack.late_hours_mean, ack.late_hours_max) == (45.5, 72)
    assert result.current.escalations[Clock.ACKNOWLEDGEMENT] == 0
    assert result.proposed.escalations[Clock.ACKNOWLEDGEMENT] == 3
    # Nothing else moves: first contact (2 WD, Wed 17:00) is missed by all three either way.
    assert (
        result.current.deadlines[Clock.FIRST_CONTACT]
        == result.proposed.deadlines[Clock.FIRST_CONTACT]
    )
    assert [d.reference for d in result.diverged] == ["B", "C"]
    assert result.diverged[0].proposed == "acknowledgement due 2026-03-03 17:00"


def test_requiring_peia_approval_refuses_legal_action_r43() -> None:
    """P requires a PEIA (R43) but no supervisor approval of it. Case L completed its PEIA on
    Thu 5 Mar and started an injunction on Fri 6 Mar: under a policy that requires approval,
    the start is refused (nobody approved), so is the outcome recorded on Wed 11 Mar, and the
    case stays at the PEIA stage. Case N never went near court and does not change."""
    proposed = changed("P", "P-2027.1", legal_gate__peia_supervisor_approval=True)
    legal = case(
        "P",
        "L",
        (at(hours=1), Acknowledge(actor=OFFICER)),
        (at(days=1), CONTACT),
        (at(days=3), CompletePeia(actor=OFFICER, document_ref="peia-1")),
        (at(days=4), StartLegalAction(actor=OFFICER, kind=LegalActionKind.INJUNCTION)),
        (
            at(days=9),
            RecordLegalOutcome(actor=OFFICER, legal_action_no=1, outcome=LegalOutcome.GRANTED),
        ),
    )
    untouched = case("P", "N", (at(hours=1), Acknowledge(actor=OFFICER)))
    result = run([legal, untouched], proposed, at(days=10))

    assert result.current.refusals == 0 and result.proposed.refusals == 2
    stages = _figures(result, "Cases per stage at period end")
    assert stages["legal_action"] == ("1", "0") and stages["peia"] == ("0", "1")
    [diverged] = result.diverged
    assert diverged.reference == "L" and diverged.at == at(days=4)
    assert diverged.why == (
        "the proposed policy refuses start_legal_action: Legal action needs the PEIA approved "
        "by a supervisor under policy P (R43); it is not approved yet."
    )
    assert diverged.outcome_current.startswith("stage legal_action")
    assert diverged.outcome_proposed.startswith("stage peia")
    assert diverged.outcome_proposed.endswith("2 actions refused")
