"""R38: a referral names an agency of the catalogue; any other is refused before the case
records it (the dispatcher could only set it aside for the officer)."""

from __future__ import annotations

from pathlib import Path

from core.agencies import agency_codes
from services.errors import InvalidInput

__all__ = ["check_agency"]


def check_agency(agencies_file: Path | None, agency: str) -> None:
    allowed = agency_codes(agencies_file)
    if agency not in allowed:
        raise InvalidInput(
            "agency", f"unknown agency {agency!r}; allowed values: {', '.join(allowed)}"
        )
