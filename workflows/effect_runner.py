"""Carries out a pure decision's effects (`domain.decisions.effects`), in order, through the case's activities.

The one place an effect becomes a command: the decision says what, this says how. Order is kept as given, as
the order of commands is what a running case replays.
"""
from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.register import BreachRecord, RegisterActivities
    from domain.decisions import effects as fx


async def run_effects(case, effects: list[fx.Effect]) -> None:
    """`case` is the running CaseWorkflow (its activity calls, mails and state)."""
    for effect in effects:
        await run_effect(case, effect)


async def run_effect(case, effect: fx.Effect) -> None:
    match effect:
        case fx.Note(event, detail):
            case.note(event, detail)
        case fx.Audit(action, actor, detail):
            await case.audit(action, actor, **detail)
        case fx.Escalate(reason, key, deadline):
            await case.escalate(reason, key=key, deadline=deadline)
        case fx.RecordBreach(kind, due):
            await case.activity(RegisterActivities.record_breach,
                                BreachRecord(case.case.reference, case.case.municipality, kind, due))
        case fx.RecordMissedTarget(kind, due):
            await case.activity(RegisterActivities.record_missed_target,
                                BreachRecord(case.case.reference, case.case.municipality, kind, due))
        case fx.PublishPhase():
            await case.set_phase(case.state.phase)
        case fx.SaveMeeting(meeting):
            await case.save(meeting)
        case fx.GiveTask(key, text, due, command):
            await case.task(key, text, due=due, command=command)
        case fx.UpdateRegister(action, fields):
            await case.activity(RegisterActivities.update_case, case.case_update(action, fields))
        case fx.QueueMove(uid):
            if uid not in case.state.reschedule:
                case.state.reschedule.append(uid)
        case fx.Wake():
            case.changed = True
        case _:
            raise TypeError(f"unknown effect {effect!r}")
