"""Every setting is documented: docs/configuration.md's reference is generated from the settings
class (scripts/settings_doc.py), and .env.example names each one."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.settings import Settings
from scripts.settings_doc import DOCUMENT, block, documented

ROOT = Path(__file__).resolve().parents[2]


def test_the_configuration_reference_is_generated_from_the_settings_class() -> None:
    assert documented(DOCUMENT.read_text()) == block(), (
        "the settings table is stale: run python -m scripts.settings_doc --write"
    )


@pytest.mark.parametrize("name", sorted(Settings.model_fields))
def test_every_setting_is_documented(name: str) -> None:
    variable = f"ASB_{name.upper()}"
    assert f"| `{variable}` |" in DOCUMENT.read_text(), f"{variable} missing from configuration.md"
    assert variable in (ROOT / ".env.example").read_text(), f"{variable} missing from .env.example"
