"""What is due in a case, and when: pure functions over the case's state.

The case workflow asks these functions what to do next and does it; it decides nothing of this itself. So
"is the first meeting at risk?", "is the employer silent?", "when is the next follow-up due?" are answered
here, tested by fast unit tests without a server, and read in one place.

`agenda` lists the dated steps a case is waiting for. Each has a key: the workflow takes a step once by key
(the keys are recorded in the case's state, so they never change meaning).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from domain.calendar_dk import ClosedDays, add_working_days, working_day_on_or_after
from domain.case_setup import case_deadlines, case_rules
from domain.deadlines import STATUTORY, info_form_dates, next_followup_due, reminder_day
from domain.localtime import at_morning, local_date, local_end_of_day, local_midnight
from domain.model import MEETING_TRACKS, CaseInput, CaseState, Location, Meeting, MeetingStatus, Partstat, Phase
from domain.practice import (
    BOOKING_RETRY_WORKING_DAYS,
    FOLLOWUP_BOOKING_WORKING_DAYS_BEFORE,
    LATE_MEETING_WORKING_DAYS,
    MEASURE_TASK_WORKING_DAYS_BEFORE,
)
from domain.triage import ESTIMATE_NEEDED_REASON, Track

# A deadline is missed at the first minute after the local end of its day.
BREACH_GRACE = timedelta(minutes=1)


class Step(StrEnum):
    EMPLOYER_REMINDER = "employer_reminder"
    EMPLOYER_ESCALATION = "employer_escalation"
    FIRST_MEETING_AT_RISK = "first_meeting_at_risk"
    BREACH = "breach"
    MEETING_REMINDER = "meeting_reminder"
    RECORD_MEETING = "record_meeting"
    FOLLOW_UP = "follow_up"
    RETURN_CHECK = "return_check"
    RETRY_BOOKING = "retry_booking"
    MEASURE_TASK = "measure_task"
    REASSESSMENT_TASK = "reassessment_task"
    # The law as written: each only reachable through state that cases started before it never have.
    FAST_TRACK_CONSENT_LAPSE = "fast_track_consent_lapse"  # the employee's 2 bank days passed in silence
    ESTIMATE_REMINDER = "estimate_reminder"  # the employer has not given its estimate
    ESTIMATE_ESCALATION = "estimate_escalation"
    INFO_FORM_REMINDER = "info_form_reminder"  # § 11: remind the employee before the answer is due
    INFO_FORM_TASK = "info_form_task"  # § 11: no answer: the caseworker acts
    # The 2026 reform as lived: only reachable through state that cases opened before it never have.
    RULE_SET_SWITCH = "rule_set_switch"  # a set with `transition: all_running_cases` takes over


@dataclass(frozen=True)
class DueStep:
    """One dated step: at `when`, do `step` (once, by `key`)."""

    when: datetime
    key: str
    step: Step
    meeting: Meeting | None = None  # the meeting a reminder or record task is about
    deadline: str = ""  # for a breach: first_meeting | fast_track | first_conversation
    due: date | None = None  # for a breach: the deadline; for a follow-up: the day it is due


# --- the meetings -----------------------------------------------------------------------------------


def first_meeting(state: CaseState) -> Meeting | None:
    """The first follow-up meeting: the earliest one held, else the earliest still planned."""
    held = held_meetings(state)
    if held:
        return held[0]
    planned = planned_meetings(state)
    return planned[0] if planned else None


def held_meetings(state: CaseState) -> list[Meeting]:
    return [m for m in state.meetings if m.status == MeetingStatus.HELD]


def planned_meetings(state: CaseState) -> list[Meeting]:
    return [m for m in state.meetings if m.status == MeetingStatus.INVITED]


def first_meeting_held(state: CaseState) -> bool:
    first = first_meeting(state)
    return first is not None and first.status == MeetingStatus.HELD


def held_on(meeting: Meeting) -> date:
    return local_date(meeting.held_at or meeting.start)


def last_held_day(state: CaseState) -> date:
    return max(held_on(m) for m in held_meetings(state))


def has_meeting_track(state: CaseState) -> bool:
    return state.track in MEETING_TRACKS


# --- the first meeting --------------------------------------------------------------------------------


def needs_first_contact(state: CaseState) -> bool:
    """The workplace model starts by asking the employer to host the meeting."""
    return state.track == Track.WORKPLACE and state.employer_contacted_on is None


def needs_booking(state: CaseState, today: date) -> bool:
    """A meeting track, no first meeting held, nothing planned, and no retry date still ahead."""
    if not has_meeting_track(state):
        return False
    if state.retry_booking_on and today < state.retry_booking_on:
        return False
    if first_meeting_held(state):
        return False
    return not planned_meetings(state)


def awaiting_estimate(state: CaseState) -> bool:
    """2026 reform: the employee expects under 26 weeks and the employer has not said: its estimate is asked for.
    On the legacy waiting track, or (L 66) while the case is followed as if long."""
    return state.triage_reason == ESTIMATE_NEEDED_REASON and state.employer_expected_weeks is None


def needs_estimate_request(state: CaseState) -> bool:
    """Ask the employer for its estimate (a missing estimate is asked for, never assumed)."""
    return awaiting_estimate(state) and state.employer_estimate_requested_on is None


def miss_kind(state: CaseState, deadline: str) -> str:
    """Whether missing this deadline breaks the law (STATUTORY) or only the model's own target (MODEL_TARGET).

    The week-8 first meeting is statutory until the 2026 reform and the model's target after it (the rule
    set says which; a case started before the distinction carries the statutory default). The fast-track
    meeting and the 2026 minimum of one conversation in six months are statutory."""
    if deadline == "first_meeting":
        return case_deadlines(state).first_meeting_kind
    return STATUTORY


def employer_silent(state: CaseState, employer_email: str) -> bool:
    """Contacted, and neither an answer about hosting nor an answer to an invitation has come."""
    if state.employer_hosts is not None or state.employer_contacted_on is None:
        return False
    return not any(m.responses.get(employer_email) for m in state.meetings)


def first_meeting_at_risk(state: CaseState, employer_email: str, employee_email: str) -> bool:
    """Not held, and the latest planned meeting is not accepted by both employer and employee."""
    if first_meeting_held(state):
        return False
    planned = planned_meetings(state)
    accepted = bool(planned) and all(
        planned[-1].responses.get(email) == Partstat.ACCEPTED for email in (employer_email, employee_email)
    )
    return not accepted


def deadline_met(state: CaseState, due: date) -> bool:
    """The first meeting was held on or before `due`: no breach to record."""
    first = first_meeting(state)
    return first is not None and first.status == MeetingStatus.HELD and held_on(first) <= due


def late_meeting_floor(today: date, closed: ClosedDays) -> date:
    """The soonest a meeting can be expected when its deadline has passed (it is still owed)."""
    return add_working_days(today, LATE_MEETING_WORKING_DAYS, closed)


def meeting_deadline(state: CaseState, today: date, meeting: Meeting | None = None) -> date:
    """The last day a meeting (by default the next one) may be booked on."""
    rules = case_rules(state)
    closed = rules.closed_days
    held = held_meetings(state)
    if held and (meeting is None or meeting.number > held[0].number):
        return max(next_followup_due(last_held_day(state), rules), late_meeting_floor(today, closed))
    latest = case_deadlines(state).latest_meeting_day
    if state.fast_track:
        latest = min(latest, state.fast_track.due)
    # Past the statutory date the meeting is still owed: book the soonest time, the breach is recorded.
    return max(latest, late_meeting_floor(today, closed))


def expected_location(state: CaseState) -> Location:
    """At the workplace on the model's track unless the employer declined to host; else the job centre."""
    workplace = state.track == Track.WORKPLACE and state.employer_hosts is not False
    return Location.WORKPLACE if workplace else Location.JOBCENTER


