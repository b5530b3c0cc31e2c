"""Another caseworker takes the case, decided without a server (domain.decisions.reassignment)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from domain.decisions import reassignment
from domain.decisions.effects import Audit, Invite, Note, PublishPhase, PutMeeting, SendMail, Wake
from domain.model import Caseworker, OpenTask, Role
from domain.payloads import Reassignment
from domain.refusals import Refusal
from tests.unit.decision_cases import FIRST_DAY, at, context, meeting, state

NOW = at(FIRST_DAY + timedelta(weeks=3), 9)
JONAS = Caseworker("jonas", "Jonas", "jonas@example.dk", "", "t", "T", "L", "l@example.dk")


def test_a_reassignment_needs_a_reason_another_caseworker_and_an_open_case():
    s, ctx = state(), context(NOW)
    assert reassignment.validate(s, ctx, Reassignment(" ")).reason == Refusal.REASON_REQUIRED
    assert reassignment.validate(s, ctx, Reassignment("Orlov", caseworker_id="cw")).reason == Refusal.SAME_CASEWORKER
    assert reassignment.validate(s, replace(ctx, ended=True), Reassignment("Orlov")).reason == Refusal.CASE_CLOSED
    assert reassignment.validate(s, ctx, Reassignment("Orlov", caseworker_id="jonas")) is None


def test_a_meeting_kept_at_its_time_is_sent_again_naming_the_new_caseworker():
    before = meeting()
    after = replace(before, sequence=1)
    s = state(meetings=[before], open_tasks=[OpenTask("call_employer", "Ring", "", FIRST_DAY + timedelta(weeks=4))])
    old = s.caseworker
    new_state, effects = reassignment.hand_over(
        s, context(NOW), Reassignment("Orlov", actor="lead"), JONAS, [(before, after)]
    )
    assert new_state.caseworker == JONAS and s.caseworker == old
    assert effects[0] == Note("caseworker_reassigned", f"{old.name} til Jonas: Orlov")
    assert effects[1] == Audit("caseworker_reassigned", "lead", {"old": "cw", "new": "jonas", "reason": "Orlov"})
    told = [e.to for e in effects[2:5]]
    assert all(e.kind == "case_reassigned" and e.key_suffix == "/1" for e in effects[2:5])
    assert told == [old, Role.CASEWORKER, Role.EMPLOYER]  # the old caseworker by name, the new by role
    cancel, put = effects[5], effects[6]
    assert cancel.kind == "cancellation" and cancel.to == old and cancel.attendees == (old,)
    assert put == PutMeeting(after)
    invitations = effects[7:10]
    assert [e.to for e in invitations] == [Role.EMPLOYER, Role.EMPLOYEE, Role.CASEWORKER]
    assert all(e.fields["extra"] == {"handed_over": "Jonas"} for e in invitations)
    task = effects[10]
    assert isinstance(task, SendMail) and task.kind == "caseworker_task" and task.key_suffix == "/call_employer/1"
    assert effects[-2:] == [PublishPhase(), Wake()]


def test_a_meeting_that_had_to_move_is_invited_anew_and_the_move_is_noted():
    before = meeting()
    after = replace(before, sequence=1, start=before.start + timedelta(days=1), end=before.end + timedelta(days=1))
    s = state(meetings=[before], timeline=[])
    _, effects = reassignment.hand_over(s, context(NOW), Reassignment("Orlov"), JONAS, [(before, after)])
    assert Invite(after) in effects
    [moved] = [e for e in effects if isinstance(e, Note) and e.event == "meeting_moved"]
    assert "fordi den nye sagsbehandler var optaget" in moved.detail
    assert not any(isinstance(e, SendMail) and e.kind == "invitation" for e in effects)


def test_within_working_hours_reads_the_caseworkers_days_and_hours_in_local_time():
    worker = replace(JONAS, work_days=(0, 1, 2, 3, 4), work_start="08:00", work_end="15:00")
    monday = meeting(start=at(FIRST_DAY, 10))
    assert reassignment.within_hours(worker, monday)
    assert not reassignment.within_hours(worker, meeting(start=at(FIRST_DAY, 14, 30)))  # ends 15.30
    assert not reassignment.within_hours(worker, meeting(start=at(FIRST_DAY + timedelta(days=5), 10)))  # Saturday
