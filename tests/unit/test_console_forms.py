"""Every domain action gets a console form from its model alone, and the form's strings parse
back into values the model accepts."""

from __future__ import annotations

from typing import Any

import pytest

from console.forms import Choice, action_form, parse
from domain.actions import ACTIONS, Actor

OPTIONS = {"tier": [Choice("general", "General")], "agency": [Choice("police", "Police")]}
ACTION_MODELS = {rules.name: rules.input_model for rules in ACTIONS}
SAMPLE = {"text": "x-1", "number": "1", "datetime": "2026-11-30T21:15", "list": "noise, other"}

ACTION_MODELS = {rules.name: rules.input_model for rules in ACTIONS}


def _filled(fields: list[Any], prefix: str = "") -> dict[str, str]:
    values: dict[str, str] = {}
    for f in fields:
        if f.kind in SAMPLE:
            values[prefix + f.name] = SAMPLE[f.kind]
        elif f.kind in ("select", "radios") and f.choices:
            values[prefix + f.name] = f.choices[0].value
        elif f.kind == "yesno":
            values[prefix + f.name] = "no"
        elif f.kind == "group" and not f.optional:  # optional groups stay empty, so left out
            values.update(_filled(f.children, f"{prefix}{f.name}."))
    return values


@pytest.mark.parametrize("action_type", sorted(ACTION_MODELS))
def test_each_action_has_a_form_that_its_model_accepts(action_type: str) -> None:
    model = ACTION_MODELS[action_type]
    form = action_form(model, OPTIONS)
    assert [f.name for f in form.fields] == [
        n for n in model.model_fields if n not in ("actor", "type")
    ]
    values = parse(form, _filled(form.fields))
    actor = Actor(user_id="officer.a", role="officer")
    model.model_validate({**values, "actor": actor, "type": action_type})


def test_a_time_typed_on_the_wall_clock_is_read_as_uk_time() -> None:
    form = action_form(ACTION_MODELS["log_incident"], OPTIONS)
    assert form.fields[0].kind == "datetime"
    summer = parse(form, {"occurred_at": "2026-07-01T09:00"})["occurred_at"]
    assert summer.endswith("+01:00")  # BST


def test_an_empty_optional_field_is_left_to_the_model() -> None:
    form = action_form(ACTION_MODELS["record_risk_assessment"], OPTIONS)
    values = parse(form, {"tier": "general", "review_in_days": ""})
    assert values == {"tier": "general"}


def test_an_optional_group_filled_in_is_sent_and_validated_by_the_model() -> None:
    model = ACTION_MODELS["apply_remedy"]
    form = action_form(model, OPTIONS)
    values = parse(
        form,
        {
            "kind": "written_warning",
            "warning.behaviour": "loud music played late at night",
            "warning.incident_dates": "2026-11-20, 2026-11-25",
            "warning.tenancy_clauses": "3.1 nuisance",
        },
    )
    assert "abc" not in values  # nothing filled in: left out
    action = model.model_validate(
        {**values, "actor": Actor(user_id="officer.a", role="officer"), "type": "apply_remedy"}
    )
    assert len(action.warning.incident_dates) == 2  # type: ignore[attr-defined]


def test_every_access_route_has_words_in_the_console() -> None:
    """Issue 16: an admin reads where each access happened in plain words."""
    from console.labels import ACCESS_ROUTES
    from services.access import Route

    assert set(ACCESS_ROUTES) == {route.value for route in Route}
