"""The end of a case and its outcome, decided without a server (domain.decisions.case_end)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from domain.decisions import case_end
from domain.decisions.effects import (
    CloseTasks,
    Note,
    PublishPhase,
    PutMeeting,
    RecordEnd,
    SaveMeeting,
    SendCancellation,
    SendMail,
)
from domain.model import MeetingStatus, Phase, Role
from domain.payloads import CaseEnd, OutcomeReport
from domain.refusals import Refusal
from tests.unit.decision_cases import FIRST_DAY, at, context, meeting, state

NOW = at(FIRST_DAY + timedelta(weeks=5), 9)


def test_an_end_cancels_planned_meetings_closes_tasks_and_tells_employer_and_employee():
    s = state(meetings=[meeting(1, status=MeetingStatus.HELD), meeting(2)])
    end = CaseEnd("full_recovery", NOW.date())
    _, effects = case_end.close(s, context(NOW), end)
    put, save, cancel = effects[:3]
    assert isinstance(put, PutMeeting) and put.meeting.number == 2
    assert (put.meeting.status, put.meeting.sequence) == (MeetingStatus.CANCELLED, 1)
    assert save == SaveMeeting(put.meeting) and isinstance(cancel, SendCancellation) and cancel.reason
    assert effects[3:5] == [CloseTasks("", prefix=True), RecordEnd("full_recovery", NOW.date())]
    assert [e.to for e in effects if isinstance(e, SendMail)] == [Role.EMPLOYER, Role.EMPLOYEE]
    assert effects[-2] == PublishPhase(
        Phase.CLOSED, {"end_type": "full_recovery", "end_date": NOW.date()}, now_field="closed_at"
    )
    assert effects[-1] == Note("case_closed", "full_recovery")


def test_after_a_death_nobody_writes_to_the_employee_and_cancellations_give_no_reason():
    _, effects = case_end.close(state(meetings=[meeting()]), context(NOW), CaseEnd("death", NOW.date()))
    assert [e.to for e in effects if isinstance(e, SendMail)] == [Role.EMPLOYER]
    assert [e.reason for e in effects if isinstance(e, SendCancellation)] == [""]


def test_an_end_is_refused_when_unknown_partial_before_the_absence_in_the_future_or_twice():
    s, ctx = state(), context(NOW)
    assert case_end.validate(s, ctx, CaseEnd("vacation", NOW.date())).reason == Refusal.BAD_END_TYPE
    assert case_end.validate(s, ctx, CaseEnd("partial_recovery", NOW.date())).reason == Refusal.NOT_AN_END
    assert case_end.validate(s, ctx, CaseEnd("dismissal", FIRST_DAY - timedelta(days=1))).reason == Refusal.BAD_END_DATE
    future = case_end.validate(s, ctx, CaseEnd("dismissal", NOW.date() + timedelta(days=2)))
    assert future.reason == Refusal.BAD_END_DATE and "i fremtiden" in future.message
    assert (
        case_end.validate(s, replace(ctx, ended=True), CaseEnd("dismissal", NOW.date())).reason == Refusal.CASE_CLOSED
    )
    assert case_end.validate(s, ctx, CaseEnd("dismissal", NOW.date())) is None


def test_the_outcome_comes_after_the_end_once_and_from_the_list():
    s, ctx = state(), context(NOW)
    assert case_end.validate_outcome(s, ctx, OutcomeReport("work")).reason == Refusal.CASE_OPEN
    ended = replace(ctx, ended=True)
    assert case_end.validate_outcome(s, ended, OutcomeReport("work")) is None
    assert case_end.validate_outcome(s, ended, OutcomeReport("unknown")).reason == Refusal.BAD_OUTCOME
    assert (
        case_end.validate_outcome(state(outcome="work"), ended, OutcomeReport("work")).reason
        == Refusal.ALREADY_RECORDED
    )
