"""A dated deadline has passed (the agenda's BREACH step): met, a breach of the law, or the model's own target
missed. Both misses take the same course: record it, note it, tell the team lead, publish the phase; only a
breach of the law flags the case as breached (`state.deadline_breached`), so the two are counted apart.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import date

from domain import agenda, labels
from domain.decisions.effects import Effect, Escalate, Note, PublishPhase, RecordBreach, RecordMissedTarget
from domain.deadlines import MODEL_TARGET
from domain.model import CaseState


def decide(state: CaseState, kind: str, due: date) -> tuple[CaseState, list[Effect]]:
    """What passing deadline `kind` on `due` means for the case."""
    if agenda.deadline_met(state, due):
        return state, []
    when = due.isoformat()
    if agenda.miss_kind(state, kind) == MODEL_TARGET:
        missed = state.missed_targets if kind in state.missed_targets else [*state.missed_targets, kind]
        return replace(state, missed_targets=missed), [
            RecordMissedTarget(kind, due), Note("target_missed", f"{kind} {when}"),
            Escalate(labels.target_missed(kind, when), key=f"target/{kind}", deadline=due), PublishPhase()]
    return replace(state, deadline_breached=True, breaches=[*state.breaches, kind]), [
        RecordBreach(kind, due), Note("deadline_breached", f"{kind} {when}"),
        Escalate(labels.deadline_missed(kind, when), key=f"breach/{kind}", deadline=due), PublishPhase()]
