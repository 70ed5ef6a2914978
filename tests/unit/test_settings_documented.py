"""Every setting is documented in the README and in .env.example."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("name", sorted(Settings.model_fields))
def test_every_setting_is_documented(name: str) -> None:
    variable = f"ASB_{name.upper()}"
    assert variable in (ROOT / "README.md").read_text(), f"{variable} missing from README"
    assert variable in (ROOT / ".env.example").read_text(), f"{variable} missing from .env.example"
