"""What is due and when, tested as pure functions over a case's state: no server, no clock.

Dates are hand-checked against a 2025 calendar (first day of absence Monday 3 March 2025, rule set "2025").
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from domain import agenda
from domain.agenda import Step
from domain.deadlines import compute_deadlines
from domain.localtime import LOCAL_TZ
from domain.model import (
    CaseInput,
    CaseState,
    Caseworker,
    Employee,
    Employer,
    FastTrack,
    Location,
    Measure,
    Meeting,
    MeetingStatus,
    Partstat,
    Phase,
)
from domain.rulesets import load_rulesets, ruleset_for
from domain.triage import Track

FIRST_DAY = date(2025, 3, 3)  # a Monday
EMPLOYER = "kontakt@firma.example.dk"
EMPLOYEE = "medarbejder@example.dk"


def at(day: date, hour: int = 8, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=LOCAL_TZ)


def case(expected_weeks: int = 12) -> CaseInput:
    return CaseInput(
        reference="SAG-1",
        municipality="101",
        first_day=FIRST_DAY,
        expected_weeks=expected_weeks,
        employee=Employee("M", EMPLOYEE),
        employer=Employer("Firma", "12345674", "Vej 1", "K", EMPLOYER),
    )


def state(track: Track | None = Track.WORKPLACE, **changes) -> CaseState:
    rules = ruleset_for(FIRST_DAY, load_rulesets())
    s = CaseState(
        reference="SAG-1",
        municipality="101",
        track=track,
        expected_weeks=12,
        rules=rules,
        deadlines=compute_deadlines(FIRST_DAY, rules),
        phase=Phase.EMPLOYER_CONTACT,
        caseworker=Caseworker("cw", "C", "c@example.dk", "", "t", "T", "L", "l@example.dk"),
    )
    for key, value in changes.items():
        setattr(s, key, value)
    return s


def meeting(
    number: int = 1, start: datetime | None = None, status: MeetingStatus = MeetingStatus.INVITED, **changes
) -> Meeting:
    start = start or at(date(2025, 4, 15), 10)
    m = Meeting(
        number=number,
        uid=f"u{number}",
        start=start,
        end=start + timedelta(hours=1),
        location="Vej 1",
        expected_location=Location.WORKPLACE,
        status=status,
        invited_at=at(date(2025, 3, 20), 9),
    )
    for key, value in changes.items():
        setattr(m, key, value)
    return m


def keys(steps) -> dict[str, datetime]:
    return {s.key: s.when for s in steps}


# --------------------------------------------------------------------------- the first meeting
def test_first_meeting_prefers_a_held_one_over_a_planned_one():
    held = meeting(2, status=MeetingStatus.HELD)
    s = state(meetings=[meeting(1, status=MeetingStatus.NO_SHOW), held, meeting(3)])
    assert agenda.first_meeting(s) is held and agenda.first_meeting_held(s)
    s = state(meetings=[meeting(1, status=MeetingStatus.CANCELLED), meeting(2)])
    assert agenda.first_meeting(s).number == 2 and not agenda.first_meeting_held(s)
    assert agenda.first_meeting(state()) is None


def test_the_workplace_model_first_contacts_the_employer_then_books():
    today = date(2025, 3, 17)
    assert agenda.needs_first_contact(state())
    assert not agenda.needs_first_contact(state(track=Track.EXEMPT))
    contacted = state(employer_contacted_on=today)
    assert not agenda.needs_first_contact(contacted) and agenda.needs_booking(contacted, today)
    assert not agenda.needs_booking(state(track=Track.WATCH), today)
    assert not agenda.needs_booking(state(meetings=[meeting()]), today)
    # After a lost booking race the case waits for its retry day.
    waiting = state(employer_contacted_on=today, retry_booking_on=today + timedelta(days=1))
    assert not agenda.needs_booking(waiting, today) and agenda.needs_booking(waiting, today + timedelta(days=1))


def test_an_employer_is_silent_until_an_answer_of_any_kind():
    contacted = date(2025, 3, 17)
    assert not agenda.employer_silent(state(), EMPLOYER)  # not contacted yet
    assert agenda.employer_silent(state(employer_contacted_on=contacted), EMPLOYER)
    assert not agenda.employer_silent(state(employer_contacted_on=contacted, employer_hosts=False), EMPLOYER)
    answered = meeting(responses={EMPLOYER: Partstat.TENTATIVE})
    assert not agenda.employer_silent(state(employer_contacted_on=contacted, meetings=[answered]), EMPLOYER)


def test_the_first_meeting_is_at_risk_until_both_have_accepted():
    both = meeting(responses={EMPLOYER: Partstat.ACCEPTED, EMPLOYEE: Partstat.ACCEPTED})
    one = meeting(responses={EMPLOYER: Partstat.ACCEPTED})
    assert agenda.first_meeting_at_risk(state(), EMPLOYER, EMPLOYEE)  # nothing booked
    assert agenda.first_meeting_at_risk(state(meetings=[one]), EMPLOYER, EMPLOYEE)
    assert not agenda.first_meeting_at_risk(state(meetings=[both]), EMPLOYER, EMPLOYEE)
    assert not agenda.first_meeting_at_risk(state(meetings=[meeting(status=MeetingStatus.HELD)]), EMPLOYER, EMPLOYEE)


def test_a_deadline_is_met_only_by_a_meeting_held_on_or_before_it():
    due = date(2025, 4, 27)  # end of week 8 from 3 March
    on_time = meeting(status=MeetingStatus.HELD, start=at(due, 10))
    late = meeting(status=MeetingStatus.HELD, start=at(due, 10), held_at=at(due + timedelta(days=1), 10))
    assert agenda.deadline_met(state(meetings=[on_time]), due)
    assert not agenda.deadline_met(state(meetings=[late]), due)
    assert not agenda.deadline_met(state(meetings=[meeting(start=at(due, 10))]), due)  # planned is not held


def test_the_meeting_deadline_is_week_eight_or_fast_track_and_never_in_the_past():
    s = state()
    assert s.deadlines.first_meeting_due == date(2025, 4, 27)  # Sunday, end of week 8
    assert s.deadlines.latest_meeting_day == date(2025, 4, 25)  # the Friday before
    assert agenda.meeting_deadline(s, date(2025, 3, 17)) == date(2025, 4, 25)
    fast = state(fast_track=FastTrack("employee", date(2025, 3, 17), date(2025, 3, 31)))
    assert agenda.meeting_deadline(fast, date(2025, 3, 17)) == date(2025, 3, 31)
    # Past the deadline the meeting is still owed: ten working days from Monday 28 April.
    assert agenda.meeting_deadline(s, date(2025, 4, 28)) == date(2025, 5, 12)


def test_a_follow_up_is_due_from_the_last_meeting_held():
    held = meeting(status=MeetingStatus.HELD, start=at(date(2025, 4, 15), 10))
    s = state(meetings=[held], phase=Phase.FOLLOW_UP)
    # Follow-ups at most 4 weeks apart: 15 April + 4 weeks = 13 May.
    assert agenda.meeting_deadline(s, date(2025, 4, 16)) == date(2025, 5, 13)


def test_expected_location_follows_the_track_and_the_employers_answer():
    assert agenda.expected_location(state()) == Location.WORKPLACE
    assert agenda.expected_location(state(employer_hosts=False)) == Location.JOBCENTER
    assert agenda.expected_location(state(track=Track.EXEMPT)) == Location.JOBCENTER


def test_the_next_deadline_is_the_first_meeting_until_held_then_the_reassessment():
    s = state()
    assert agenda.next_deadline(s) == date(2025, 4, 27)
    fast = state(fast_track=FastTrack("employee", date(2025, 3, 17), date(2025, 3, 31)))
    assert agenda.next_deadline(fast) == date(2025, 3, 31)
    held = state(meetings=[meeting(status=MeetingStatus.HELD)])
    assert agenda.next_deadline(held) == held.deadlines.reassessment_due
    assert agenda.next_deadline(state(phase=Phase.CLOSED)) is None


# --------------------------------------------------------------------------- the agenda
def test_a_silent_employer_is_reminded_after_three_and_escalated_after_five_working_days():
    contacted = date(2025, 3, 17)  # Monday
    steps = keys(agenda.agenda(state(employer_contacted_on=contacted), case(), at(contacted, 9)))
    assert steps["employer_reminder"] == at(date(2025, 3, 20))  # Thursday 08:00
    assert steps["employer_escalation"] == at(date(2025, 3, 24))  # next Monday 08:00
    # The breach is the minute after the end of week 8, local time.
    assert steps["breach/first_meeting"] == at(date(2025, 4, 27), 23, 59) + timedelta(minutes=1)
    assert "booking_escalation" in steps and "reassessment_task" in steps and "measure_task" in steps


def test_planned_meetings_get_a_reminder_and_a_record_task():
    m = meeting(start=at(date(2025, 4, 15), 10))  # Tuesday
    steps = {
        s.key: s
        for s in agenda.agenda(
            state(employer_contacted_on=date(2025, 3, 17), employer_hosts=True, meetings=[m]),
            case(),
            at(date(2025, 3, 20), 9),
        )
    }
    reminder, record = steps["reminder/u1/0"], steps["record/u1/0"]
    assert reminder.step == Step.MEETING_REMINDER and reminder.when == at(date(2025, 4, 11))  # two working days
    assert record.step == Step.RECORD_MEETING and record.when == m.end and record.meeting is m
    assert "employer_reminder" not in steps  # the employer has answered


def test_after_the_first_meeting_a_follow_up_is_booked_two_weeks_before_it_is_due():
    held = meeting(status=MeetingStatus.HELD, start=at(date(2025, 4, 15), 10))
    steps = {
        s.key: s
        for s in agenda.agenda(
            state(meetings=[held], measures=[Measure("mentor", FIRST_DAY, True)], expected_weeks=30),
            case(expected_weeks=30),
            at(date(2025, 4, 16), 9),
        )
    }
    follow = steps["followup/2/"]
    assert follow.step == Step.FOLLOW_UP and follow.due == date(2025, 5, 13)
    assert follow.when == at(date(2025, 4, 29))  # ten working days before Tuesday 13 May
    assert "breach/first_meeting" not in steps and "measure_task" not in steps


def test_a_predictable_case_only_has_its_return_followed():
    held = meeting(status=MeetingStatus.HELD, start=at(date(2025, 4, 15), 10))
    steps = keys(agenda.agenda(state(meetings=[held]), case(expected_weeks=12), at(date(2025, 4, 16), 9)))
    back = FIRST_DAY + timedelta(weeks=12)  # 26 May 2025, a Monday
    assert steps[f"return_check/{back}"] == at(back)
    assert not any(k.startswith("followup/") for k in steps)


def test_a_watched_case_waits_for_the_expected_return():
    steps = keys(
        agenda.agenda(
            state(track=Track.WATCH, phase=Phase.WATCH, expected_weeks=6),
            case(expected_weeks=6),
            at(date(2025, 3, 10), 9),
        )
    )
    assert steps[f"watch_check/{FIRST_DAY + timedelta(weeks=6)}"] == at(date(2025, 4, 14))
    assert "breach/first_meeting" not in steps and "measure_task" not in steps


@pytest.mark.parametrize(
    "done, expected",
    [
        ([], "employer_reminder"),
        (["employer_reminder"], "employer_escalation"),
        (["employer_reminder", "employer_escalation"], "booking_escalation"),
    ],
)
def test_the_next_step_is_the_earliest_not_yet_taken(done, expected):
    steps = agenda.agenda(state(employer_contacted_on=date(2025, 3, 17)), case(), at(date(2025, 3, 17), 9))
    assert agenda.next_step(steps, done).key == expected
    assert agenda.next_step([], []) is None
