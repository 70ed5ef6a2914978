"""The public intake's shared rate limit (issue 13): one count per client and window, kept in
the database so that it holds across API replicas. The statement is the repository
:mod:`db.intake_windows`; the API reaches it through this module."""

from __future__ import annotations

from db.intake_windows import count_hit

__all__ = ["count_hit"]
