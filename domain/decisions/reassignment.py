"""Another caseworker takes the case (reassignment; a caseworker who leaves is many of these, one per case).

Every planned meeting is first placed in the new caseworker's calendar (the workflow asks the register, as
only it knows who is busy when); only when each has a place is the case handed over, and this module decides
what the hand-over is: the new caseworker on the case, everyone told, the old caseworker's calendar cleared,
the attendees given the meeting as it now is, the open tasks sent to the new caseworker.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, time

from domain import labels
from domain.case_setup import case_caseworker
from domain.decisions import Context, Refused, refuse_if_closed
from domain.decisions.effects import Audit, Effect, Invite, Note, PublishPhase, PutMeeting, SendMail, Wake
from domain.localtime import LOCAL_TZ
from domain.model import CaseState, Caseworker, Meeting, Role
from domain.payloads import Reassignment
from domain.refusals import Refusal

EVERYONE = (Role.EMPLOYER, Role.EMPLOYEE, Role.CASEWORKER)


def validate(state: CaseState, context: Context, change: Reassignment) -> Refused | None:
    if refused := refuse_if_closed(context):
        return refused
    if not change.reason.strip():
        return Refused(Refusal.REASON_REQUIRED, "angiv en begrundelse for omfordelingen")
    if change.caseworker_id == case_caseworker(state).id:
        return Refused(Refusal.SAME_CASEWORKER, "sagen har allerede denne sagsbehandler")
    return None


def within_hours(worker: Caseworker, meeting: Meeting) -> bool:
    """Whether the meeting lies inside the caseworker's working days and hours (local wall-clock time)."""
    start, end = meeting.start.astimezone(LOCAL_TZ), meeting.end.astimezone(LOCAL_TZ)
    return (
        start.weekday() in tuple(worker.work_days)
        and start.date() == end.date()
        and start.time() >= time.fromisoformat(worker.work_start)
        and end.time() <= time.fromisoformat(worker.work_end)
    )


def hand_over(
    state: CaseState, context: Context, change: Reassignment, new: Caseworker, placed: list[tuple[Meeting, Meeting]]
) -> tuple[CaseState, list[Effect]]:
    """The case passes to `new`, every planned meeting already placed in their calendar: (before, after)."""
    old = case_caseworker(state)
    handover = sum(e.event == "caseworker_reassigned" for e in state.timeline) + 1
    reason = change.reason
    extra = {"old_caseworker_name": old.name, "new_caseworker_name": new.name}
    effects: list[Effect] = [
        Note("caseworker_reassigned", f"{old.name} til {new.name}: {reason}"),
        Audit("caseworker_reassigned", change.actor, {"old": old.id, "new": new.id, "reason": reason}),
        *(
            SendMail("case_reassigned", to, f"/{handover}", {"reason": reason, "extra": extra})
            for to in (old, Role.CASEWORKER, Role.EMPLOYER)
        ),
    ]
    for before, after in placed:
        # The old caseworker's calendar loses the meeting; the others get it as it now is.
        effects += [
            SendMail(
                "cancellation",
                old,
                f"/{after.uid}/{after.sequence}",
                {"meeting": after, "calendar_method": "CANCEL", "reason": labels.MEETING_TAKEN_OVER},
                attendees=(old,),
            ),
            PutMeeting(after),
        ]
        if after.start == before.start:
            # Same time: the mail says who the new caseworker is, not "Ændret tidspunkt".
            effects += [
                SendMail(
                    "invitation",
                    to,
                    f"/{after.uid}/{after.sequence}",
                    {"meeting": after, "calendar_method": "REQUEST", "extra": {"handed_over": new.name}},
                    attendees=EVERYONE,
                )
                for to in EVERYONE
            ]
        else:
            effects += [
                Invite(after),
                Note(
                    "meeting_moved",
                    f"møde {after.number} til {_local(after.start)} "
                    f"(version {after.sequence}), fordi den nye "
                    "sagsbehandler var optaget",
                ),
            ]
    effects += [
        SendMail("caseworker_task", Role.CASEWORKER, f"/{task.key}/{handover}", {"task": task})
        for task in state.open_tasks
    ]
    return replace(state, caseworker=new), [*effects, PublishPhase(), Wake()]


def _local(instant: datetime) -> str:
    return instant.astimezone(LOCAL_TZ).strftime("%d.%m.%Y kl. %H.%M")