def next_deadline(state: CaseState) -> date | None:
    """The deadline operations see on the case: the first meeting's (or fast track's) until held, then the
    reassessment. Once the model's week-8 target is missed (2026 reform), the law's six-month minimum."""
    if state.phase == Phase.CLOSED:
        return None
    if has_meeting_track(state) and not first_meeting_held(state):
        d = case_deadlines(state)
        if d.first_conversation_due is not None and "first_meeting" in state.missed_targets:
            # The model's week-8 target has passed: what is owed now is the law's minimum (2026 reform).
            return min(d.first_conversation_due, state.fast_track.due) if state.fast_track else d.first_conversation_due
        due = d.first_meeting_due
        return min(due, state.fast_track.due) if state.fast_track else due
    return case_deadlines(state).reassessment_due


def retry_booking_day(today: date, closed: ClosedDays) -> date:
    return add_working_days(today, BOOKING_RETRY_WORKING_DAYS, closed)


def expected_back(case: CaseInput, state: CaseState) -> date:
    return case.first_day + timedelta(weeks=state.expected_weeks)


# --- the agenda -------------------------------------------------------------------------------------


def agenda(state: CaseState, case: CaseInput, now: datetime) -> list[DueStep]:
    """The dated steps the case is waiting for, given what has happened so far."""
    rules, d, closed = case_rules(state), case_deadlines(state), case_rules(state).closed_days
    steps: list[DueStep] = []
    if has_meeting_track(state) and not first_meeting_held(state):
        contacted = state.employer_contacted_on
        # employer_silent holds only once the employer was contacted; the explicit check says so to the types.
        if (
            state.track == Track.WORKPLACE
            and contacted is not None
            and employer_silent(state, case.employer.contact_email)
        ):
            steps.append(
                DueStep(
                    at_morning(add_working_days(contacted, rules.employer_reminder_working_days, closed)),
                    "employer_reminder",
                    Step.EMPLOYER_REMINDER,
                )
            )
            steps.append(
                DueStep(
                    at_morning(add_working_days(contacted, rules.employer_escalation_working_days, closed)),
                    "employer_escalation",
                    Step.EMPLOYER_ESCALATION,
                )
            )
        steps.append(DueStep(at_morning(d.booking_escalation_day), "booking_escalation", Step.FIRST_MEETING_AT_RISK))
        steps.append(
            DueStep(
                local_end_of_day(d.first_meeting_due) + BREACH_GRACE,
                "breach/first_meeting",
                Step.BREACH,
                deadline="first_meeting",
                due=d.first_meeting_due,
            )
        )
        if state.fast_track:
            due = state.fast_track.due
            steps.append(
                DueStep(
                    local_end_of_day(due) + BREACH_GRACE,
                    "breach/fast_track",
                    Step.BREACH,
                    deadline="fast_track",
                    due=due,
                )
            )
    for meeting in planned_meetings(state):
        remind_at = at_morning(reminder_day(local_date(meeting.start), rules))
        if meeting.invited_at and meeting.invited_at < remind_at < meeting.start:
            steps.append(
                DueStep(remind_at, f"reminder/{meeting.uid}/{meeting.sequence}", Step.MEETING_REMINDER, meeting=meeting)
            )
        steps.append(
            DueStep(meeting.end, f"record/{meeting.uid}/{meeting.sequence}", Step.RECORD_MEETING, meeting=meeting)
        )
    if first_meeting_held(state) and state.track != Track.WATCH:
        steps.extend(follow_up_steps(state, case, now))
    if state.track == Track.WATCH:
        back = expected_back(case, state)
        steps.append(
            DueStep(at_morning(working_day_on_or_after(back, closed)), f"watch_check/{back}", Step.RETURN_CHECK)
        )
    if state.retry_booking_on:
        # Nothing else may be due for weeks: wake up to try the booking again.
        steps.append(
            DueStep(at_morning(state.retry_booking_on), f"retry_booking/{state.retry_booking_on}", Step.RETRY_BOOKING)
        )
    if not state.measures and has_meeting_track(state):
        steps.append(
            DueStep(
                at_morning(add_working_days(d.measure_due, -MEASURE_TASK_WORKING_DAYS_BEFORE, closed)),
                "measure_task",
                Step.MEASURE_TASK,
            )
        )
    steps.append(DueStep(at_morning(d.reassessment_task_day), reassessment_key(state), Step.REASSESSMENT_TASK))
    steps.extend(law_steps(state, now))
    return steps


