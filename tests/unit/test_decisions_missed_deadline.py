"""A deadline that passes: met, a breach of the law, or the model's own target missed
(domain.decisions.missed_deadline)."""

from __future__ import annotations

from datetime import timedelta

from domain.decisions import missed_deadline
from domain.decisions.effects import Escalate, Note, PublishPhase, RecordBreach, RecordMissedTarget
from domain.model import MeetingStatus
from tests.unit.decision_cases import REFORM_FIRST_DAY, at, meeting, state


def test_a_statutory_week_eight_passed_unmet_is_a_breach_that_flags_the_case():
    before = state()
    due = before.deadlines.first_meeting_due
    after, effects = missed_deadline.decide(before, "first_meeting", due)
    assert after.deadline_breached and after.breaches == ["first_meeting"] and after.missed_targets == []
    assert effects[0] == RecordBreach("first_meeting", due)
    assert effects[1] == Note("deadline_breached", f"first_meeting {due.isoformat()}")
    assert isinstance(effects[2], Escalate) and effects[2].key == "breach/first_meeting" and effects[2].deadline == due
    assert "Lovfristen" in effects[2].reason
    assert effects[3] == PublishPhase()
    assert not before.deadline_breached and before.breaches == []  # the state given is not changed


def test_the_reforms_model_target_passed_unmet_is_recorded_apart_and_does_not_flag_the_case():
    before = state(REFORM_FIRST_DAY)
    due = before.deadlines.first_meeting_due
    after, effects = missed_deadline.decide(before, "first_meeting", due)
    assert not after.deadline_breached and after.breaches == [] and after.missed_targets == ["first_meeting"]
    assert [type(e) for e in effects] == [RecordMissedTarget, Note, Escalate, PublishPhase]
    assert effects[2].key == "target/first_meeting" and "ikke en lovfrist" in effects[2].reason
    # Missed again (a later run of the step): counted once.
    again, _ = missed_deadline.decide(after, "first_meeting", due)
    assert again.missed_targets == ["first_meeting"]


def test_a_first_meeting_held_in_time_is_neither():
    s = state()
    due = s.deadlines.first_meeting_due
    s.meetings = [meeting(start=at(due - timedelta(days=3), 10), status=MeetingStatus.HELD)]
    assert missed_deadline.decide(s, "first_meeting", due) == (s, [])


def test_the_fast_track_deadline_is_statutory_even_under_the_reform():
    s = state(REFORM_FIRST_DAY)
    due = s.deadlines.first_meeting_due - timedelta(weeks=3)
    after, effects = missed_deadline.decide(s, "fast_track", due)
    assert after.breaches == ["fast_track"] and isinstance(effects[0], RecordBreach)


def test_the_lead_is_warned_before_week_eight_unless_the_first_meeting_is_booked_and_accepted():
    from domain.decisions.effects import Escalate
    from tests.unit.decision_cases import EMPLOYEE, EMPLOYER, context

    now = at(state().deadlines.booking_escalation_day, 8)
    [warning] = missed_deadline.warn_if_at_risk(state(), context(now))
    assert warning == Escalate(
        "Første opfølgningssamtale er ikke booket og accepteret, og fristen nærmer sig.", key="booking_at_risk"
    )
    only_employer = state(meetings=[meeting(responses={EMPLOYER: "ACCEPTED"})])
    assert len(missed_deadline.warn_if_at_risk(only_employer, context(now))) == 1
    both = state(meetings=[meeting(responses={EMPLOYER: "ACCEPTED", EMPLOYEE: "ACCEPTED"})])
    assert missed_deadline.warn_if_at_risk(both, context(now)) == []
