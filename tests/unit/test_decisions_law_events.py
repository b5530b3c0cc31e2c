"""A partial recovery and a period without benefit, decided without a server (domain.decisions.law_events)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from domain import agenda
from domain.decisions import law_events
from domain.decisions.effects import Audit, Note, PublishPhase, UpdateRegister, Wake
from domain.model import BenefitPause, OpenTask, PartialRecovery
from domain.refusals import Refusal
from tests.unit.decision_cases import FIRST_DAY, at, context, state

NOW = at(FIRST_DAY + timedelta(weeks=10), 9)


def test_a_partial_recovery_is_recorded_and_the_case_goes_on():
    change = PartialRecovery(18.5, FIRST_DAY + timedelta(weeks=9), actor="anna")
    s = state()
    assert law_events.validate_partial_recovery(s, context(NOW), change) is None
    after, effects = law_events.decide_partial_recovery(s, context(NOW), change)
    assert after.partial_recoveries == [change] and s.partial_recoveries == []
    assert effects[0] == Note("partial_recovery", f"18.5 timer om ugen fra {change.from_date.isoformat()}")
    assert isinstance(effects[1], Audit) and effects[1].detail["hours_per_week"] == "18.5"
    assert effects[2] == UpdateRegister(
        "partial_recovery", {"partial_recovery_on": change.from_date, "partial_recovery_hours": 18.5}
    )
    assert effects[3] == Wake()
    # A second change keeps the first day of partial recovery in the register.
    later = PartialRecovery(30, change.from_date + timedelta(weeks=2))
    _, effects = law_events.decide_partial_recovery(after, context(NOW), later)
    assert effects[2].fields["partial_recovery_on"] == change.from_date


def test_a_partial_recovery_is_refused_with_impossible_hours_dates_or_twice():
    s = state(partial_recoveries=[PartialRecovery(20, FIRST_DAY + timedelta(weeks=5))])
    ctx = context(NOW)
    check = lambda change: law_events.validate_partial_recovery(s, ctx, change).reason  # noqa: E731
    assert check(PartialRecovery(0, FIRST_DAY + timedelta(weeks=6))) == Refusal.BAD_HOURS
    assert check(PartialRecovery(49, FIRST_DAY + timedelta(weeks=6))) == Refusal.BAD_HOURS
    assert check(PartialRecovery(10, FIRST_DAY - timedelta(days=1))) == Refusal.BAD_FROM_DATE
    assert check(PartialRecovery(10, NOW.date() + timedelta(days=400))) == Refusal.BAD_FROM_DATE
    assert check(PartialRecovery(10, FIRST_DAY + timedelta(weeks=4))) == Refusal.BAD_FROM_DATE  # before the last
    assert check(PartialRecovery(20, FIRST_DAY + timedelta(weeks=5))) == Refusal.ALREADY_RECORDED
    assert (
        law_events.validate_partial_recovery(s, replace(ctx, ended=True), PartialRecovery(10, NOW.date())).reason
        == Refusal.CASE_CLOSED
    )


def test_a_period_without_benefit_moves_the_reassessment_and_its_task_follows():
    s = state()
    given = agenda.reassessment_key(s)
    s.done, s.open_tasks = [given], [OpenTask("reassessment", "Revurdering", "", s.deadlines.reassessment_due)]
    pause = BenefitPause(FIRST_DAY + timedelta(weeks=6), FIRST_DAY + timedelta(weeks=14) - timedelta(days=1))
    assert law_events.validate_benefit_pause(s, context(NOW), pause) is None
    after, effects = law_events.decide_benefit_pause(s, context(NOW), pause)
    assert after.deadlines.reassessment_due > s.deadlines.reassessment_due  # § 24 counts weeks with benefit
    assert after.benefit_pauses == [pause] and after.open_tasks == []  # a new task comes for the new date
    assert [type(e) for e in effects] == [Note, Audit, PublishPhase, Wake]
    assert effects[1].detail["reassessment_due"] == after.deadlines.reassessment_due.isoformat()


def test_a_period_that_does_not_move_the_date_keeps_the_task_given():
    s = state()
    s.done = [agenda.reassessment_key(s)]
    s.open_tasks = [OpenTask("reassessment", "Revurdering", "", s.deadlines.reassessment_due)]
    inside_employer_period = BenefitPause(FIRST_DAY + timedelta(days=2), FIRST_DAY + timedelta(days=4))
    after, _ = law_events.decide_benefit_pause(s, context(NOW), inside_employer_period)
    assert after.deadlines.reassessment_due == s.deadlines.reassessment_due  # the employer pays these days
    assert after.open_tasks == s.open_tasks and agenda.reassessment_key(after) in after.done


def test_a_period_without_benefit_is_refused_backwards_before_the_absence_or_overlapping():
    first = BenefitPause(FIRST_DAY + timedelta(weeks=3), FIRST_DAY + timedelta(weeks=4))
    s, ctx = state(benefit_pauses=[first]), context(NOW)
    assert law_events.validate_benefit_pause(s, ctx, BenefitPause(first.end, first.start)).reason == Refusal.BAD_PERIOD
    assert (
        law_events.validate_benefit_pause(s, ctx, BenefitPause(FIRST_DAY - timedelta(days=3), FIRST_DAY)).reason
        == Refusal.BAD_PERIOD
    )
    overlap = law_events.validate_benefit_pause(s, ctx, BenefitPause(first.end, first.end + timedelta(days=3)))
    assert overlap.reason == Refusal.PERIOD_OVERLAPS and first.start.isoformat() in overlap.message
