"""Every setting is documented in the README (or a topic page under docs/) and in
.env.example."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("name", sorted(Settings.model_fields))
def test_every_setting_is_documented(name: str) -> None:
    variable = f"ASB_{name.upper()}"
    documents = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    assert any(variable in page.read_text() for page in documents), (
        f"{variable} missing from README and docs/"
    )
    assert variable in (ROOT / ".env.example").read_text(), f"{variable} missing from .env.example"