def reassessment_key(state: CaseState) -> str:
    """The reassessment task's key. A recorded period without benefit moves the § 24 date, so the key names
    the date and a moved date gives a new task; a case without pauses keeps the key it always had."""
    if not state.benefit_pauses and not state.earlier_benefit:
        return "reassessment_task"
    return f"reassessment_task/{case_deadlines(state).reassessment_due.isoformat()}"


def law_steps(state: CaseState, now: datetime) -> list[DueStep]:
    """The dated steps the law as written adds: the fast-track consent window, the employer's estimate, the 2026 legal
    minimum and the information form. Each depends on state only new cases have, so older cases (and their
    saved histories) get none of them."""
    rules, d, closed = case_rules(state), case_deadlines(state), case_rules(state).closed_days
    steps: list[DueStep] = []
    request = state.fast_track_request
    if request is not None and request.pending and request.consent_due is not None:
        steps.append(
            DueStep(
                local_end_of_day(request.consent_due) + BREACH_GRACE,
                f"fast_track_consent/{request.requested_on.isoformat()}",
                Step.FAST_TRACK_CONSENT_LAPSE,
            )
        )
    if awaiting_estimate(state) and state.employer_estimate_requested_on is not None:
        asked = state.employer_estimate_requested_on
        steps.append(
            DueStep(
                at_morning(add_working_days(asked, rules.employer_reminder_working_days, closed)),
                "estimate_reminder",
                Step.ESTIMATE_REMINDER,
            )
        )
        steps.append(
            DueStep(
                at_morning(add_working_days(asked, rules.employer_escalation_working_days, closed)),
                "estimate_escalation",
                Step.ESTIMATE_ESCALATION,
            )
        )
    if d.first_conversation_due is not None and has_meeting_track(state) and not first_meeting_held(state):
        steps.append(
            DueStep(
                local_end_of_day(d.first_conversation_due) + BREACH_GRACE,
                "breach/first_conversation",
                Step.BREACH,
                deadline="first_conversation",
                due=d.first_conversation_due,
            )
        )
    if state.rule_set_switch is not None:
        switch = state.rule_set_switch
        steps.append(
            DueStep(
                local_midnight(switch.on),
                f"rule_set_switch/{switch.on.isoformat()}/{switch.rules.name}",
                Step.RULE_SET_SWITCH,
            )
        )
    if state.info_form_sent_on is not None and state.info_form_answered_on is None:
        form = info_form_dates(state.info_form_sent_on, rules, answer_due=state.info_form_answer_due)
        if not state.info_form_sent_recorded:
            steps.append(DueStep(at_morning(form.reminder_day), "info_form_reminder", Step.INFO_FORM_REMINDER))
            steps.append(DueStep(at_morning(form.task_day), "info_form_task", Step.INFO_FORM_TASK))
        else:
            # Recorded (or moved by an agreed date): the keys name the dates, so moved dates give new steps. A
            # reminder for an answer already due is pointless; the task comes after it still.
            dated = f"{form.sent_on.isoformat()}/{form.answer_due.isoformat()}"
            if form.answer_due >= local_date(now):
                steps.append(
                    DueStep(at_morning(form.reminder_day), f"info_form_reminder/{dated}", Step.INFO_FORM_REMINDER)
                )
            steps.append(DueStep(at_morning(form.task_day), f"info_form_task/{dated}", Step.INFO_FORM_TASK))
    return steps


