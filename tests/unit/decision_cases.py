"""Builders for the unit tests of the pure decisions (domain/decisions/): a sick report, a case's state under
the rule set of its first day, a meeting, and a decision's context at a moment. No server, no clock."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from domain.deadlines import compute_deadlines
from domain.decisions import Context
from domain.localtime import LOCAL_TZ
from domain.model import (
    CaseInput,
    CaseState,
    Caseworker,
    Employee,
    Employer,
    Location,
    Meeting,
    MeetingStatus,
    Phase,
    Role,
)
from domain.rulesets import load_rulesets, ruleset_for
from domain.triage import Track

FIRST_DAY = date(2025, 3, 3)  # a Monday, under the 2025 rule set: week 8 is statutory
REFORM_FIRST_DAY = date(2026, 9, 7)  # a Monday, under the 2026 reform: week 8 is the model's own target
EMPLOYER = "kontakt@firma.example.dk"
EMPLOYEE = "medarbejder@example.dk"
CASEWORKER = "c@example.dk"


def at(day: date, hour: int = 8, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=LOCAL_TZ)


def sick_report(first_day: date = FIRST_DAY) -> CaseInput:
    return CaseInput(
        reference="SAG-1",
        municipality="101",
        first_day=first_day,
        expected_weeks=12,
        employee=Employee("M", EMPLOYEE),
        employer=Employer("Firma", "12345674", "Vej 1", "K", EMPLOYER),
    )


def state(first_day: date = FIRST_DAY, track: Track | None = Track.WORKPLACE, **changes) -> CaseState:
    rules = ruleset_for(first_day, load_rulesets())
    s = CaseState(
        reference="SAG-1",
        municipality="101",
        track=track,
        expected_weeks=12,
        rules=rules,
        deadlines=compute_deadlines(first_day, rules),
        phase=Phase.MEETING_BOOKED,
        caseworker=Caseworker("cw", "C", CASEWORKER, "", "t", "T", "L", "l@example.dk"),
    )
    for key, value in changes.items():
        setattr(s, key, value)
    return s


def meeting(
    number: int = 1, start: datetime | None = None, status: MeetingStatus = MeetingStatus.INVITED, **changes
) -> Meeting:
    start = start or at(FIRST_DAY + timedelta(weeks=6), 10)
    m = Meeting(
        number=number,
        uid=f"u{number}",
        start=start,
        end=start + timedelta(hours=1),
        location="Vej 1",
        expected_location=Location.WORKPLACE,
        status=status,
        invited_at=at(FIRST_DAY + timedelta(days=10), 9),
    )
    for key, value in changes.items():
        setattr(m, key, value)
    return m


def context(now: datetime, first_day: date = FIRST_DAY) -> Context:
    return Context(
        sick_report(first_day),
        now,
        {EMPLOYER: Role.EMPLOYER.value, EMPLOYEE: Role.EMPLOYEE.value, CASEWORKER: Role.CASEWORKER.value},
    )
