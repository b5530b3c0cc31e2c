"""A workplace-based measure starts (graded return, work trial, ...): counted as "before week 13" when it starts
by the model's target (`deadlines.measure_due`); the caseworker's task to consider one is done."""

from __future__ import annotations

from dataclasses import replace

from domain.case_setup import case_deadlines
from domain.deadlines import week_of_absence
from domain.decisions import Context, Refused, refuse_if_closed
from domain.decisions.effects import Audit, CloseTasks, Effect, Note, SaveMeasure
from domain.model import CaseState, Measure, MeasureKind
from domain.payloads import MeasureStart
from domain.refusals import Refusal


def validate(state: CaseState, context: Context, start: MeasureStart) -> Refused | None:
    if refused := refuse_if_closed(context):
        return refused
    if start.kind not in {k.value for k in MeasureKind}:
        return Refused(Refusal.BAD_MEASURE, f"ukendt indsats {start.kind!r}")
    if start.start_date < context.case.first_day:
        return Refused(Refusal.BAD_MEASURE_DATE, "indsatsen kan ikke begynde før første fraværsdag")
    if not context.plausible_day(start.start_date):
        return Refused(Refusal.BAD_MEASURE_DATE, "startdatoen ligger mere end et år ude i fremtiden")
    if any((m.kind, m.start_date) == (start.kind, start.start_date) for m in state.measures):
        return Refused(Refusal.ALREADY_RECORDED, "indsatsen med den startdato er allerede registreret")
    return None


def decide(state: CaseState, context: Context, start: MeasureStart) -> tuple[CaseState, list[Effect]]:
    week = week_of_absence(context.case.first_day, start.start_date)
    measure = Measure(
        start.kind, start.start_date, before_week_13=start.start_date <= case_deadlines(state).measure_due
    )
    return replace(state, measures=[*state.measures, measure]), [
        SaveMeasure(measure),
        Audit("measure_started", start.actor, {"kind": start.kind, "start_date": start.start_date.isoformat()}),
        CloseTasks("measure"),
        Note("measure_started", f"{start.kind} fra {start.start_date.isoformat()} (uge {week})"),
    ]


def counted_as(measure: Measure) -> str:
    return "before_week_13" if measure.before_week_13 else "after_week_13"
