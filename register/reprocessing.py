"""What reprocessing a kept reply reads and writes in the register: the message's one row (direction ``in``),
updated in place to the new outcome, and an audit event saying who fed it through again and what it was."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import select, update

from register.db import Register
from register.models import AuditEvent, CaseRow, MessageRow


def inbound_status(register: Register, key: str) -> tuple[str, str] | None:
    """(status, case reference or "") of the message recorded under this key, or None when there is none."""
    with register.session() as session:
        row = session.execute(
            select(MessageRow.status, CaseRow.reference)
            .outerjoin(CaseRow, CaseRow.id == MessageRow.case_id)
            .where(MessageRow.message_key == key, MessageRow.direction == "in")
        ).first()
        return None if row is None else (row[0], row[1] or "")


def record_reprocessed(register: Register, *, key: str, outcome, actor: str, kept_as: str, earlier: dict) -> None:
    """The row takes the new outcome (only from ``refused``: an applied message is never rewritten); the audit
    trail names the operator, the file and both outcomes, under the case when the message is about one."""
    now = datetime.now(timezone.utc)
    with register.session() as session:
        session.execute(
            update(MessageRow)
            .where(MessageRow.message_key == key, MessageRow.direction == "in", MessageRow.status == "refused")
            .values(status=outcome.status, detail=outcome.detail, purpose=outcome.purpose, case_id=outcome.case_id)
        )
        session.add(
            AuditEvent(
                case_id=outcome.case_id,
                at=now,
                actor=actor[:100],
                action="reply_reprocessed",
                detail={
                    "message_key": key,
                    "kept_as": kept_as,
                    "earlier": earlier,
                    "status": outcome.status,
                    "reason": outcome.reason,
                    "detail": outcome.detail,
                },
            )
        )
