"""Render one letter of a sample case to PNG for docs/architecture.md (``make letter-sample``).

The letter goes through the product's own path: the domain decides (``domain.machine``), the
command carries the dates and the officer's decisions, ``activities.compose`` gathers the facts
from the record's rows, the stamped policy, the landlord profile and the staff directory, and
``activities.letters`` renders the text and the A4 PDF. Only the database is left out: the rows
are built here as the intake and the workflow would have written them. Fixed dates make the
picture the same on every run.
"""

from __future__ import annotations

import argparse
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pypdfium2

from activities.compose import LetterSources, compose, letterhead
from activities.letters import render_letter, render_pdf
from core.case_setup import case_setup
from core.policies import load_policy, load_profile
from db.models import Case, Party, StaffMember
from db.staff import seed_entries
from domain import machine
from domain.actions import (
    Acknowledge,
    Action,
    Actor,
    AgreeActionPlan,
    ApplyRemedy,
    LogIncident,
    RecordContact,
    RecordRiskAssessment,
    RemedyKind,
    WarningTerms,
)
from domain.case import CaseState, OpenCase, PartyRef
from domain.commands import Command, SendLetter

LANDLORD = "C"
REFERENCE = "ASB-2026-5A1E0001"
RECEIVED = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
OFFICER = Actor(user_id="officer.jones", role="officer")
OUT = Path("docs/letter-warning.png")


def decide_warning() -> tuple[CaseState, SendLetter]:
    """A Connect case: acknowledged, planned, two more incidents, then a written warning."""
    opened = OpenCase(
        reference=REFERENCE, landlord=LANDLORD, categories=["noise"], channel="phone",
        received_at=RECEIVED,
        parties=[PartyRef(id=f"{REFERENCE}-P1", role="complainant"),
                 PartyRef(id=f"{REFERENCE}-P2", role="alleged_perpetrator")],
    )  # fmt: skip
    state, _ = machine.open_case(case_setup(LANDLORD, RECEIVED, RECEIVED), opened, RECEIVED)
    day = timedelta(days=1)
    steps: list[tuple[datetime, Action]] = [
        (RECEIVED + day, Acknowledge(actor=OFFICER)),
        (RECEIVED + day, RecordContact(actor=OFFICER, outcome="made", channel="phone")),
        (RECEIVED + day, RecordRiskAssessment(actor=OFFICER, tier=state.tier)),
        (RECEIVED + day, AgreeActionPlan(actor=OFFICER, agreed_contact_interval_days=7,
                                         summary_ref="plan-1",
                                         actions=["We will write to the household."])),
        (RECEIVED + 4 * day, LogIncident(actor=OFFICER, occurred_at=RECEIVED + 3 * day)),
        (RECEIVED + 8 * day, LogIncident(actor=OFFICER, occurred_at=RECEIVED + 7 * day)),
    ]  # fmt: skip
    for at, action in steps:
        state, _ = machine.decide(state, action, at)
    warning = WarningTerms(
        behaviour="loud music and shouting from your flat between midnight and 3am",
        effect="your neighbours have been kept awake, including a family with a young baby",
        incident_dates=[date(2026, 3, 2), date(2026, 3, 5), date(2026, 3, 9)],
        tenancy_clauses=[
            "Clause 4.1: not to cause a nuisance or annoyance to neighbours",
            "Clause 4.3: not to make noise audible outside your home between 11pm and 7am",
        ],
    )
    action = ApplyRemedy(actor=OFFICER, kind=RemedyKind.WRITTEN_WARNING, warning=warning)
    state, commands = machine.decide(state, action, RECEIVED + 10 * day)
    return state, _only_letter(commands)


def _only_letter(commands: list[Command]) -> SendLetter:
    [letter] = [c for c in commands if isinstance(c, SendLetter)]
    return letter


def record_rows(state: CaseState) -> LetterSources:
    """The rows the intake and the workflow write (db/models.py), as the dispatcher reads them."""
    case = Case(reference=REFERENCE, landlord=LANDLORD, policy_version=state.policy.policy_version,
                categories=list(state.categories), officer_id=state.officer_id,
                received_at=state.received_at)  # fmt: skip
    perpetrator = Party(id=f"{REFERENCE}-P2", role="alleged_perpetrator", name="Mr Dale Hughes",
                        address="16 Acacia Avenue\nLeeds\nLS6 2AB", anonymous=False)  # fmt: skip
    complainant = Party(id=f"{REFERENCE}-P1", role="complainant", name="Siobhan O'Brien",
                        address="Flat 2, 14 Acacia Avenue\nLeeds\nLS6 2AB")  # fmt: skip
    [entry] = [e for e in seed_entries() if e["staff_id"] == state.officer_id]
    officer = StaffMember(landlord=LANDLORD, active=True, **entry)
    return LetterSources(
        case=case, recipient=perpetrator, complainant=complainant,
        policy=load_policy(LANDLORD, state.policy.policy_version),
        profile=load_profile(LANDLORD), officer=officer, local_authority=None,
        today=date(2026, 3, 12), survey_url="https://asb.example/survey", by_post=True,
    )  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT, help=f"PNG to write (default {OUT})")
    parser.add_argument("--scale", type=float, default=1.6, help="pixels per PDF point")
    args = parser.parse_args()
    state, command = decide_warning()
    sources = record_rows(state)
    letter = render_letter(command.kind, compose(command, sources))
    created = datetime(2026, 3, 12, 9, 0, tzinfo=UTC)
    pdf = render_pdf(letter, letterhead(sources.policy, sources.profile), created=created)
    page = pypdfium2.PdfDocument(pdf)[0]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    page.render(scale=args.scale).to_pil().save(args.out, optimize=True)
    print(f"{args.out}: the {command.kind.value} letter of {REFERENCE} ({len(pdf)} bytes of PDF)")


if __name__ == "__main__":
    main()
