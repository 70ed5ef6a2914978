"""Three model families meet at explicit conversions: the API's response (api/schemas.py), the
workflow's payload (the case view in its history) and the read-model row (db/models.py)."""

from __future__ import annotations

from api.schemas import CaseOut, case_out
from domain.machine import view
from tests.unit.machine_support import T0, start


def test_the_api_response_is_converted_from_the_view_field_by_field() -> None:
    state = start("C")[0]
    payload = view(state, T0)
    response = case_out(payload)
    assert isinstance(response, CaseOut)
    assert response.model_dump(mode="json") == payload.model_dump(mode="json")
