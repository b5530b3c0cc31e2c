"""A planned meeting is recorded: held (where, with or without the employer) or not held (a no-show).

Held, the case is in follow-up; not held, no meeting is planned any more and the process books a new one. A
meeting held before its planned time is first taken out of everyone's calendar (the planned time would
otherwise stay there); `cancel_planned_time` says whether this case does that (cases recorded before the
change replay without it).
"""

from __future__ import annotations

from dataclasses import replace

from domain import labels
from domain.decisions import Context, Refused
from domain.decisions.effects import (
    Audit,
    CloseTasks,
    Effect,
    Note,
    PublishPhase,
    PutMeeting,
    SaveMeeting,
    SendCancellation,
    Wake,
)
from domain.model import CaseState, Location, MeetingStatus, Phase
from domain.payloads import MeetingOutcome
from domain.refusals import Refusal


def validate(state: CaseState, context: Context, outcome: MeetingOutcome) -> Refused | None:
    if not 1 <= outcome.meeting_number <= len(state.meetings):
        return Refused(Refusal.NO_SUCH_MEETING, f"sagen har intet møde nummer {outcome.meeting_number}")
    meeting = state.meetings[outcome.meeting_number - 1]
    if meeting.status != MeetingStatus.INVITED:
        return Refused(Refusal.ALREADY_RECORDED, f"møde {meeting.number} er allerede registreret som {meeting.status}")
    if context.now < (outcome.held_at or meeting.start):
        return Refused(Refusal.MEETING_IN_FUTURE, f"møde {meeting.number} er ikke begyndt endnu")
    if outcome.held_at and outcome.held_at.date() < context.case.first_day:
        return Refused(Refusal.BAD_HELD_AT, "mødetidspunktet ligger før første fraværsdag")
    if outcome.location not in {loc.value for loc in Location}:
        return Refused(Refusal.BAD_LOCATION, f"ukendt sted {outcome.location!r}")
    return None


def held_before_planned(state: CaseState, context: Context, outcome: MeetingOutcome) -> bool:
    """Held, with a time named, before the time the invitations gave."""
    meeting = state.meetings[outcome.meeting_number - 1]
    return bool(outcome.held and outcome.held_at and meeting.start > context.now)


def decide(
    state: CaseState, context: Context, outcome: MeetingOutcome, cancel_planned_time: bool = False
) -> tuple[CaseState, list[Effect]]:
    index = outcome.meeting_number - 1
    meeting = state.meetings[index]
    effects: list[Effect] = []
    if cancel_planned_time:
        meeting = replace(meeting, sequence=meeting.sequence + 1)
        effects.append(SendCancellation(meeting, labels.MEETING_HELD_EARLIER))
    held = outcome.held
    recorded = replace(
        meeting,
        status=MeetingStatus.HELD if held else MeetingStatus.NO_SHOW,
        employer_took_part=outcome.employer_took_part if held else None,
        actual_location=outcome.location if held else None,
        held_at=(outcome.held_at or meeting.start) if held else None,
    )
    if cancel_planned_time:
        effects.append(PutMeeting(recorded))  # recorded once everyone's calendar has lost the planned time
    effects += [
        SaveMeeting(recorded),
        Audit(
            "meeting_recorded",
            outcome.actor,
            {
                "meeting": str(recorded.number),
                "status": recorded.status,
                "location": recorded.actual_location or "",
                "employer_took_part": str(recorded.employer_took_part),
            },
        ),
        CloseTasks(f"record_meeting/{recorded.number}/", prefix=True),
        Note("meeting_recorded", f"møde {recorded.number}: {recorded.status}, sted {recorded.actual_location}"),
    ]
    if held:
        effects.append(PublishPhase(Phase.FOLLOW_UP))
    effects.append(Wake())  # a no-show leaves no planned meeting: the process books a new one
    now_in_state = meeting if cancel_planned_time else recorded
    return replace(state, meetings=[now_in_state if i == index else m for i, m in enumerate(state.meetings)]), effects
