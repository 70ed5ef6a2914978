"""The console's server-side sessions (issue 22): the statements are :mod:`db.console_sessions`;
the console reaches them through this module, so that only services touch the database."""

from __future__ import annotations

from db.console_sessions import close_session, open_session, use_session

__all__ = ["close_session", "open_session", "use_session"]
