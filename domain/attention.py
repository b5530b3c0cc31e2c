"""What a person should look at first: a case whose first meeting is at risk (the same rule and day the
workflow warns the team lead on) and the working days left to a due day. Pure; the workbench reads it."""

from __future__ import annotations

from datetime import date, timedelta

from domain.agenda import first_meeting_at_risk, first_meeting_held, has_meeting_track
from domain.calendar_dk import ClosedDays, working_days_in
from domain.case_setup import case_deadlines
from domain.model import CaseInput, CaseState, Phase


def case_at_risk(state: CaseState, case: CaseInput, today: date) -> bool:
    """The first meeting is not booked and accepted, and the day the team lead is warned has come: the same
    rule and the same day the workflow escalates on."""
    if not has_meeting_track(state) or first_meeting_held(state) or state.phase == Phase.CLOSED:
        return False
    return today >= case_deadlines(state).booking_escalation_day and first_meeting_at_risk(
        state, case.employer.contact_email, case.employee.email
    )


def working_days_left(today: date, due: date, closed: ClosedDays) -> int:
    """Working days from today to the due day (0 on the day, negative when overdue)."""
    if due < today:
        return -working_days_in(due, today - timedelta(days=1), closed)
    return working_days_in(today + timedelta(days=1), due, closed)
