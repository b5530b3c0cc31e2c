"""Carries out a pure decision's effects (`domain.decisions.effects`), in order, through the case's activities.

The one place an effect becomes a command: the decision says what, this says how. Order is kept as given, as
the order of commands is what a running case replays.
"""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.mail import Recipient, Task
    from activities.register import BreachRecord, MeasureRecord, RegisterActivities
    from domain import agenda
    from domain.decisions import effects as fx
    from domain.model import Caseworker, OpenTask, Role


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
            await case.activity(
                RegisterActivities.record_breach, BreachRecord(case.case.reference, case.case.municipality, kind, due)
            )
        case fx.RecordMissedTarget(kind, due):
            await case.activity(
                RegisterActivities.record_missed_target,
                BreachRecord(case.case.reference, case.case.municipality, kind, due),
            )
        case fx.PublishPhase(phase, fields, now_field):
            stamp = {now_field: workflow.now()} if now_field else {}
            await case.set_phase(
                phase or case.state.phase, **({"fields": {**fields, **stamp}} if fields is not None or stamp else {})
            )
        case fx.SaveMeeting(meeting):
            await case.save(meeting)
        case fx.PutMeeting(meeting):
            case.state.meetings[meeting.number - 1] = meeting
        case fx.SendCancellation(meeting, reason):
            await case.invite(meeting, cancel=True, reason=reason)
        case fx.Invite(meeting):
            await case.invite(meeting)
        case fx.SendMail(kind, to, key_suffix, fields, attendees):
            extra = {"attendees": tuple(recipient(case, a) for a in attendees)} if attendees else {}
            if isinstance(fields.get("task"), OpenTask):
                task = fields["task"]
                fields = {**fields, "task": Task(task.title, task.what, task.due, task.command)}
            await case.send(kind, recipient(case, to), key_suffix=key_suffix, **fields, **extra)
        case fx.GiveTask(key, text, due, command):
            await case.task(key, text, due=due, command=command)
        case fx.CloseTasks(key, prefix):
            case.state.open_tasks = [
                t for t in case.state.open_tasks if not (t.key.startswith(key) if prefix else t.key == key)
            ]
        case fx.UpdateRegister(action, fields):
            await case.activity(RegisterActivities.update_case, case.case_update(action, fields))
        case fx.QueueMove(uid):
            if uid not in case.state.reschedule:
                case.state.reschedule.append(uid)
        case fx.QueueMovesAt(location):
            for meeting in agenda.planned_meetings(case.state):
                if meeting.expected_location == location and meeting.uid not in case.state.reschedule:
                    case.state.reschedule.append(meeting.uid)
        case fx.RecordEnd(end_type, end_date):
            case.state.end_type, case.state.end_date = end_type, end_date
        case fx.SaveMeasure(measure):
            await case.activity(
                RegisterActivities.save_measure, MeasureRecord(case.case.reference, case.case.municipality, measure)
            )
        case fx.Wake():
            case.changed = True
        case _:
            raise TypeError(f"unknown effect {effect!r}")


def recipient(case, to: Role | Caseworker) -> Recipient:
    """A role of the case as the person it is now, or a named caseworker."""
    if isinstance(to, Caseworker):
        return Recipient(to.name, to.email, Role.CASEWORKER.value)
    return {Role.EMPLOYER: case.employer, Role.EMPLOYEE: case.employee, Role.CASEWORKER: case.caseworker_recipient}[
        Role(to)
    ]
