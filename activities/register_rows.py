"""Row look-ups every register activity shares: a case's row by its reference, and an audit event written once
(its event key makes a retried activity a no-op)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from register.models import AuditEvent, CaseRow


def case_row(session, reference: str, municipality: str) -> CaseRow:
    row = session.scalar(select(CaseRow).where(CaseRow.reference == reference, CaseRow.municipality == municipality))
    if row is None:
        raise LookupError(f"case {municipality}/{reference} is not in the register")
    return row


def audit_once(
    session, case_id: int | None, event_key: str, action: str, actor: str, detail: dict, at: datetime
) -> bool:
    """Add the audit event unless it is already there; False means this change was applied before."""
    if session.scalar(select(AuditEvent.id).where(AuditEvent.event_key == event_key)) is not None:
        return False
    session.add(AuditEvent(case_id=case_id, at=at, actor=actor, action=action, detail=detail, event_key=event_key))
    return True
