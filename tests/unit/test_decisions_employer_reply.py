"""The employer's answer to hosting the first meeting, decided without a server (domain.decisions.employer_reply)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from domain.decisions import employer_reply
from domain.decisions.effects import Audit, CloseTasks, Note, QueueMovesAt, Wake
from domain.model import EmployerAnswer, Location
from domain.refusals import Refusal
from domain.triage import Track
from tests.unit.decision_cases import FIRST_DAY, at, context, state

NOW = at(FIRST_DAY + timedelta(weeks=2), 9)


def test_hosting_closes_the_call_task_and_keeps_the_meetings():
    after, effects = employer_reply.decide(state(), context(NOW), EmployerAnswer(True, actor="anna"))
    assert after.employer_hosts is True and employer_reply.where(EmployerAnswer(True)) == Location.WORKPLACE
    assert effects == [
        Audit("employer_answered", "anna", {"hosts": "True", "reason": ""}),
        CloseTasks("call_employer"),
        Note("employer_hosts"),
        Wake(),
    ]


def test_declining_moves_every_workplace_meeting_to_the_job_centre():
    after, effects = employer_reply.decide(state(), context(NOW), EmployerAnswer(False, "Ingen lokaler"))
    assert after.employer_hosts is False and employer_reply.where(EmployerAnswer(False, "x")) == Location.JOBCENTER
    assert effects[2:] == [Note("employer_declined_hosting", "Ingen lokaler"), QueueMovesAt(Location.WORKPLACE), Wake()]


def test_a_decline_needs_a_reason_a_workplace_track_and_an_open_case():
    s, ctx = state(), context(NOW)
    assert employer_reply.validate(s, ctx, EmployerAnswer(False, " ")).reason == Refusal.REASON_REQUIRED
    assert (
        employer_reply.validate(state(track=Track.OUTSIDE), ctx, EmployerAnswer(True)).reason
        == Refusal.NOT_WORKPLACE_TRACK
    )
    assert employer_reply.validate(s, replace(ctx, ended=True), EmployerAnswer(True)).reason == Refusal.CASE_CLOSED
    assert employer_reply.validate(s, ctx, EmployerAnswer(True)) is None
