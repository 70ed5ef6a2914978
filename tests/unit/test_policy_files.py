"""Policy files: a landlord's own file loads; a broken one is rejected naming file and field."""

from __future__ import annotations

from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import pytest

import core.policies as policy_module
from core.policies import known_landlords, known_versions, load_policy, load_policy_file
from domain.errors import DomainError, PolicyFileError, UnknownValueError


def packaged_text(code: str) -> str:
    return (resources.files("domain") / "policies" / f"{code}.toml").read_text(encoding="utf-8")


def write(tmp_path: Path, text: str, name: str = "Z.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def as_new_landlord(text: str, code: str = "Z", version: str = "Z-2026.1") -> str:
    return text.replace('code = "C"', f'code = "{code}"').replace(
        'policy_version = "C-2025.1"', f'policy_version = "{version}"'
    )


def test_adding_a_landlord_is_adding_a_file(tmp_path: Path) -> None:
    """docs/adding-a-landlord.md: copy a file, change the values, load it."""
    path = write(tmp_path, as_new_landlord(packaged_text("C")))
    policy = load_policy_file(path)
    assert (policy.code, policy.policy_version) == ("Z", "Z-2026.1")
    assert policy.tier("serious").first_contact_wd == 1


@pytest.mark.parametrize("code", ["C", "Y", "X", "B", "P"])
def test_packaged_files_load_from_a_path(tmp_path: Path, code: str) -> None:
    assert load_policy_file(write(tmp_path, packaged_text(code))) == load_policy(code)


# (replace this, with that) in C.toml -> the field the error must name.
BREAKAGES = [
    pytest.param(
        'noise = { label = "Noise", tier = "less_serious" }',
        'noise = { label = "Noise", tier = "medium" }',
        "categories.noise.tier",
        "'medium' is not defined; defined tiers: serious, less_serious",
        id="category-tier-undefined",
    ),
    pytest.param(
        "first_contact_wd = 1 ",
        "first_contact_wd = -1 ",
        "tiers.0.first_contact_wd",
        "greater than or equal to 0",
        id="negative-days",
    ),
    pytest.param(
        "acknowledgement_wd = 2           # R13\nfirst_contact_wd = 5",
        "acknowledgement_wd = -2\nfirst_contact_wd = 5",
        "tiers.1.acknowledgement_wd",
        "greater than or equal to 0",
        id="negative-ack",
    ),
    pytest.param(
        'code = "serious"',
        'code = "less_serious"',
        "tiers.1.code",
        "defined twice",
        id="duplicate-tier",
    ),
    pytest.param(
        "first_contact_wd = 5 ",
        "first_contact_wd = 0 ",
        "tiers.1.first_contact_wd",
        "highest risk (shortest SLA) first",
        id="tiers-out-of-order",
    ),
    pytest.param(
        'vulnerability_uplift_to = "serious"',
        'vulnerability_uplift_to = "urgent"',
        "triage.vulnerability_uplift_to",
        "'urgent' is not defined",
        id="uplift-tier-undefined",
    ),
    pytest.param(
        'hate_tier = "serious"',
        'hate_tier = "high"',
        "triage.hate_tier",
        "not defined",
        id="hate-tier-undefined",
    ),
    pytest.param(
        'arson = { label = "Arson", tier = "serious" }\n',
        "",
        "categories",
        "missing common categories: arson",
        id="missing-category",
    ),
    pytest.param(
        "hate = true }",
        "hate = false }",
        "categories.hate_incident.hate",
        "must be true",
        id="hate-category-not-flagged",
    ),
    pytest.param(
        "[closure]",
        "[closing]",
        "closure",
        "Field required (also: closing: Extra inputs are not permitted)",
        id="misspelt-table",
    ),
    pytest.param(
        "preferred_method = false",
        "preferred_method = false\ncadence_max_day = 14",
        "contact.cadence_max_day",
        "Extra inputs are not permitted",
        id="misspelt-field",
    ),
    pytest.param(
        'holiday_region = "england-and-wales"',
        'holiday_region = "wales"',
        "holiday_region",
        "'england-and-wales', 'scotland' or 'northern-ireland'",
        id="bad-region",
    ),
    pytest.param(
        'out_of_hours = "next_working_day"',
        'out_of_hours = "whenever"',
        "office_hours.out_of_hours",
        "'next_working_day' or 'same_day'",
        id="bad-ooh-rule",
    ),
    pytest.param(
        "end = 17:00:00",
        "end = 08:00:00",
        "office_hours.end",
        "later than office_hours.start",
        id="office-hours-reversed",
    ),
    pytest.param(
        'timezone = "Europe/London"',
        'timezone = "Europe/Atlantis"',
        "office_hours.timezone",
        "unknown time zone",
        id="bad-timezone",
    ),
    pytest.param(
        'policy_version = "C-2025.1"',
        'policy_version = "X-2025.1"',
        "policy_version",
        "must start with the landlord code 'C-'",
        id="version-of-another-landlord",
    ),
    pytest.param(
        "effective_from = 2025-01-01",
        'effective_from = "soon"',
        "effective_from",
        "valid date",
        id="bad-date",
    ),
    pytest.param(
        'when = "at_closure"',
        'when = "after_closure"',
        "survey.delay_days",
        "required when survey.when is after_closure",
        id="survey-delay-missing",
    ),
    pytest.param(
        "offered = true\n",
        "offered = false\n",
        "survey.when",
        "must be absent when survey.offered is false",
        id="survey-contradiction",
    ),
    pytest.param(
        "non_legal_first = true",
        "non_legal_first = false",
        "legal_gate.exceptions",
        "only make sense when non_legal_first is true",
        id="legal-gate-contradiction",
    ),
    pytest.param(
        "peia_supervisor_approval = false",
        "peia_supervisor_approval = true",
        "legal_gate.peia_supervisor_approval",
        "requires legal_gate.peia_required",
        id="peia-approval-without-peia",
    ),
    pytest.param(
        "[closure]\n",
        "[closure]\ninactivity_review_days = 28\n",
        "closure.reasons",
        "'no_further_contact' is not a reason",
        id="inactivity-without-reason",
    ),
    pytest.param(
        'reasons = ["asb_stopped"]',
        'reasons = ["asb_stopped", "asb_stopped"]',
        "closure.reasons",
        "lists a reason twice",
        id="duplicate-reason",
    ),
    pytest.param(
        'reasons = ["asb_stopped"]',
        "reasons = []",
        "closure.reasons",
        "at least 1 item",
        id="no-closure-reasons",
    ),
    pytest.param(
        "window_days = 183",
        "window_days = 0",
        "case_review.window_days",
        "greater than or equal to 1",
        id="zero-window",
    ),
    pytest.param(
        "office_closure_days = []",
        "office_closure_days = [2025-12-29, 2025-12-29]",
        "office_closure_days",
        "lists a date twice",
        id="duplicate-closure-day",
    ),
    pytest.param("notes = [", "notes = 7\nunused = [", "notes", "list of strings", id="notes"),
]


@pytest.mark.parametrize(("old", "new", "field", "problem"), BREAKAGES)
def test_broken_file_names_file_and_field(
    tmp_path: Path, old: str, new: str, field: str, problem: str
) -> None:
    text = packaged_text("C")
    assert old in text, "the test's anchor must exist in C.toml"
    path = write(tmp_path, text.replace(old, new, 1))
    with pytest.raises(PolicyFileError) as err:
        load_policy_file(path)
    assert err.value.file == str(path)
    assert err.value.field == field
    assert problem in err.value.problem
    assert str(path) in str(err.value) and repr(field) in str(err.value)


def test_empty_tiers_rejected(tmp_path: Path) -> None:
    text = packaged_text("Y")
    start = text.index("[[tiers]]")
    end = text.index("[categories]")
    text = (text[:start] + text[end:]).replace('code = "Y"', 'code = "Y"\ntiers = []')
    path = write(tmp_path, text)
    with pytest.raises(PolicyFileError, match=r"field 'tiers': .*at least 1 item"):
        load_policy_file(path)


def test_missing_table_named(tmp_path: Path) -> None:
    text = packaged_text("X")
    start = text.index("[survey]")
    end = text.index("[legal_gate]")
    path = write(tmp_path, text[:start] + text[end:])
    with pytest.raises(PolicyFileError, match=r"field 'survey': Field required"):
        load_policy_file(path)


def test_invalid_toml(tmp_path: Path) -> None:
    path = write(tmp_path, 'code = "C\n')
    with pytest.raises(PolicyFileError, match=r"Z\.toml: field '<toml>': not valid TOML"):
        load_policy_file(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(PolicyFileError, match=r"nope\.toml: field '<file>': cannot be read"):
        load_policy_file(tmp_path / "nope.toml")


def test_further_problems_are_counted(tmp_path: Path) -> None:
    text = packaged_text("C").replace("first_contact_wd = 1 ", "first_contact_wd = -1 ")
    text = text.replace("window_days = 183", "window_days = 0")
    with pytest.raises(PolicyFileError) as err:
        load_policy_file(write(tmp_path, text))
    assert err.value.field == "tiers.0.first_contact_wd"
    assert err.value.problem.endswith(
        "(also: case_review.window_days: Input should be greater than or equal to 1)"
    )


def test_many_problems_are_summarised(tmp_path: Path) -> None:
    text = packaged_text("C")
    for table in ("[contact]", "[closure]", "[survey]", "[legal_gate]", "[case_review]"):
        text = text.replace(table, table.replace("[", "[x_"))
    with pytest.raises(PolicyFileError, match=r"; and 6 more problems\)$"):
        load_policy_file(write(tmp_path, text))


def test_policy_file_error_is_a_domain_error() -> None:
    assert issubclass(PolicyFileError, DomainError)
    assert issubclass(UnknownValueError, DomainError)
    assert issubclass(DomainError, ValueError)


# ---- the packaged registry ---------------------------------------------------------------------


@pytest.fixture
def packaged_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Point the registry at a temporary directory instead of domain/policies."""

    def files(folder: str = "policies") -> list[Path]:
        return sorted(tmp_path.glob("*.toml"))

    monkeypatch.setattr(policy_module, "_packaged_files", files)
    policy_module._registry.cache_clear()
    yield tmp_path
    policy_module._registry.cache_clear()


def test_registry_holds_several_versions(packaged_dir: Path) -> None:
    """R58: an old version stays loadable for the cases opened under it."""
    write(packaged_dir, packaged_text("C"), "C.toml")
    newer = (
        packaged_text("C")
        .replace('"C-2025.1"', '"C-2026.1"')
        .replace("effective_from = 2025-01-01", "effective_from = 2026-04-01")
    )
    write(packaged_dir, newer, "C@C-2026.1.toml")
    assert known_landlords() == ["C"]
    assert known_versions("C") == ["C-2025.1", "C-2026.1"]
    assert load_policy("C").policy_version == "C-2026.1"
    assert load_policy("C", "C-2025.1").effective_from.year == 2025


def test_registry_file_name_must_match_code(packaged_dir: Path) -> None:
    write(packaged_dir, packaged_text("C"), "Q.toml")
    with pytest.raises(PolicyFileError, match=r"Q\.toml: field 'code': file must be named C\.toml"):
        known_landlords()


def test_registry_rejects_duplicate_versions(packaged_dir: Path) -> None:
    write(packaged_dir, packaged_text("C"), "C.toml")
    write(packaged_dir, packaged_text("C"), "C@again.toml")
    with pytest.raises(PolicyFileError, match=r"'C-2025\.1' is defined by two files"):
        load_policy("C")
