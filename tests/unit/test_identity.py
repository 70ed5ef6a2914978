"""From an identity provider's claims to who the caller is here (issue 16): groups map to roles
and one landlord, or the caller is refused with the reason; staff fields never come back blank."""

from __future__ import annotations

import pytest

from core.settings import Settings
from edge.identity import NotMapped, check_maps, principal_from_claims, staff_values

SETTINGS = Settings(
    oidc_issuer="https://login.example/v2.0",
    oidc_role_map="asb-officers=officer,asb-leads=supervisor,asb-leads=officer",
    oidc_landlord_map="landlord-x=X,landlord-y=Y",
    oidc_job_title_claim="jobTitle",
)


def test_groups_give_every_mapped_role_and_the_one_landlord() -> None:
    claims = {"sub": "sam", "groups": ["asb-leads", "landlord-x", "all-staff"]}
    principal = principal_from_claims(claims, SETTINGS)
    assert (principal.user_id, principal.roles, principal.landlord) == (
        "sam", ["officer", "supervisor"], "X",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("claims", "reason"),
    [
        ({"sub": "a", "groups": ["finance", "landlord-x"]}, "finance, landlord-x) map to no role"),
        ({"sub": "a"}, "'groups': none) map to no role"),
        ({"sub": "a", "groups": ["asb-officers"]}, "map to no landlord"),
        ({"sub": "a", "groups": ["asb-officers", "landlord-x", "landlord-y"]}, "(X, Y)"),
        ({"groups": ["asb-officers", "landlord-x"]}, "no subject"),
    ],
)
def test_claims_that_give_no_role_or_no_single_landlord_are_refused(
    claims: dict, reason: str
) -> None:
    with pytest.raises(NotMapped) as refused:
        principal_from_claims(claims, SETTINGS)
    assert reason in str(refused.value)


def test_a_landlord_claim_must_name_a_landlord_of_the_service() -> None:
    settings = SETTINGS.model_copy(update={"oidc_landlord_claim": "landlord"})
    claims = {"sub": "a", "groups": ["asb-officers"], "landlord": "Y"}
    assert principal_from_claims(claims, settings).landlord == "Y"
    with pytest.raises(NotMapped, match="'landlord' claim \\(ZZ\\) names no landlord"):
        principal_from_claims({**claims, "landlord": "ZZ"}, settings)


def test_a_malformed_map_is_refused_naming_the_setting() -> None:
    with pytest.raises(ValueError, match="ASB_OIDC_ROLE_MAP: 'asb-officers=boss'"):
        check_maps(SETTINGS.model_copy(update={"oidc_role_map": "asb-officers=boss"}))
    with pytest.raises(ValueError, match="ASB_OIDC_LANDLORD_MAP"):
        check_maps(SETTINGS.model_copy(update={"oidc_landlord_map": "landlord-x"}))


def test_staff_values_leave_out_what_the_claims_do_not_hold() -> None:
    claims = {"name": " Sam Patel ", "email": "", "jobTitle": None}
    assert staff_values(claims, SETTINGS) == {"display_name": "Sam Patel"}
    no_title_claim = SETTINGS.model_copy(update={"oidc_job_title_claim": ""})
    assert staff_values({"jobTitle": "Lead"}, no_title_claim) == {}
