"""Each action is declared once, and everything that lists actions derives from the declarations
(issue: one action, one place)."""

from __future__ import annotations

from types import ModuleType
from typing import get_args

from core.settings import Settings
from domain.actions import (
    ACTION_TYPES,
    ACTIONS,
    Action,
    closure,
    intake,
    investigation,
    legal,
    remedies,
    rules_for,
    supervision,
)
from domain.errors import UnknownValueError
from web.app import create_app


def test_every_input_model_has_exactly_one_declaration() -> None:
    models = set(get_args(get_args(Action)[0]))
    assert {rules.input_model for rules in ACTIONS} == models
    assert len(ACTION_TYPES) == len(set(ACTION_TYPES)) == len(models)


CONCEPTS: list[tuple[ModuleType, object, type]] = [
    (intake, intake.IntakeAction, intake.IntakeStep),
    (investigation, investigation.InvestigationAction, investigation.InvestigationStep),
    (remedies, remedies.RemedyAction, remedies.RemedyStep),
    (legal, legal.LegalAction, legal.LegalStep),
    (closure, closure.ClosureAction, closure.ClosureStep),
    (supervision, supervision.SupervisionAction, supervision.SupervisionStep),
]


def test_each_concept_module_declares_exactly_the_models_of_its_union() -> None:
    """A concept module's union, its SPECS and its base agree; the registry composes them all."""
    for concept, union, base in CONCEPTS:
        assert {rules.input_model for rules in concept.SPECS} == set(get_args(union)), concept
        assert all(issubclass(rules.input_model, base) for rules in concept.SPECS), concept
    assert tuple(rules for concept, _, _ in CONCEPTS for rules in concept.SPECS) == ACTIONS


def test_supervisor_only_actions_are_the_approvals_and_reassignment() -> None:
    # R19 (reassign), R43 (PEIA approval or decline), R46 (closure approval)
    only = {rules.name for rules in ACTIONS if rules.supervisor_only}
    assert only == {"approve_peia", "decline_peia", "approve_closure", "reassign"}


def test_hold_allows_only_the_actions_that_keep_the_record_growing() -> None:
    # R17: the process waits; the record keeps growing.
    allowed = {rules.name for rules in ACTIONS if rules.on_hold}
    assert allowed == {
        "hold",
        "resume",
        "reassign",
        "recategorise",
        "log_incident",
        "add_evidence",
        "make_referral",
    }


def test_an_unknown_action_type_names_the_allowed_ones() -> None:
    try:
        rules_for("demolish")
    except UnknownValueError as unknown:
        assert "acknowledge" in str(unknown)
    else:
        raise AssertionError("an unknown action type was accepted")


def test_the_api_has_one_endpoint_per_declared_action() -> None:
    app = create_app(Settings())
    paths = app.openapi()["paths"]
    endpoints = {p.rsplit("/", 1)[-1] for p in paths if p.startswith("/cases/{reference}/actions/")}
    assert endpoints == set(ACTION_TYPES)
