"""A meeting recorded as held or not held, decided without a server (domain.decisions.meeting_held)."""

from __future__ import annotations

from datetime import timedelta

from domain.decisions import meeting_held
from domain.decisions.effects import (
    Audit,
    CloseTasks,
    Note,
    PublishPhase,
    PutMeeting,
    SaveMeeting,
    SendCancellation,
    Wake,
)
from domain.model import MeetingOutcome, MeetingStatus, Phase
from domain.refusals import Refusal
from tests.unit.decision_cases import FIRST_DAY, at, context, meeting, state

START = at(FIRST_DAY + timedelta(weeks=6), 10)


def test_a_meeting_held_at_the_workplace_puts_the_case_in_follow_up():
    s = state(meetings=[meeting(start=START)])
    ctx = context(START + timedelta(hours=2))
    outcome = MeetingOutcome(1, True, True, "workplace", actor="anna")
    assert meeting_held.validate(s, ctx, outcome) is None
    assert not meeting_held.held_before_planned(s, ctx, outcome)
    after, effects = meeting_held.decide(s, ctx, outcome)
    m = after.meetings[0]
    assert (m.status, m.actual_location, m.employer_took_part, m.held_at) == (
        MeetingStatus.HELD,
        "workplace",
        True,
        START,
    )
    assert s.meetings[0].status == MeetingStatus.INVITED
    assert [type(e) for e in effects] == [SaveMeeting, Audit, CloseTasks, Note, PublishPhase, Wake]
    assert effects[2] == CloseTasks("record_meeting/1/", prefix=True) and effects[4] == PublishPhase(Phase.FOLLOW_UP)


def test_a_no_show_keeps_the_phase_and_wakes_the_process_to_book_again():
    s = state(meetings=[meeting(start=START)])
    after, effects = meeting_held.decide(
        s, context(START + timedelta(hours=2)), MeetingOutcome(1, False, False, "workplace")
    )
    m = after.meetings[0]
    assert (m.status, m.actual_location, m.held_at) == (MeetingStatus.NO_SHOW, None, None)
    assert not any(isinstance(e, PublishPhase) for e in effects) and effects[-1] == Wake()


def test_a_meeting_held_before_its_planned_time_first_leaves_everyones_calendar():
    s = state(meetings=[meeting(start=START)])
    held_at = START - timedelta(days=2)
    ctx = context(held_at + timedelta(hours=2))
    outcome = MeetingOutcome(1, True, True, "workplace", held_at=held_at)
    assert meeting_held.validate(s, ctx, outcome) is None and meeting_held.held_before_planned(s, ctx, outcome)
    after, effects = meeting_held.decide(s, ctx, outcome, cancel_planned_time=True)
    assert isinstance(effects[0], SendCancellation) and effects[0].meeting.sequence == 1
    assert effects[0].meeting.status == MeetingStatus.INVITED  # the cancellation names the planned version
    # The state holds the new version first; the recorded meeting takes its place after the cancellation.
    assert after.meetings[0].sequence == 1 and after.meetings[0].status == MeetingStatus.INVITED
    assert isinstance(effects[1], PutMeeting) and effects[1].meeting.status == MeetingStatus.HELD
    assert effects[1].meeting.held_at == held_at and effects[1].meeting.sequence == 1


def test_recording_is_refused_for_no_such_meeting_twice_before_it_began_before_the_absence_or_nowhere():
    s = state(meetings=[meeting(start=START)])
    ctx = context(START + timedelta(hours=2))
    assert meeting_held.validate(s, ctx, MeetingOutcome(2, True, True, "workplace")).reason == Refusal.NO_SUCH_MEETING
    assert (
        meeting_held.validate(s, context(START - timedelta(hours=1)), MeetingOutcome(1, True, True, "workplace")).reason
        == Refusal.MEETING_IN_FUTURE
    )
    early = MeetingOutcome(1, True, True, "workplace", held_at=at(FIRST_DAY - timedelta(days=1)))
    assert meeting_held.validate(s, ctx, early).reason == Refusal.BAD_HELD_AT
    assert meeting_held.validate(s, ctx, MeetingOutcome(1, True, True, "månen")).reason == Refusal.BAD_LOCATION
    done = state(meetings=[meeting(start=START, status=MeetingStatus.HELD)])
    refused = meeting_held.validate(done, ctx, MeetingOutcome(1, True, True, "workplace"))
    assert refused.reason == Refusal.ALREADY_RECORDED and "allerede registreret som held" in refused.message
