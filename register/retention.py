"""Erase personal data a configured time after a case ended, keeping what the success report counts.

Erased: the CPR number (the row is deleted), the employee's and the employer contact's name, e-mail and phone,
the workplace address, every attendee's e-mail address, the recipients, subjects, Message-IDs and keys of the
case's messages, the free text and the keys of its audit trail (an audit event's key names the attendee it was
about), reassignment reasons, and learning-log notes linked to the case that their author did not mark clear of
personal data. Kept: dates, track, phase, meetings (status, where,
employer present), measures, breaches, outcome, the employer's name and CVR (a company, not a person): the
report's figures are the same before and after (tested). A case is erased once (its `erased_at` marker is the
audit event `personal_data_erased`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import String, cast, delete, literal, select, update

from register.db import Register
from register.models import (
    AuditEvent,
    CaseListEntry,
    CaseRow,
    CaseworkerAssignment,
    CitizenIdentity,
    LearningLogEntry,
    MeetingAttendee,
    MeetingRow,
    MessageRow,
    PendingIdentity,
)

ERASED = "(slettet)"


@dataclass(frozen=True)
class ErasureResult:
    cases: int
    identities: int


PENDING_DAYS = 7  # a CPR number whose case never started (the start failed and was not retried)


def erase_ended_before(register: Register, cutoff: datetime, now: datetime) -> ErasureResult:
    """Erase the personal data of every case closed before `cutoff` and not erased yet."""
    with register.session() as session:
        session.execute(
            delete(PendingIdentity).where(PendingIdentity.created_at < min(cutoff, now - timedelta(days=PENDING_DAYS)))
        )
        erased = select(AuditEvent.case_id).where(AuditEvent.action == "personal_data_erased")
        case_ids = list(
            session.scalars(
                select(CaseRow.id).where(
                    CaseRow.closed_at.is_not(None), CaseRow.closed_at < cutoff, CaseRow.id.not_in(erased)
                )
            )
        )
        if not case_ids:
            return ErasureResult(0, 0)
        identities = session.execute(delete(CitizenIdentity).where(CitizenIdentity.case_id.in_(case_ids))).rowcount
        session.execute(
            update(CaseRow)
            .where(CaseRow.id.in_(case_ids))
            .values(
                employee_name=ERASED,
                employee_email=ERASED,
                contact_name=ERASED,
                contact_email=ERASED,
                contact_phone="",
                workplace_address=ERASED,
            )
        )
        meetings = select(MeetingRow.id).where(MeetingRow.case_id.in_(case_ids))
        # One placeholder per row: an attendee's address is unique per meeting.
        session.execute(
            update(MeetingAttendee)
            .where(MeetingAttendee.meeting_id.in_(meetings))
            .values(email=literal(ERASED + " ") + cast(MeetingAttendee.id, String))
        )
        session.execute(update(MeetingRow).where(MeetingRow.case_id.in_(case_ids)).values(location=ERASED))
        # The idempotency key names the recipient; years after the end it has nothing left to guard.
        session.execute(
            update(MessageRow)
            .where(MessageRow.case_id.in_(case_ids))
            .values(
                recipients=ERASED,
                subject=ERASED,
                message_id=ERASED,
                detail="",
                message_key=literal("erased/") + cast(MessageRow.id, String),
            )
        )
        session.execute(
            update(AuditEvent)
            .where(AuditEvent.case_id.in_(case_ids))
            .values(detail={}, event_key=literal("erased/") + cast(AuditEvent.id, String))
        )
        session.execute(
            update(CaseworkerAssignment).where(CaseworkerAssignment.case_id.in_(case_ids)).values(reason=ERASED)
        )
        # A learning-log note about the case may name the person unless its author marked it clear.
        session.execute(
            update(LearningLogEntry)
            .where(LearningLogEntry.case_id.in_(case_ids), LearningLogEntry.clear_of_personal_data.is_(False))
            .values(text=ERASED)
        )
        # The lists' read model holds the whole view (names, addresses): the row goes.
        session.execute(
            delete(CaseListEntry).where(
                CaseListEntry.workflow_id.in_(select(CaseRow.workflow_id).where(CaseRow.id.in_(case_ids)))
            )
        )
        for case_id in case_ids:
            session.add(
                AuditEvent(
                    case_id=case_id,
                    at=now,
                    actor="retention",
                    action="personal_data_erased",
                    detail={},
                    event_key=f"retention/{case_id}",
                )
            )
        return ErasureResult(len(case_ids), identities or 0)


def cutoff_for(now: datetime, retention_days: int) -> datetime:
    return now - timedelta(days=retention_days)


def erased_without_history_deletion(register: Register) -> list[tuple[int, str]]:
    """(case id, workflow id) of erased cases whose Temporal history has not been deleted yet."""
    with register.session() as session:
        erased = select(AuditEvent.case_id).where(AuditEvent.action == "personal_data_erased")
        deleted = select(AuditEvent.case_id).where(AuditEvent.action == "history_deleted")
        return [
            (case_id, workflow_id)
            for case_id, workflow_id in session.execute(
                select(CaseRow.id, CaseRow.workflow_id).where(CaseRow.id.in_(erased), CaseRow.id.not_in(deleted))
            )
        ]


def record_history_deleted(register: Register, case_id: int, runs: int, now: datetime) -> None:
    with register.session() as session:
        session.add(
            AuditEvent(
                case_id=case_id,
                at=now,
                actor="retention",
                action="history_deleted",
                detail={"runs": runs},
                event_key=f"retention/history/{case_id}",
            )
        )


def erased_references(register: Register, references: set[str]) -> set[str]:
    """Which of these case references belong to a case whose personal data is erased."""
    if not references:
        return set()
    with register.session() as session:
        erased = select(AuditEvent.case_id).where(AuditEvent.action == "personal_data_erased")
        return set(
            session.scalars(select(CaseRow.reference).where(CaseRow.reference.in_(references), CaseRow.id.in_(erased)))
        )
