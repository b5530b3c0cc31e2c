"""The gateway's kept messages are personal data too (an attendee's comment may name a diagnosis): a filed
message is erased when its case's personal data is erased, and one that belongs to no case (an unknown UID, an
unreadable message) when it is older than the retention period. Run by the gateway, which owns the inbox."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from mailing.inbox import Inbox
from register.db import Register
from register.retention import erased_references


def sweep_inbox(inbox: Inbox, register: Register, retention_days: int, now: datetime) -> int:
    """Erase what has passed its time; returns how many messages were erased."""
    kept = inbox.kept()
    erased = erased_references(register, {r["case_reference"] for _, r in kept if r.get("case_reference")})
    cutoff = now - timedelta(days=retention_days)
    removed = 0
    for path, record in kept:
        reference = record.get("case_reference") or ""
        if reference in erased or (not reference and _received(record, path) < cutoff):
            inbox.remove(path)
            removed += 1
    return removed


def _received(record: dict[str, Any], path: Path) -> datetime:
    try:
        return datetime.fromisoformat(str(record.get("received_at")))
    except ValueError:
        from datetime import timezone

        return datetime.fromtimestamp(path.stat().st_mtime, tz=timezone.utc)
