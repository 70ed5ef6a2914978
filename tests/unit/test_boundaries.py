"""Three model families meet at explicit conversions: the API's response (edge/schemas.py), the
workflow's payload (the case view in its history) and the read-model row (db/models.py)."""

from __future__ import annotations

from contracts.view import build_view as view
from domain.commands import SendLetter
from edge.schemas import CaseOut, case_out
from tests.unit.machine_support import T0, start


def test_the_api_response_is_converted_from_the_view_field_by_field() -> None:
    state = start("C")[0]
    payload = view(state, T0)
    response = case_out(payload)
    assert isinstance(response, CaseOut)
    assert response.model_dump(mode="json") == payload.model_dump(mode="json")


def test_a_letter_command_recorded_with_the_old_template_field_still_decodes() -> None:
    # Histories and in-flight activities from before the field was dropped carry it.
    old = {
        "type": "send_letter",
        "key": "ASB-1:letter:1",
        "reference": "ASB-1",
        "kind": "acknowledgement",
        "to_role": "complainant",
        "party_id": "ASB-1-P1",
        "template": "C/acknowledgement",
    }
    letter = SendLetter.model_validate(old)
    assert "template" not in letter.model_dump()
