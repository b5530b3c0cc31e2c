"""A workplace-based measure, decided without a server (domain.decisions.measures)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from domain.decisions import measures
from domain.decisions.effects import Audit, CloseTasks, Note, SaveMeasure
from domain.model import Measure
from domain.payloads import MeasureStart
from domain.refusals import Refusal
from tests.unit.decision_cases import FIRST_DAY, at, context, state

NOW = at(FIRST_DAY + timedelta(weeks=10), 9)


def test_a_measure_started_by_week_13_counts_as_in_time_and_closes_the_task():
    s = state()
    start = MeasureStart("gradual_return", FIRST_DAY + timedelta(weeks=9, days=1), actor="anna")
    assert measures.validate(s, context(NOW), start) is None
    after, effects = measures.decide(s, context(NOW), start)
    [measure] = after.measures
    assert measure == Measure("gradual_return", start.start_date, before_week_13=True) and s.measures == []
    assert measures.counted_as(measure) == "before_week_13"
    assert effects == [
        SaveMeasure(measure),
        Audit("measure_started", "anna", {"kind": "gradual_return", "start_date": start.start_date.isoformat()}),
        CloseTasks("measure"),
        Note("measure_started", f"gradual_return fra {start.start_date.isoformat()} (uge 10)"),
    ]


def test_a_measure_after_week_13_is_counted_apart():
    late = MeasureStart("work_trial", state().deadlines.measure_due + timedelta(days=1))
    after, _ = measures.decide(state(), context(NOW), late)
    assert measures.counted_as(after.measures[0]) == "after_week_13"


def test_a_measure_is_refused_unknown_before_the_absence_too_far_ahead_or_twice():
    s, ctx = state(), context(NOW)
    assert measures.validate(s, ctx, MeasureStart("yoga", NOW.date())).reason == Refusal.BAD_MEASURE
    assert (
        measures.validate(s, ctx, MeasureStart("work_trial", FIRST_DAY - timedelta(days=1))).reason
        == Refusal.BAD_MEASURE_DATE
    )
    assert (
        measures.validate(s, ctx, MeasureStart("work_trial", NOW.date() + timedelta(days=400))).reason
        == Refusal.BAD_MEASURE_DATE
    )
    twice = state(measures=[Measure("work_trial", NOW.date(), True)])
    assert measures.validate(twice, ctx, MeasureStart("work_trial", NOW.date())).reason == Refusal.ALREADY_RECORDED
    assert (
        measures.validate(s, replace(ctx, ended=True), MeasureStart("work_trial", NOW.date())).reason
        == Refusal.CASE_CLOSED
    )
