"""The first meeting's deadline (week 8) and the case's other dated deadlines, as they come near and pass.

Near (the agenda's FIRST_MEETING_AT_RISK step, `booking_escalation_working_days` before the last working day):
the team lead is told unless the first meeting is booked and accepted by employer and employee.
Passed (the agenda's BREACH step): met, a breach of the law, or the model's own target missed. Both misses take the
same course: record it, note it, tell the team lead, publish the phase; only a
breach of the law flags the case as breached (`state.deadline_breached`), so the two are counted apart.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from domain import agenda, labels
from domain.deadlines import MODEL_TARGET
from domain.decisions import Context
from domain.decisions.effects import Effect, Escalate, Note, PublishPhase, RecordBreach, RecordMissedTarget
from domain.model import CaseState


def decide(state: CaseState, kind: str, due: date) -> tuple[CaseState, list[Effect]]:
    """What passing deadline `kind` on `due` means for the case."""
    if agenda.deadline_met(state, due):
        return state, []
    when = due.isoformat()
    if agenda.miss_kind(state, kind) == MODEL_TARGET:
        missed = state.missed_targets if kind in state.missed_targets else [*state.missed_targets, kind]
        return replace(state, missed_targets=missed), [
            RecordMissedTarget(kind, due),
            Note("target_missed", f"{kind} {when}"),
            Escalate(labels.target_missed(kind, when), key=f"target/{kind}", deadline=due),
            PublishPhase(),
        ]
    return replace(state, deadline_breached=True, breaches=[*state.breaches, kind]), [
        RecordBreach(kind, due),
        Note("deadline_breached", f"{kind} {when}"),
        Escalate(labels.deadline_missed(kind, when), key=f"breach/{kind}", deadline=due),
        PublishPhase(),
    ]


def warn_if_at_risk(state: CaseState, context: Context) -> list[Effect]:
    """The first meeting's deadline is near: tell the team lead unless it is held, or booked and accepted."""
    employer, employee = context.case.employer.contact_email, context.case.employee.email
    if agenda.first_meeting_at_risk(state, employer, employee):
        return [Escalate(labels.FIRST_MEETING_AT_RISK, key="booking_at_risk")]
    return []
