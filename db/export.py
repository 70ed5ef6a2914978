"""Write a case's stored letter PDFs to files: ``python -m db.export ASB-2026-XXXXXXXX [FOLDER]``.

Every letter's PDF is kept in ``letter_documents`` (emailed ones are also attached to the email;
in development the email is ``data/mail/<reference>.letter.<n>.eml``). Letters queued for post
exist only there, so this is how to print them. Default folder: ``<data dir>/letters``.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import async_sessionmaker

from core.settings import get_settings
from db.engine import create_engine, session_factory
from db.models import Letter, LetterDocument


async def export_letters(
    sessions: async_sessionmaker[Any], reference: str, folder: Path
) -> list[Path]:
    """One ``<key with ':' as '-'>.pdf`` per stored letter of the case; the paths written."""
    async with sessions() as session:
        rows = (
            await session.execute(
                select(LetterDocument.letter_key, LetterDocument.pdf)
                .join(Letter, Letter.key == LetterDocument.letter_key)
                .where(Letter.reference == reference)
                .order_by(Letter.id)
            )
        ).all()
    return await asyncio.to_thread(_write, folder, rows)


def _write(folder: Path, rows: Sequence[Any]) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for key, pdf in rows:
        path = folder / f"{key.replace(':', '-')}.pdf"
        path.write_bytes(pdf)
        written.append(path)
    return written


async def _run(reference: str, folder: Path | None) -> list[Path]:
    settings = get_settings()
    engine = create_engine(settings.resolved_database_url)
    try:
        return await export_letters(
            session_factory(engine), reference, folder or settings.data_dir / "letters"
        )
    finally:
        await engine.dispose()


def main(argv: list[str]) -> int:
    if not 1 <= len(argv) <= 2:
        print("usage: python -m db.export REFERENCE [FOLDER]", file=sys.stderr)
        return 2
    written = asyncio.run(_run(argv[0], Path(argv[1]) if len(argv) > 1 else None))
    for path in written:
        print(path)
    if not written:
        print(f"no stored letters for {argv[0]}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
