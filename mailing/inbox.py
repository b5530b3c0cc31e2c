"""The gateway's kept mail: <data_dir>/inbox/{new,accepted,refused}/, every message it took, with a .json beside it.

Every message that gets an SMTP 250 is written to ``new/`` before the 250 is sent, and ends up in
``accepted/`` or ``refused/`` (reason in the file name and in the ``.json``). A crash leaves it in ``new/``,
where the next start finds it.
"""

from __future__ import annotations

import json
import os
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path


@dataclass
class Received:
    """A message kept in inbox/new/, waiting to be processed."""

    path: Path
    rcpt_tos: tuple[str, ...] = ()
    received_at: str = ""
    attempt: int = 0
    peer: str = ""  # the IP address that handed the message over (SMTP client)


class Inbox:
    """<data_dir>/inbox/{new,accepted,refused}/: every message the gateway took, with a .json beside it."""

    def __init__(self, root: Path):
        self.root = root
        self.new, self.accepted, self.refused = root / "new", root / "accepted", root / "refused"
        for folder in (self.new, self.accepted, self.refused):
            folder.mkdir(parents=True, exist_ok=True)

    def keep(self, raw: bytes, rcpt_tos: list[str], peer: str = "") -> Received:
        """Write atomically (a crash leaves no half file) before the SMTP 250 is sent."""
        now = datetime.now(timezone.utc)
        stem = f"{now.strftime('%Y%m%dT%H%M%S%f')}-{uuid.uuid4().hex[:8]}"
        item = Received(self.new / f"{stem}.eml", tuple(rcpt_tos), now.isoformat(timespec="seconds"), peer=peer)
        _write_atomic(
            item.path.with_suffix(".json"), _json({"rcpt_tos": rcpt_tos, "received_at": item.received_at, "peer": peer})
        )
        _write_atomic(item.path, raw)
        return item

    def waiting(self) -> list[Received]:
        """Messages left in new/ by a stop or a crash, oldest first."""
        items = []
        for path in sorted(self.new.glob("*.eml")):
            try:
                meta = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
            except (OSError, ValueError):
                meta = {}
            items.append(
                Received(
                    path, tuple(meta.get("rcpt_tos", ())), meta.get("received_at", ""), peer=str(meta.get("peer", ""))
                )
            )
        return items

    def file(self, item: Received, status: str, reason: str, record: dict) -> Path:
        """Move the message to accepted/ or refused/ (reason in the name) with its record as .json."""
        stem = item.path.stem
        if status == "received":
            target = self.accepted / f"{stem}.eml"
        else:
            target = self.refused / f"{stem}-{reason}.eml"
        _write_atomic(target.with_suffix(".json"), _json(record))
        os.replace(item.path, target)
        item.path.with_suffix(".json").unlink(missing_ok=True)
        return target

    def kept(self) -> list[tuple[Path, dict]]:
        """Every filed message (accepted/ and refused/) with its record."""
        found = []
        for folder in (self.accepted, self.refused):
            for path in sorted(folder.glob("*.eml")):
                try:
                    record = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
                except (OSError, ValueError):
                    record = {}
                found.append((path, record))
        return found

    def remove(self, path: Path) -> None:
        """Erase a filed message and its record (retention)."""
        path.unlink(missing_ok=True)
        path.with_suffix(".json").unlink(missing_ok=True)


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def _json(data: dict) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=2, default=str).encode("utf-8")
