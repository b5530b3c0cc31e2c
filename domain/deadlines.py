"""Deadline arithmetic for a sick-leave case.

Conventions (one for every "within N weeks" rule, so they can be compared):
- Day 1 is the first day of absence. Week k of absence is days 7(k-1)+1 .. 7k.
- "Before the end of week N" / "within N weeks" is met on or before day 7N, i.e.
  first_day + 7N - 1 days. For the employer's rules ("within 4/5 weeks after the first
  day") this is one day stricter than a literal "+28/+35 days", which is deliberate: the
  engine must never call a late action on time.
- Statutory deadlines are calendar dates. A weekend or holiday never moves them later;
  where an action must happen on a working day the engine uses the last working day
  on or before the deadline.
- Reminders, invitations and escalations are placed on working days.

Reassessment assumes an unbroken absence; when benefit pauses, the workflow recomputes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from domain.calendar_dk import add_working_days, working_day_on_or_after, working_day_on_or_before
from domain.rulesets import RuleSet

REQUESTED_BY_EMPLOYEE = "employee"
REQUESTED_BY_EMPLOYER = "employer"


@dataclass(frozen=True)
class CaseDeadlines:
    first_day: date
    employer_period_end: date  # last day the employer pays (day 30)
    employer_conversation_due: date  # end of week 4 (law §7a)
    employer_report_due: date  # end of week 5
    first_meeting_due: date  # end of week 8 (law §13b): the statutory date
    latest_meeting_day: date  # last working day on or before first_meeting_due
    booking_escalation_day: date  # team lead is told if nothing is booked by then
    measure_due: date  # end of week 13 (seed 002 success criterion)
    reassessment_due: date  # end of week 22 (law §24)
    reassessment_task_day: date  # caseworker starts preparing the reassessment


def end_of_week(first_day: date, week: int) -> date:
    """Last calendar day of week `week` of absence (week 1 ends on first_day + 6)."""
    if week < 1:
        raise ValueError(f"week must be 1 or more, got {week}")
    return first_day + timedelta(days=7 * week - 1)


def week_of_absence(first_day: date, day: date) -> int:
    """1-based week of absence that `day` falls in. ValueError before the first day."""
    if day < first_day:
        raise ValueError(f"{day.isoformat()} is before the first day of absence {first_day.isoformat()}")
    return (day - first_day).days // 7 + 1


def compute_deadlines(first_day: date, rules: RuleSet) -> CaseDeadlines:
    closed = rules.closed_days
    first_meeting_due = end_of_week(first_day, rules.first_meeting_weeks)
    latest_meeting_day = working_day_on_or_before(first_meeting_due, closed)
    reassessment_due = end_of_week(first_day, rules.reassessment_weeks)
    return CaseDeadlines(
        first_day=first_day,
        employer_period_end=first_day + timedelta(days=rules.employer_period_days - 1),
        employer_conversation_due=end_of_week(first_day, rules.employer_conversation_weeks),
        employer_report_due=end_of_week(first_day, rules.employer_report_weeks),
        first_meeting_due=first_meeting_due,
        latest_meeting_day=latest_meeting_day,
        booking_escalation_day=add_working_days(latest_meeting_day, -rules.booking_escalation_working_days, closed),
        measure_due=end_of_week(first_day, rules.measure_weeks),
        reassessment_due=reassessment_due,
        reassessment_task_day=add_working_days(
            reassessment_due, -rules.reassessment_task_working_days_before, closed
        ),
    )


def fast_track_due(request_day: date, rules: RuleSet) -> date:
    """Last day for a fast-track meeting: request day + 14 days, pulled back to a working day.

    The caller takes the earlier of this and the ordinary latest_meeting_day.
    """
    return working_day_on_or_before(request_day + timedelta(days=rules.fast_track_days), rules.closed_days)


def fast_track_allowed(requested_by: str, request_day: date, first_day: date, rules: RuleSet) -> bool:
    """Whether a fast-track request is valid: the employee always, the employer only in
    the first N weeks of absence (law §7c).

    Raises ValueError for an unknown requester or a request before the first day.
    """
    week = week_of_absence(first_day, request_day)
    if requested_by == REQUESTED_BY_EMPLOYEE:
        return True
    if requested_by == REQUESTED_BY_EMPLOYER:
        return week <= rules.fast_track_employer_window_weeks
    raise ValueError(
        f"requested_by must be {REQUESTED_BY_EMPLOYEE!r} or {REQUESTED_BY_EMPLOYER!r}, got {requested_by!r}"
    )


def reminder_day(meeting_day: date, rules: RuleSet) -> date:
    """Working day to send the meeting reminder.

    Accepts an aware datetime too (a booked slot); its own local date is used.
    """
    if isinstance(meeting_day, datetime):
        meeting_day = meeting_day.date()
    return add_working_days(meeting_day, -rules.meeting_reminder_working_days, rules.closed_days)


def next_followup_due(last_meeting_day: date, rules: RuleSet) -> date:
    """Latest day for the next follow-up: N weeks after the last one, pulled back to a working day."""
    if isinstance(last_meeting_day, datetime):
        last_meeting_day = last_meeting_day.date()
    return working_day_on_or_before(
        last_meeting_day + timedelta(weeks=rules.followup_interval_weeks), rules.closed_days
    )


def outcome_request_day(end_day: date, rules: RuleSet) -> date:
    """Working day to ask for the outcome (work or education) one month after the case ended.

    Not statutory, so it moves later rather than earlier: asking early would measure too soon.
    """
    return working_day_on_or_after(end_day + timedelta(days=rules.outcome_after_days), rules.closed_days)
