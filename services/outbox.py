"""The public intake's outbox: a resident's report is never lost to an outage (issue 22).

Every public report is written here first, one file per report, fsynced (the file and its
folder) before the case is opened; the file is removed once the case is open. A report whose
case could not be opened because the database or Temporal was down stays, and the API's
drainer (edge/outbox.py) opens its case when they are back. The outbox is a folder on the API's
own disk, not a table, because it must hold reports while the database is the part that is
down: ``<data_dir>/outbox/``, which must be a persistent volume (docs/outages.md).

Opening a kept report again is safe: its reference was fixed when it was kept, the record keeps
one report per reference (a resumed report is recognised as its own) and the workflow is started
by update-with-start with that reference as id, so a crash at any point mid-drain starts the
case exactly once.

A report that can never open (a bug, not an outage) is moved to ``outbox/refused/`` with the
reason, for staff to read: never deleted.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import os
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

__all__ = ["Kept", "Outbox"]

_SUFFIX = ".json"


@dataclass(frozen=True)
class Kept:
    """One report as kept: what the resident sent and how to open its case, once."""

    id: str
    reference: str
    received_at: datetime
    scope: str  # the Idempotency-Key's caller (edge/idempotency.py)
    key: str | None
    body: dict[str, Any]  # the validated report, as JSON

    def to_json(self) -> bytes:
        data = asdict(self)
        data["received_at"] = self.received_at.isoformat()
        return json.dumps(data, sort_keys=True).encode()

    @classmethod
    def from_json(cls, raw: bytes) -> Kept:
        data = json.loads(raw)
        data["received_at"] = datetime.fromisoformat(data["received_at"])
        return cls(**data)


class Outbox:
    """A folder of kept reports. Safe for one process's concurrent requests and drainer; each
    API replica has its own folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.refused_folder = folder / "refused"
        # Reports a request is opening now: the drainer leaves them to it.
        self.in_flight: set[str] = set()

    @staticmethod
    def entry_id(reference: str, scope: str, key: str | None) -> str:
        """A report sent with an Idempotency-Key is kept once however often it is retried."""
        if key is None:
            return reference
        return hashlib.sha256(f"{scope}\n{key}".encode()).hexdigest()[:32]

    async def keep(self, kept: Kept) -> Kept:
        """Write the report durably; the one already kept under its id, if any, wins."""
        return await asyncio.to_thread(self._keep, kept)

    def _keep(self, kept: Kept) -> Kept:
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self._path(kept.id)
        if path.exists():
            return Kept.from_json(path.read_bytes())
        temporary = path.with_suffix(f".{os.getpid()}.{id(kept)}.tmp")
        with open(temporary, "wb") as file:
            file.write(kept.to_json())
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)  # whole or not at all
        _sync_folder(self.folder)
        return kept

    async def done(self, entry_id: str) -> None:
        """The case is open: forget the report (the record holds it now)."""
        await asyncio.to_thread(self._done, entry_id)

    def _done(self, entry_id: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            self._path(entry_id).unlink()
            _sync_folder(self.folder)

    async def refuse(self, entry_id: str, reason: str) -> None:
        """A report that cannot open a case: kept aside with the reason, never deleted."""
        await asyncio.to_thread(self._refuse, entry_id, reason)

    def _refuse(self, entry_id: str, reason: str) -> None:
        self.refused_folder.mkdir(parents=True, exist_ok=True)
        (self.refused_folder / f"{entry_id}.reason.txt").write_text(reason + "\n", "utf-8")
        with contextlib.suppress(FileNotFoundError):
            os.replace(self._path(entry_id), self.refused_folder / f"{entry_id}{_SUFFIX}")
        _sync_folder(self.refused_folder)
        _sync_folder(self.folder)

    async def entries(self) -> list[Kept]:
        """The kept reports, oldest first."""
        return await asyncio.to_thread(self._entries)

    def _entries(self) -> list[Kept]:
        if not self.folder.is_dir():
            return []
        found: list[Kept] = []
        for path in self.folder.glob(f"*{_SUFFIX}"):
            with contextlib.suppress(FileNotFoundError):  # opened and removed meanwhile
                found.append(Kept.from_json(path.read_bytes()))
        return sorted(found, key=lambda kept: (kept.received_at, kept.id))

    async def waiting(self) -> int:
        return await asyncio.to_thread(
            lambda: len(list(self.folder.glob(f"*{_SUFFIX}"))) if self.folder.is_dir() else 0
        )

    async def writable(self) -> bool:
        """A file can be written and synced in the folder (readiness of the public intake)."""
        return await asyncio.to_thread(self._writable)

    def _writable(self) -> bool:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            probe = self.folder / ".probe.tmp"
            with open(probe, "wb") as file:
                file.write(b"ok")
                os.fsync(file.fileno())
            probe.unlink()
        except OSError:
            return False
        return True

    def _path(self, entry_id: str) -> Path:
        return self.folder / f"{entry_id}{_SUFFIX}"


def _sync_folder(folder: Path) -> None:
    """A rename or unlink is durable once its folder is synced (POSIX)."""
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
