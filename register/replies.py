"""What the mail gateway asks the register: the meeting a UID names, and whether a message was seen before;
and the one row it writes for each message it took (the ``messages`` table, direction ``in``)."""

from __future__ import annotations

import email.parser
import email.policy
from datetime import datetime, timezone

from sqlalchemy import select

from mailing.imip import normalise_address
from mailing.reply_policy import MeetingMatch
from register.db import Register
from register.models import CaseRow, MeetingAttendee, MeetingRow, MessageRow


def meeting_match(register: Register, uid: str) -> MeetingMatch | None:
    with register.session() as session:
        row = session.scalar(select(MeetingRow).where(MeetingRow.uid == uid))
        if row is None:
            return None
        case = session.get(CaseRow, row.case_id)
        attendees = session.scalars(select(MeetingAttendee.email).where(MeetingAttendee.meeting_id == row.id))
        return MeetingMatch(
            uid=row.uid,
            case_id=case.id,
            reference=case.reference,
            workflow_id=case.workflow_id,
            sequence=row.sequence,
            status=row.status,
            attendees=frozenset(normalise_address(a) for a in attendees),
        )


def meeting_by_sender_and_subject(register: Register, sender: str, subject: str) -> MeetingMatch | None:
    """The planned meeting an unreadable message most likely answers: one the sender is invited to, whose
    invitation (sent to that sender) has a subject the message's subject contains ("Accepteret: <subject>",
    "SV: <subject>"). None unless exactly one case fits: a guess must not pick between cases."""
    sender, subject = normalise_address(sender), " ".join(subject.split()).lower()
    if not sender or len(subject) < 10:
        return None
    with register.session() as session:
        sent = session.execute(
            select(MessageRow.case_id, MessageRow.subject).where(
                MessageRow.direction == "out", MessageRow.purpose == "invitation", MessageRow.recipients == sender
            )
        ).all()
        cases = {
            case_id
            for case_id, out in sent
            if case_id is not None and len(out or "") >= 10 and " ".join(out.split()).lower() in subject
        }
        if len(cases) != 1:
            return None
        uid = session.scalar(
            select(MeetingRow.uid)
            .join(MeetingAttendee, MeetingAttendee.meeting_id == MeetingRow.id)
            .where(MeetingRow.case_id == cases.pop(), MeetingRow.status == "invited", MeetingAttendee.email == sender)
            .order_by(MeetingRow.number.desc())
        )
    return meeting_match(register, uid) if uid else None


def recorded(register: Register, key: str) -> tuple[int | None, str] | None:
    """(case id, case reference) of the message already recorded under this key, or None."""
    with register.session() as session:
        row = session.execute(
            select(MessageRow.case_id, CaseRow.reference)
            .outerjoin(CaseRow, CaseRow.id == MessageRow.case_id)
            .where(MessageRow.message_key == key)
        ).first()
        return None if row is None else (row[0], row[1] or "")


def record_inbound(register: Register, *, key: str, message_id: str, raw: bytes, rcpt_tos, outcome) -> None:
    """One row per message taken; a second row for the same key raises IntegrityError (seen meanwhile)."""
    with register.session() as session:
        session.add(
            MessageRow(
                message_key=key[:300],
                message_id=message_id[:300],
                direction="in",
                case_id=outcome.case_id,
                purpose=outcome.purpose,
                recipients=", ".join(rcpt_tos),
                subject=_subject(raw)[:300],
                status=outcome.status,
                detail=outcome.detail,
                created_at=datetime.now(timezone.utc),
            )
        )


def _subject(raw: bytes) -> str:
    try:
        headers = email.parser.BytesHeaderParser(policy=email.policy.default).parsebytes(raw)
        return " ".join(str(headers.get("Subject") or "").split())
    except Exception:
        return ""
