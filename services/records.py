"""The record as staff read it: case lists, timelines, escalations, approvals and reports.

The queries themselves are repositories in :mod:`db` (``db.queries``, ``db.reports``); the API
reaches them through this module, so that only services and activities touch the database.
"""

from __future__ import annotations

from db import queries, reports
from db.engine import create_engine, ping, session_factory

__all__ = ["create_engine", "ping", "queries", "reports", "session_factory"]
