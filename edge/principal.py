"""Who is calling: the user id, roles and landlord, however they signed in (a development
token, the console's session, or the landlord's identity provider).

Officers act on their landlord's cases; supervisors also approve and reassign; admins have the
supervisor's powers. Nobody sees another landlord's cases.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

from domain.vocabulary import StaffId

Role = Literal["officer", "supervisor", "admin"]
ROLES: tuple[Role, ...] = ("officer", "supervisor", "admin")
STAFF: tuple[Role, ...] = ("officer", "supervisor", "admin")
SUPERVISORS: tuple[Role, ...] = ("supervisor", "admin")


class Principal(BaseModel):
    user_id: StaffId  # the one staff-id vocabulary: never an email address (no PII in Temporal)
    roles: list[Role]
    landlord: str

    def has_any(self, *roles: str) -> bool:
        return any(role in self.roles for role in roles)