def follow_up_steps(state: CaseState, case: CaseInput, now: datetime) -> list[DueStep]:
    """After the first meeting: later follow-ups per rule set, or only the return for a predictable case."""
    rules, closed = case_rules(state), case_rules(state).closed_days
    first = first_meeting(state)
    if first is None:
        raise ValueError(f"case {state.reference}: follow-ups come after a first meeting, and there is none")
    back = expected_back(case, state)
    if rules.predictable_return_weeks and back <= held_on(first) + timedelta(weeks=rules.predictable_return_weeks):
        return [DueStep(at_morning(working_day_on_or_after(back, closed)), f"return_check/{back}", Step.RETURN_CHECK)]
    if planned_meetings(state):
        return []
    due = next_followup_due(last_held_day(state), rules)
    number = len(state.meetings) + 1
    when = max(at_morning(add_working_days(due, -FOLLOWUP_BOOKING_WORKING_DAYS_BEFORE, closed)), now)
    if state.retry_booking_on:
        when = max(when, at_morning(state.retry_booking_on))
    return [DueStep(when, f"followup/{number}/{state.retry_booking_on or ''}", Step.FOLLOW_UP, due=due)]


def next_step(steps: list[DueStep], done: list[str]) -> DueStep | None:
    """The earliest step not yet taken (ties broken by key, so the choice is deterministic)."""
    upcoming = [s for s in steps if s.key not in done]
    return min(upcoming, key=lambda s: (s.when, s.key)) if upcoming else None
