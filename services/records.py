"""The record as staff read and keep it: case lists, timelines, escalations, approvals, reports,
letters, officer tasks and the staff directory.

The statements themselves are repositories in :mod:`db` (``db.queries``, ``db.reports``,
``db.letters``, ``db.staff``, ``db.console_queries``); the API and the console reach them through
this module, so that only services and activities touch the database.
"""

from __future__ import annotations

from db import console_queries, letters, queries, reports
from db.engine import create_engine, ping, ping_write, session_factory
from db.letters import case_letters, status_sentence
from db.metrics import CaseFigures, case_figures
from db.models import Case as CaseRow
from db.models import CaseEvent, Letter, LetterStatus, OfficerTask, Party, Referral, TaskKind
from db.models import Escalation as EscalationRow
from db.queries import Position
from db.repository import case_referrals, record_referral_response, referral_of_case
from db.staff import find_staff, is_active_staff, list_staff, put_staff, sync_staff

__all__ = [
    "CaseEvent",
    "CaseFigures",
    "CaseRow",
    "EscalationRow",
    "Letter",
    "LetterStatus",
    "OfficerTask",
    "Party",
    "Position",
    "Referral",
    "TaskKind",
    "case_figures",
    "case_letters",
    "case_referrals",
    "console_queries",
    "create_engine",
    "find_staff",
    "is_active_staff",
    "letters",
    "list_staff",
    "ping",
    "ping_write",
    "put_staff",
    "queries",
    "record_referral_response",
    "referral_of_case",
    "reports",
    "session_factory",
    "status_sentence",
    "sync_staff",
]
