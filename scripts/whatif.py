"""Policy what-if from the command line: replay a landlord's recorded cases of a period under
a proposed policy file and print the comparison (issue 17; services/whatif.py).

    python -m scripts.whatif --policy draft.toml --landlord C --from 2026-01-01 --to 2026-12-31

The database is the product's (ASB_DATABASE_URL, or the SQLite file in ASB_DATA_DIR). A policy
file that does not load is reported with its field, as at start-up, and exits with status 2.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import date
from pathlib import Path

from core.settings import Settings
from db.engine import create_engine, session_factory
from domain.errors import PolicyFileError
from services.errors import InvalidInput
from services.whatif import load_proposal, run_whatif
from services.whatif_output import as_csv, as_pdf, as_text


def _args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m scripts.whatif", description=__doc__)
    parser.add_argument("--policy", required=True, type=Path, help="proposed policy file (TOML)")
    parser.add_argument("--landlord", required=True, help="landlord code, e.g. C")
    parser.add_argument("--from", dest="start", required=True, type=date.fromisoformat)
    parser.add_argument("--to", dest="end", required=True, type=date.fromisoformat)
    parser.add_argument("--csv", type=Path, help="also write the comparison as CSV here")
    parser.add_argument("--pdf", type=Path, help="also write the board paper (PDF) here")
    parser.add_argument("--database-url", help="overrides the product's database")
    return parser.parse_args(argv)


async def _run(args: argparse.Namespace) -> int:
    try:
        text = args.policy.read_text(encoding="utf-8")
    except OSError as exc:
        print(
            f"policy file {args.policy}: field '<file>': cannot be read: {exc.strerror}",
            file=sys.stderr,
        )
        return 2
    try:
        proposed = load_proposal(text, str(args.policy), args.landlord)
    except PolicyFileError as invalid:
        print(invalid, file=sys.stderr)
        return 2
    url = args.database_url or Settings().resolved_database_url
    engine = create_engine(url)
    try:
        result = await run_whatif(
            session_factory(engine), args.landlord, args.start, args.end, proposed
        )
    except InvalidInput as invalid:
        print(f"{invalid.field}: {invalid.message}", file=sys.stderr)
        return 2
    finally:
        await engine.dispose()
    print(as_text(result), end="")
    if args.csv:
        args.csv.write_text(as_csv(result), encoding="utf-8")
    if args.pdf:
        args.pdf.write_bytes(as_pdf(result))
    return 0


def main(argv: list[str] | None = None) -> int:
    return asyncio.run(_run(_args(argv)))


if __name__ == "__main__":
    raise SystemExit(main())
