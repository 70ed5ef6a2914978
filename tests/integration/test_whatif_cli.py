"""The policy what-if from the command line (issue 17), on a real database of each kind: the
comparison printed and written as CSV and PDF, cases the record cannot replay counted, and a
policy file that does not load refused with the same named-field error as at start-up."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

from core.policies import load_policy_file
from db.models import Case, CaseAction, CaseIntake
from domain.errors import PolicyFileError
from scripts import whatif
from scripts.whatif_bench import DRAFT, recorded_rows

CASES = 25


async def test_the_cli_compares_a_year_of_recorded_cases_r14_r43(
    database_url: str, engine: AsyncEngine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    prefix = f"CLI{uuid.uuid4().hex[:6].upper()}"
    intakes, actions = recorded_rows(CASES, "C", prefix=prefix)
    received = datetime(2025, 6, 2, 10, tzinfo=UTC)
    old = {  # a case of the period opened before intakes were kept
        "reference": f"{prefix}-OLD", "landlord": "C", "policy_version": "C-2025.1",
        "stage": "investigation", "tier": "less_serious", "received_at": received,
        "opened_at": received, "updated_at": received,
    }  # fmt: skip
    async with engine.begin() as conn:
        await conn.execute(insert(CaseIntake), intakes)
        await conn.execute(insert(CaseAction), actions)
        await conn.execute(insert(Case), [old])
        # The session's database is shared: other tests may have recorded C's cases of 2025 too,
        # and the what-if replays every one of the period (ours among them).
        recorded = await conn.scalar(
            select(func.count())
            .select_from(CaseIntake)
            .where(
                CaseIntake.landlord == "C",
                CaseIntake.received_at >= datetime(2025, 1, 1, tzinfo=UTC),
                CaseIntake.received_at < datetime(2026, 1, 1, tzinfo=UTC),
            )
        )
    assert recorded is not None and recorded >= CASES
    out_csv, out_pdf = tmp_path / "whatif.csv", tmp_path / "paper.pdf"
    argv = ["--policy", str(DRAFT), "--landlord", "C", "--from", "2025-01-01"]
    argv += ["--to", "2025-12-31", "--database-url", database_url]
    argv += ["--csv", str(out_csv), "--pdf", str(out_pdf)]

    assert await asyncio.to_thread(whatif.main, argv) == 0

    printed = capsys.readouterr().out
    assert "current (C-2025.1) against proposed C-2027.1" in printed
    assert "1 cases of the period were opened before intakes" in printed
    first_contact = [line for line in printed.splitlines() if line.startswith("Deadlines: first")]
    assert first_contact, printed
    csv_text = await asyncio.to_thread(out_csv.read_text, encoding="utf-8")
    assert csv_text.splitlines()[0] == "section,measure,current,proposed,difference"
    replayed = next(line for line in csv_text.splitlines() if line.startswith("Cases,replayed,"))
    assert replayed.split(",")[2:4] == [str(recorded), str(recorded)]
    assert (await asyncio.to_thread(out_pdf.read_bytes)).startswith(b"%PDF")


async def test_a_policy_file_that_does_not_load_is_refused_as_at_start_up(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "draft.toml"
    draft = await asyncio.to_thread(DRAFT.read_text, encoding="utf-8")
    await asyncio.to_thread(
        broken.write_text, draft.replace('timezone = "Europe/London"', 'timezone = "Mars/Olympus"')
    )
    with pytest.raises(PolicyFileError) as at_start_up:
        load_policy_file(broken)
    argv = ["--policy", str(broken), "--landlord", "C", "--from", "2025-01-01"]
    argv += ["--to", "2025-12-31", "--database-url", "sqlite+aiosqlite:///unused.db"]

    assert await asyncio.to_thread(whatif.main, argv) == 2

    error = capsys.readouterr().err.strip()
    assert error == str(at_start_up.value)
    assert "field 'office_hours" in error


async def test_a_proposal_for_another_landlord_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["--policy", str(DRAFT), "--landlord", "X", "--from", "2025-01-01"]
    argv += ["--to", "2025-12-31", "--database-url", "sqlite+aiosqlite:///unused.db"]
    assert await asyncio.to_thread(whatif.main, argv) == 2
    assert "field 'code': is 'C', but the cases are landlord X's" in capsys.readouterr().err
