"""Each action is declared once, and everything that lists actions derives from the declarations
(issue: one action, one place)."""

from __future__ import annotations

from typing import get_args

from core.settings import Settings
from domain.actions import ACTION_TYPES, ACTIONS, Action, ActionBase, rules_for
from domain.actions.registry import CONCEPTS, declared_in
from domain.errors import UnknownValueError
from web.app import create_app


def test_every_input_model_has_exactly_one_declaration() -> None:
    models = set(get_args(get_args(Action)[0]))
    assert {rules.input_model for rules in ACTIONS} == models
    assert len(ACTION_TYPES) == len(set(ACTION_TYPES)) == len(models)


def test_every_action_model_a_concept_module_defines_is_declared_there() -> None:
    """A model written without its declaration would be missing from the union and the API."""
    for concept in CONCEPTS:
        models = {
            value
            for value in vars(concept).values()
            if isinstance(value, type)
            and issubclass(value, ActionBase)
            and value is not ActionBase
            and value.__module__ == concept.__name__
        }
        assert {spec.model for spec in declared_in(concept)} == models, concept.__name__


def test_the_registry_lists_the_concepts_in_the_order_officers_meet_them() -> None:
    assert tuple(spec for concept in CONCEPTS for spec in declared_in(concept)) == ACTIONS
    assert (ACTION_TYPES[0], ACTION_TYPES[-1]) == ("acknowledge", "resume")


def test_every_model_is_re_exported_by_the_package() -> None:
    import domain.actions as package

    for rules in ACTIONS:
        assert getattr(package, rules.input_model.__name__) is rules.input_model


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
