"""Answers to invitations and proposed times, decided without a server (domain.decisions.meeting_answers)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from domain.decisions import meeting_answers
from domain.decisions.effects import Audit, GiveTask, Note, QueueMove, SaveMeeting, Wake
from domain.model import CounterProposal, Location, MeetingStatus, RsvpReceived
from domain.refusals import Refusal
from tests.unit.decision_cases import EMPLOYEE, EMPLOYER, FIRST_DAY, at, context, meeting, state

NOW = at(FIRST_DAY + timedelta(weeks=3), 9)


def booked():
    return state(meetings=[meeting()])


def test_an_employers_yes_to_the_workplace_meeting_is_recorded_and_means_it_hosts():
    before = booked()
    after, effects = meeting_answers.decide(before, context(NOW), RsvpReceived("u1", 0, EMPLOYER.upper(), "ACCEPTED"))
    assert after.meetings[0].responses == {EMPLOYER: "ACCEPTED"} and after.employer_hosts is True
    assert before.meetings[0].responses == {} and before.employer_hosts is None  # the given state is unchanged
    assert effects[0] == SaveMeeting(after.meetings[0])
    assert effects[1] == Audit("rsvp_recorded", "employer (svar på invitation)", {"meeting": "1", "answer": "ACCEPTED"})
    assert effects[2] == Note("rsvp", "møde 1: employer ACCEPTED") and effects[-1] == Wake()
    assert not any(isinstance(e, (GiveTask, QueueMove)) for e in effects)


def test_a_yes_to_a_job_centre_meeting_says_nothing_about_hosting():
    s = state(meetings=[meeting(expected_location=Location.JOBCENTER)])
    after, _ = meeting_answers.decide(s, context(NOW), RsvpReceived("u1", 0, EMPLOYER, "ACCEPTED"))
    assert after.employer_hosts is None


def test_a_decline_with_a_comment_gives_the_caseworker_a_task_and_asks_for_a_move():
    after, effects = meeting_answers.decide(
        booked(), context(NOW), RsvpReceived("u1", 0, EMPLOYEE, "DECLINED", comment="Jeg er til lægen")
    )
    [task] = [e for e in effects if isinstance(e, GiveTask)]
    assert task.key == f"comment/u1/0/{EMPLOYEE}" and task.due > NOW.date()
    assert effects[-2:] == [QueueMove("u1"), Wake()]
    assert "(Jeg er til lægen)" in effects[2].detail


def test_answers_are_refused_from_strangers_for_old_versions_and_for_meetings_no_longer_planned():
    s, ctx = booked(), context(NOW)
    assert meeting_answers.validate(s, ctx, RsvpReceived("u1", 0, EMPLOYER, "ACCEPTED")) is None
    assert (
        meeting_answers.validate(s, ctx, RsvpReceived("nope", 0, EMPLOYER, "ACCEPTED")).reason
        == Refusal.UNKNOWN_MEETING
    )
    assert (
        meeting_answers.validate(s, ctx, RsvpReceived("u1", 0, "x@y.dk", "ACCEPTED")).reason == Refusal.NOT_AN_ATTENDEE
    )
    assert (
        meeting_answers.validate(s, ctx, RsvpReceived("u1", 1, EMPLOYER, "ACCEPTED")).reason == Refusal.STALE_SEQUENCE
    )
    assert meeting_answers.validate(s, ctx, RsvpReceived("u1", 0, EMPLOYER, "MAYBE")).reason == Refusal.BAD_PARTSTAT
    held = state(meetings=[meeting(status=MeetingStatus.HELD)])
    refused = meeting_answers.validate(held, ctx, RsvpReceived("u1", 0, EMPLOYER, "ACCEPTED"))
    assert refused.reason == Refusal.MEETING_NOT_PLANNED and "ikke længere planlagt" in refused.message


def test_a_proposed_time_becomes_a_task_with_the_command_that_moves_the_meeting():
    s = booked()
    start = at(FIRST_DAY + timedelta(weeks=5), 13)
    proposal = CounterProposal("u1", 0, EMPLOYER, start, start + timedelta(hours=1), "Bedre for os")
    assert meeting_answers.validate_proposal(s, context(NOW), proposal) is None
    after, effects = meeting_answers.decide_proposal(s, context(NOW), proposal)
    assert after is s and [type(e) for e in effects] == [Note, Audit, GiveTask]
    assert (
        effects[2].command == "fasthold --kommune 101 flyt SAG-1 --moede 1 --tidspunkt "
        f"{start.strftime('%Y-%m-%dT%H:%M')}"
    )


def test_a_proposal_that_ends_before_it_starts_or_lies_over_a_year_ahead_is_refused():
    s, ctx = booked(), context(NOW)
    start = at(FIRST_DAY + timedelta(weeks=5), 13)
    backwards = CounterProposal("u1", 0, EMPLOYER, start, start - timedelta(hours=1))
    assert meeting_answers.validate_proposal(s, ctx, backwards).reason == Refusal.BAD_PROPOSAL
    far = replace(backwards, start=NOW + timedelta(days=400), end=NOW + timedelta(days=400, hours=1))
    assert "et år" in meeting_answers.validate_proposal(s, ctx, far).message
