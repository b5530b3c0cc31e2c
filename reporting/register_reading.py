"""The report's reading of the register: each case's facts (deadlines, meetings, breaches, measures, the end)
and the people it names, in one pass per table; `reporting.report` computes the figures from them."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.localtime import local_date
from domain.model import MeetingStatus
from register.models import CaseRow, CaseworkerRow, DeadlineBreach, MeasureRow, MeetingRow, MissedTarget, Team
from reporting.figures import MODEL_TARGET, WORKPLACE, CaseFacts, FirstMeeting, Person


def _local(value: datetime) -> date:
    # SQLite hands back naive datetimes; everything stored is UTC.
    return local_date(value if value.tzinfo else value.replace(tzinfo=timezone.utc))


def first_meeting_of(meetings: list):
    """The first meeting HELD, whatever its number (a no-show's rebooked meeting is number 2); with none held,
    the first booked one. `meetings` are ordered by number."""
    held = [m for m in meetings if m.status == MeetingStatus.HELD]
    return held[0] if held else (meetings[0] if meetings else None)


def load_case_facts(session: Session, municipality: str, start: date, end: date) -> list[CaseFacts]:
    in_period = (
        select(CaseRow.id).where(
            CaseRow.municipality == municipality, CaseRow.first_day >= start, CaseRow.first_day <= end
        )
    ).scalar_subquery()
    meetings: dict[int, object] = {}
    for row in session.execute(
        select(
            MeetingRow.case_id,
            MeetingRow.number,
            MeetingRow.status,
            MeetingRow.held_at,
            MeetingRow.start,
            MeetingRow.actual_location,
            MeetingRow.employer_took_part,
        )
        .where(MeetingRow.case_id.in_(in_period))
        .order_by(MeetingRow.case_id, MeetingRow.number)
    ):
        meetings.setdefault(row.case_id, []).append(row)
    measured = set(
        session.scalars(
            select(MeasureRow.case_id).where(MeasureRow.before_week_13.is_(True), MeasureRow.case_id.in_(in_period))
        )
    )
    breached: dict[int, date] = {}
    other_breaches: dict[int, list[tuple[str, date]]] = {}
    # Every kind the workflow records (first_meeting, fast_track, first_conversation, and any added later).
    for row in session.execute(
        select(DeadlineBreach.case_id, DeadlineBreach.kind, DeadlineBreach.due)
        .where(DeadlineBreach.case_id.in_(in_period))
        .order_by(DeadlineBreach.case_id, DeadlineBreach.kind)
    ):
        if row.kind == "first_meeting":
            breached[row.case_id] = row.due
        else:
            other_breaches.setdefault(row.case_id, []).append((row.kind, row.due))
    targets_missed = {
        row.case_id: row.due
        for row in session.execute(
            select(MissedTarget.case_id, MissedTarget.due).where(
                MissedTarget.kind == "first_meeting", MissedTarget.case_id.in_(in_period)
            )
        )
    }
    facts = []
    for c in session.execute(
        select(
            CaseRow.id,
            CaseRow.reference,
            CaseRow.caseworker_id,
            CaseRow.track,
            CaseRow.first_day,
            CaseRow.first_meeting_due,
            CaseRow.opened_at,
            CaseRow.closed_at,
            CaseRow.end_date,
            CaseRow.end_type,
            CaseRow.outcome,
            CaseRow.category,
            CaseRow.first_meeting_kind,
            CaseRow.partial_recovery_on,
        )
        .where(CaseRow.id.in_(in_period))
        .order_by(CaseRow.id)
    ):
        m = first_meeting_of(meetings.get(c.id, []))
        first = None
        if m is not None:
            held = m.status == MeetingStatus.HELD
            first = FirstMeeting(
                held_on=_local(m.held_at or m.start) if held else None,
                at_workplace=held and m.actual_location == WORKPLACE,
                employer_took_part=held and bool(m.employer_took_part),
            )
        ended_on = c.end_date or (_local(c.closed_at) if c.closed_at else None)
        facts.append(
            CaseFacts(
                reference=c.reference,
                caseworker_id=c.caseworker_id or "",
                track=c.track,
                first_day=c.first_day,
                first_meeting_due=c.first_meeting_due or breached.get(c.id) or targets_missed.get(c.id),
                opened_on=_local(c.opened_at),
                closed=c.closed_at is not None,
                ended_on=ended_on,
                end_type=c.end_type,
                outcome=c.outcome,
                first_meeting=first,
                measure_before_week_13=c.id in measured,
                breach_recorded=c.id in breached,
                category=c.category,
                first_meeting_statutory=c.first_meeting_kind != MODEL_TARGET,
                target_missed_recorded=c.id in targets_missed,
                partial_recovery_on=c.partial_recovery_on,
                other_breaches=tuple(other_breaches.get(c.id, ())),
            )
        )
    return facts


def load_people(session: Session, caseworker_ids: Iterable[str]) -> dict[str, Person]:
    ids = sorted({i for i in caseworker_ids if i})
    if not ids:
        return {}
    rows = session.execute(
        select(CaseworkerRow.id, CaseworkerRow.name, CaseworkerRow.team_id, Team.name.label("team_name"))
        .join(Team, Team.id == CaseworkerRow.team_id)
        .where(CaseworkerRow.id.in_(ids))
    )
    return {r.id: Person(r.name, r.team_id, r.team_name) for r in rows}
