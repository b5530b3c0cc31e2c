"""The kept refused replies for operations' web page: what the gateway kept without applying, with
the reason, when it came, the case it names, and whether it may be reprocessed; and the reprocessing itself
(case_service.reprocess, the same path as `fasthold genbehandl`), audited under the signed-in operator.

The page shows no sender, subject or content: what an operator needs to decide is the reason and the case; the
message itself stays in the gateway's inbox."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from case_service.replies import Processor, SenderTrust
from case_service.reprocess import ReprocessRefused, answer_text, kept_replies, reprocess
from case_service.service import CaseService
from mailing.inbox import Inbox
from register.db import Register


@dataclass(frozen=True)
class KeptRow:
    name: str  # the kept file's name, which the gateway's log also gives
    received_at: datetime | None
    reason: str  # the gateway's reason code
    case_reference: str
    why_not: str | None  # Danish: why it may not be reprocessed; None when it may
    reprocessed: int  # how many times it has been fed through already
    last_by: str


class KeptReplies:
    def __init__(self, cases: CaseService, register: Register, data_path: Path, trust: SenderTrust):
        self.cases, self.register, self.root, self.trust = cases, register, data_path / "inbox", trust

    @property
    def available(self) -> bool:
        """The gateway's inbox is on this machine (the page runs where the gateway keeps its messages)."""
        return (self.root / "refused").is_dir()

    def _processor(self) -> Processor:
        return Processor(self.cases, self.register, Inbox(self.root), trust=self.trust)

    async def rows(self) -> list[KeptRow]:
        found = await asyncio.to_thread(kept_replies, self._processor())
        rows = []
        for kept in found:
            record = kept.record
            done = record.get("reprocessed", ())
            rows.append(
                KeptRow(
                    kept.path.name,
                    _when(record.get("received_at")),
                    str(record.get("reason") or ""),
                    str(record.get("case_reference") or ""),
                    kept.why_not(),
                    len(done),
                    str(done[-1].get("by", "")) if done else "",
                )
            )
        # Newest first; within one second, by the kept file's name (the gateway names them by arrival).
        return sorted(rows, key=lambda r: (r.received_at.timestamp() if r.received_at else 0.0, r.name), reverse=True)

    async def reprocess(self, name: str, *, actor: str, seen: int) -> tuple[bool, str, str]:
        """(applied, the reason code when still refused, the command's Danish answer); ReprocessRefused with
        the reason when it is not fed through."""
        outcome, filed = await reprocess(self._processor(), name, actor=actor, seen_reprocessings=seen)
        applied = outcome.status == "received"
        return applied, "" if applied else str(outcome.reason or ""), answer_text(outcome, filed)


def _when(text: object) -> datetime | None:
    try:
        return datetime.fromisoformat(str(text)) if text else None
    except ValueError:
        return None


__all__ = ["KeptReplies", "KeptRow", "ReprocessRefused"]
