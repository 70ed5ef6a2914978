"""Every setting is documented in the README (or a guide under docs/) and in .env.example."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


def documentation() -> str:
    """The README and the guides it is being split into (docs/*.md)."""
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    return "\n".join(page.read_text() for page in pages if page.exists())


@pytest.mark.parametrize("name", sorted(Settings.model_fields))
def test_every_setting_is_documented(name: str) -> None:
    variable = f"ASB_{name.upper()}"
    assert variable in documentation(), f"{variable} missing from README.md and docs/"
    assert variable in (ROOT / ".env.example").read_text(), f"{variable} missing from .env.example"
