"""The employer answers the request to host the first meeting: at the workplace, or not (with a reason): then
every planned workplace meeting moves to the job centre. The employer's reply page, the caseworker's
`arbejdsgiver` command and the workbench form all reach the case as this one command (EmployerAnswer).
"""

from __future__ import annotations

from dataclasses import replace

from domain.decisions import Context, Refused, refuse_if_closed
from domain.decisions.effects import Audit, CloseTasks, Effect, Note, QueueMovesAt, Wake
from domain.model import CaseState, Location
from domain.payloads import EmployerAnswer
from domain.refusals import Refusal
from domain.triage import Track


def validate(state: CaseState, context: Context, answer: EmployerAnswer) -> Refused | None:
    if refused := refuse_if_closed(context):
        return refused
    if state.track != Track.WORKPLACE:
        return Refused(Refusal.NOT_WORKPLACE_TRACK, "sagen følger ikke arbejdspladsmodellen")
    if not answer.hosts_at_workplace and not answer.reason.strip():
        return Refused(Refusal.REASON_REQUIRED, "angiv en begrundelse, når samtalen ikke kan holdes på arbejdspladsen")
    return None


def decide(state: CaseState, context: Context, answer: EmployerAnswer) -> tuple[CaseState, list[Effect]]:
    hosts = answer.hosts_at_workplace
    effects: list[Effect] = [
        Audit("employer_answered", answer.actor, {"hosts": str(hosts), "reason": answer.reason}),
        CloseTasks("call_employer"),
    ]
    if hosts:
        effects.append(Note("employer_hosts"))
    else:
        effects += [Note("employer_declined_hosting", answer.reason), QueueMovesAt(Location.WORKPLACE)]
    return replace(state, employer_hosts=hosts), [*effects, Wake()]


def where(answer: EmployerAnswer) -> Location:
    """Where the first meeting is held after this answer."""
    return Location.WORKPLACE if answer.hosts_at_workplace else Location.JOBCENTER
