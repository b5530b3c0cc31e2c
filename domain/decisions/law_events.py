"""Events the law gives a running case: a partial recovery (a change, not an end: § 8) and a period without
sickness benefit that moves the § 24 reassessment (its task follows the new date).
"""

from __future__ import annotations

from dataclasses import replace

from domain import agenda
from domain.case_setup import case_deadlines, case_rules
from domain.decisions import Context, Refused, refuse_if_closed
from domain.decisions.effects import Audit, Effect, Note, PublishPhase, UpdateRegister, Wake
from domain.model import CaseState
from domain.payloads import BenefitPause, PartialRecovery
from domain.practice import MAX_HOURS_PER_WEEK
from domain.reassessment import recompute_reassessment
from domain.refusals import Refusal


# ---------------------------------------------------------------------------- partial recovery
def validate_partial_recovery(state: CaseState, context: Context, change: PartialRecovery) -> Refused | None:
    if refused := refuse_if_closed(context):
        return refused
    if not 0 < change.hours_per_week <= MAX_HOURS_PER_WEEK:
        return Refused(Refusal.BAD_HOURS, f"timer om ugen skal være mere end 0 og højst {MAX_HOURS_PER_WEEK}")
    if change.from_date < context.case.first_day:
        return Refused(Refusal.BAD_FROM_DATE, "datoen ligger før første fraværsdag")
    if not context.plausible_day(change.from_date):
        return Refused(Refusal.BAD_FROM_DATE, "datoen ligger mere end et år ude i fremtiden")
    if state.partial_recoveries and change.from_date < state.partial_recoveries[-1].from_date:
        return Refused(Refusal.BAD_FROM_DATE, "datoen ligger før den seneste registrerede delvise raskmelding")
    if any(
        (p.hours_per_week, p.from_date) == (change.hours_per_week, change.from_date) for p in state.partial_recoveries
    ):
        # The same fact sent again (Back and send, a second tab): recorded once.
        return Refused(
            Refusal.ALREADY_RECORDED, "den delvise raskmelding med de timer fra den dato er allerede registreret"
        )
    return None


def hours(change: PartialRecovery) -> str:
    return f"{change.hours_per_week:g}"


def decide_partial_recovery(
    state: CaseState, context: Context, change: PartialRecovery
) -> tuple[CaseState, list[Effect]]:
    """Partly back at work (reduced hours): reduced benefit and follow-up go on; the case stays open."""
    recoveries = [*state.partial_recoveries, change]
    return replace(state, partial_recoveries=recoveries), [
        Note("partial_recovery", f"{hours(change)} timer om ugen fra {change.from_date.isoformat()}"),
        Audit(
            "partial_recovery",
            change.actor,
            {"hours_per_week": hours(change), "from_date": change.from_date.isoformat(), "note": change.note},
        ),
        UpdateRegister(
            "partial_recovery",
            {"partial_recovery_on": recoveries[0].from_date, "partial_recovery_hours": change.hours_per_week},
        ),
        Wake(),
    ]


# ---------------------------------------------------------------------------- periods without benefit (§ 24)
def validate_benefit_pause(state: CaseState, context: Context, pause: BenefitPause) -> Refused | None:
    if refused := refuse_if_closed(context):
        return refused
    if pause.end < pause.start:
        return Refused(Refusal.BAD_PERIOD, "perioden slutter før den begynder")
    if pause.start < context.case.first_day:
        return Refused(Refusal.BAD_PERIOD, "perioden begynder før første fraværsdag")
    if not context.plausible_day(pause.end):
        # Also keeps the § 24 arithmetic, which runs on from the last pause, inside the calendar.
        return Refused(Refusal.BAD_PERIOD, "perioden slutter mere end et år ude i fremtiden")
    for other in state.benefit_pauses:
        if pause.start <= other.end and other.start <= pause.end:
            return Refused(
                Refusal.PERIOD_OVERLAPS,
                f"perioden overlapper en registreret periode ({other.start.isoformat()} til {other.end.isoformat()})",
            )
    return None


def decide_benefit_pause(state: CaseState, context: Context, pause: BenefitPause) -> tuple[CaseState, list[Effect]]:
    """The § 24 date moves; a reassessment task already given stands if the date did not move, else it goes
    (the agenda gives a new one for the new date)."""
    old_due, old_key = case_deadlines(state).reassessment_due, agenda.reassessment_key(state)
    pauses = [*state.benefit_pauses, pause]
    deadlines = recompute_reassessment(
        case_deadlines(state), case_rules(state), no_benefit=pauses, earlier_benefit=state.earlier_benefit
    )
    state = replace(state, benefit_pauses=pauses, deadlines=deadlines)
    new_due = deadlines.reassessment_due
    if old_key in state.done:
        if new_due == old_due:
            state = replace(state, done=[*state.done, agenda.reassessment_key(state)])  # the task given stands
        else:
            state = replace(state, open_tasks=[t for t in state.open_tasks if not t.key.startswith("reassessment")])
    return state, [
        Note(
            "benefit_pause",
            f"{pause.start.isoformat()} til {pause.end.isoformat()}; revurdering senest {new_due.isoformat()}",
        ),
        Audit(
            "benefit_pause",
            pause.actor,
            {
                "start": pause.start.isoformat(),
                "end": pause.end.isoformat(),
                "reason": pause.reason,
                "reassessment_due": new_due.isoformat(),
            },
        ),
        PublishPhase(),
        Wake(),
    ]
