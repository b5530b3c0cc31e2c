"""The register activities for meetings: the caseworker's busy intervals, saving a meeting with its attendees,
and reserving a slot under a lock on the caseworker (two cases never get the same hour). A base of
`activities.register.RegisterActivities`, which the worker registers; kept apart because the slot reservation
and its locking are a subject of their own."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, time, timedelta, timezone

from sqlalchemy import select
from temporalio import activity
from temporalio.exceptions import ApplicationError

# The requests are imported for the activities' signatures; the workflows import them from here too.
from activities.register_requests import BusyRequest, MeetingRecord, ReserveRequest
from activities.register_rows import audit_once, case_row
from domain.model import MeetingStatus
from domain.slots import WorkingHours, propose_slots
from register.db import Register
from register.models import CaseRow, CaseworkerRow, MeetingAttendee, MeetingRow


class MeetingRegister:
    """Needs `register` (the case register) and `clock` (the activity's wall clock) from the class it is a base of."""

    register: Register
    clock: Callable[[], datetime]

    @activity.defn
    def busy_intervals(self, request: BusyRequest) -> list[tuple[datetime, datetime]]:
        """The caseworker's booked meetings in a window: proposals must not collide with them."""
        # Compared in UTC: SQLite stores datetimes as text without their offset.
        with self.register.session() as session:
            return _busy(session, request.caseworker_id, request.start, request.end, request.exclude_uid)

    @activity.defn
    def save_meeting(self, record: MeetingRecord) -> None:
        """Write the meeting as the workflow now holds it (time, sequence, status, answers, outcome)."""
        meeting = record.meeting
        start, end = meeting.start.astimezone(timezone.utc), meeting.end.astimezone(timezone.utc)
        with self.register.session() as session:
            case = case_row(session, record.reference, record.municipality)
            row = session.scalar(select(MeetingRow).where(MeetingRow.uid == meeting.uid))
            moved = row is None or _aware(row.start) != start or row.caseworker_id != record.caseworker_id
            if moved and meeting.status == MeetingStatus.INVITED:
                # Lock the caseworker so two cases cannot book the same hour between check and write.
                _lock_caseworker(session, record.caseworker_id)
                clash = session.scalar(
                    select(MeetingRow.uid).where(
                        MeetingRow.caseworker_id == record.caseworker_id,
                        MeetingRow.status == MeetingStatus.INVITED,
                        MeetingRow.uid != meeting.uid,
                        MeetingRow.end > start,
                        MeetingRow.start < end,
                    )
                )
                if clash:
                    raise ApplicationError(f"slot taken by meeting {clash}", type="SlotTaken", non_retryable=True)
            _write_meeting(session, case, row, record, self.clock())

    @activity.defn
    def reserve_slot(self, request: ReserveRequest) -> datetime | None:
        """Choose AND book the caseworker's first free time, under the caseworker's lock; None if none is free.

        Choosing in one activity and saving in another let a burst of cases for one caseworker all choose the
        same first free hour and all but one lose the race and look again (cost growing with the square of the
        burst). Here the choice is made while holding the lock the write needs, so each case costs one booking.
        A retry of a booking that was written but not reported finds its own row and returns its time.
        """
        record, meeting = request.record, request.record.meeting
        worker = request.caseworker
        window_end = datetime.combine(request.latest_day + timedelta(days=1), time(0), tzinfo=request.earliest.tzinfo)
        duration = timedelta(minutes=request.duration_minutes)
        with self.register.session() as session:
            case = case_row(session, record.reference, record.municipality)
            _lock_caseworker(session, record.caseworker_id)
            row = session.scalar(select(MeetingRow).where(MeetingRow.uid == meeting.uid))
            if (
                row is not None
                and row.sequence == meeting.sequence
                and row.status == MeetingStatus.INVITED
                and row.caseworker_id == record.caseworker_id
            ):
                return _aware(row.start)  # this very booking was made by an earlier attempt
            busy = _busy(session, record.caseworker_id, request.earliest, window_end, meeting.uid)
            busy += [(t, t + duration) for t in request.avoid]
            hours = WorkingHours(
                days=tuple(worker.work_days),
                start=time.fromisoformat(worker.work_start),
                end=time.fromisoformat(worker.work_end),
            )
            slots = propose_slots(
                earliest=request.earliest,
                latest_day=request.latest_day,
                hours=hours,
                busy=busy,
                duration=duration,
                count=1,
            )
            if not slots:
                return None
            booked = replace(meeting, start=slots[0], end=slots[0] + duration)
            _write_meeting(session, case, row, replace(record, meeting=booked), self.clock())
            return slots[0]


def _lock_caseworker(session, caseworker_id: str) -> None:
    # FOR UPDATE on PostgreSQL; on SQLite every transaction begins IMMEDIATE, which serialises writers already.
    session.scalar(select(CaseworkerRow).where(CaseworkerRow.id == caseworker_id).with_for_update())


def _busy(
    session, caseworker_id: str, start: datetime, end: datetime, exclude_uid: str
) -> list[tuple[datetime, datetime]]:
    # Compared in UTC: SQLite stores datetimes as text without their offset.
    window_start, window_end = start.astimezone(timezone.utc), end.astimezone(timezone.utc)
    rows = session.execute(
        select(MeetingRow.start, MeetingRow.end).where(
            MeetingRow.caseworker_id == caseworker_id,
            MeetingRow.status == MeetingStatus.INVITED,
            MeetingRow.end > window_start,
            MeetingRow.start < window_end,
            MeetingRow.uid != exclude_uid,
        )
    ).all()
    return [(_aware(s), _aware(e)) for s, e in rows]


def _write_meeting(session, case: CaseRow, row: MeetingRow | None, record: MeetingRecord, now: datetime) -> None:
    """Write the meeting row, its audit event (once per version and answers) and its attendees' answers."""
    meeting = record.meeting
    start, end = meeting.start.astimezone(timezone.utc), meeting.end.astimezone(timezone.utc)
    if row is None:
        row = MeetingRow(case_id=case.id, number=meeting.number, uid=meeting.uid)
        session.add(row)
    row.sequence = meeting.sequence
    row.caseworker_id = record.caseworker_id
    row.start, row.end = start, end
    row.location = meeting.location
    row.expected_location = meeting.expected_location
    row.actual_location = meeting.actual_location
    row.status = meeting.status
    row.employer_took_part = meeting.employer_took_part
    row.held_at = meeting.held_at.astimezone(timezone.utc) if meeting.held_at else None
    session.flush()
    answers = ",".join(f"{k}={v}" for k, v in sorted(meeting.responses.items()))
    audit_once(
        session,
        case.id,
        f"{meeting.uid}/{meeting.sequence}/{meeting.status}/{answers}",
        "meeting_saved",
        "engine",
        {"number": meeting.number, "sequence": meeting.sequence, "status": meeting.status, "start": start.isoformat()},
        now,
    )
    attendees = {
        a.email: a for a in session.scalars(select(MeetingAttendee).where(MeetingAttendee.meeting_id == row.id))
    }
    for email, role in record.attendees.items():
        attendee = attendees.get(email)
        if attendee is None:
            attendee = MeetingAttendee(meeting_id=row.id, email=email, role=role)
            session.add(attendee)
        partstat = meeting.responses.get(email, "NEEDS-ACTION")
        if attendee.partstat != partstat:
            attendee.partstat = partstat
            attendee.responded_at = now


def _aware(value: datetime) -> datetime:
    # SQLite hands back naive datetimes; everything stored is UTC.
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
