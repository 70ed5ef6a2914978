"""Mint a development token: ``asb-token --user officer.jones --role officer --landlord X``."""

from __future__ import annotations

import argparse
from datetime import timedelta

from core.policies import known_landlords
from core.settings import get_settings
from edge.auth import ROLES, mint_token


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--user", required=True, help="user id, e.g. officer.jones")
    parser.add_argument("--role", action="append", choices=ROLES, required=True)
    parser.add_argument("--landlord", required=True, choices=known_landlords())
    parser.add_argument("--hours", type=float, default=8.0, help="lifetime in hours")
    args = parser.parse_args(argv)
    token = mint_token(
        get_settings(), args.user, args.role, args.landlord, timedelta(hours=args.hours)
    )
    print(token)


if __name__ == "__main__":
    main()
