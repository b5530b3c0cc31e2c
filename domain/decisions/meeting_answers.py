"""An attendee answers an invitation (accepts, declines, is tentative) or proposes another time.

An answer counts only from an attendee of that meeting, for its current version (SEQUENCE), while the meeting is
planned. A decline asks the process to move the meeting; the employer's yes to a workplace meeting is agreeing
to host it; a comment reaches the caseworker as a task. A proposed time is never applied by itself: the
caseworker gets a task with the command that would move the meeting.
"""

from __future__ import annotations

from dataclasses import replace

from domain import labels, review_labels
from domain.calendar_dk import add_working_days
from domain.case_setup import case_rules
from domain.decisions import Context, Refused, task_command
from domain.decisions.effects import Audit, Effect, GiveTask, Note, QueueMove, SaveMeeting, Wake
from domain.localtime import LOCAL_TZ
from domain.model import PARTSTATS, CaseState, Location, Meeting, MeetingStatus, Partstat, Role
from domain.payloads import CounterProposal, RsvpReceived
from domain.practice import COUNTER_TASK_DUE_WORKING_DAYS
from domain.refusals import Refusal


def meeting_by_uid(state: CaseState, uid: str) -> Meeting | None:
    return next((m for m in state.meetings if m.uid == uid), None)


def validated_meeting(state: CaseState, uid: str) -> Meeting:
    """The meeting an answer is about, once `validate_answer` has let it through (so it is there)."""
    meeting = meeting_by_uid(state, uid)
    if meeting is None:
        raise ValueError(f"no meeting with UID {uid}: decide is called only after validate")
    return meeting


def validate_answer(state: CaseState, context: Context, uid: str, sequence: int, email: str) -> Refused | None:
    """What every answer to an invitation must be: from an attendee, for the current version, while planned."""
    meeting = meeting_by_uid(state, uid)
    if meeting is None:
        return Refused(Refusal.UNKNOWN_MEETING, "ukendt møde (UID)")
    if email.lower() not in context.attendees:
        return Refused(Refusal.NOT_AN_ATTENDEE, "afsenderen er ikke deltager i mødet")
    if sequence != meeting.sequence:
        return Refused(
            Refusal.STALE_SEQUENCE, f"svaret gælder version {sequence}, mødet er nu version {meeting.sequence}"
        )
    if meeting.status != MeetingStatus.INVITED:
        return Refused(Refusal.MEETING_NOT_PLANNED, "mødet er ikke længere planlagt")
    return None


def validate(state: CaseState, context: Context, rsvp: RsvpReceived) -> Refused | None:
    refused = validate_answer(state, context, rsvp.uid, rsvp.sequence, rsvp.attendee_email)
    if refused is None and rsvp.partstat not in PARTSTATS:
        return Refused(Refusal.BAD_PARTSTAT, f"ukendt svar {rsvp.partstat!r}")
    return refused


def decide(state: CaseState, context: Context, rsvp: RsvpReceived) -> tuple[CaseState, list[Effect]]:
    """The answer recorded on the meeting, in the register, the audit trail and the timeline."""
    before = validated_meeting(state, rsvp.uid)
    email = rsvp.attendee_email.lower()
    meeting = replace(before, responses={**before.responses, email: Partstat(rsvp.partstat)})
    role = context.role_of(email)
    hosts = (
        role == Role.EMPLOYER and rsvp.partstat == Partstat.ACCEPTED and meeting.expected_location == Location.WORKPLACE
    )  # accepting the workplace meeting is hosting it
    state = replace(
        state,
        meetings=[meeting if m is before else m for m in state.meetings],
        employer_hosts=True if hosts else state.employer_hosts,
    )
    effects: list[Effect] = [
        SaveMeeting(meeting),
        Audit(
            "rsvp_recorded",
            rsvp.actor or f"{role} (svar på invitation)",
            {"meeting": str(meeting.number), "answer": rsvp.partstat},
        ),
        Note(
            "rsvp",
            f"møde {meeting.number}: {role} {rsvp.partstat}" + (f" ({rsvp.comment[:500]})" if rsvp.comment else ""),
        ),
    ]
    if rsvp.comment:
        # The attendee's note (a reason to decline, say) reaches the caseworker, not only the timeline.
        effects.append(
            GiveTask(
                f"comment/{meeting.uid}/{meeting.sequence}/{email}",
                review_labels.answer_with_comment(role, meeting.number, rsvp.partstat, rsvp.comment[:1000]),
                due=add_working_days(context.today, COUNTER_TASK_DUE_WORKING_DAYS, case_rules(state).closed_days),
            )
        )
    if rsvp.partstat == Partstat.DECLINED:
        effects.append(QueueMove(meeting.uid))
    effects.append(Wake())
    return state, effects


def validate_proposal(state: CaseState, context: Context, proposal: CounterProposal) -> Refused | None:
    refused = validate_answer(state, context, proposal.uid, proposal.sequence, proposal.attendee_email)
    if refused is not None:
        return refused
    if proposal.end <= proposal.start:
        return Refused(Refusal.BAD_PROPOSAL, "det foreslåede møde slutter før det begynder")
    if not context.plausible(proposal.start) or not context.plausible(proposal.end):
        return Refused(Refusal.BAD_PROPOSAL, "det foreslåede tidspunkt ligger mere end et år ude i fremtiden")
    return None


def decide_proposal(state: CaseState, context: Context, proposal: CounterProposal) -> tuple[CaseState, list[Effect]]:
    """Another time proposed: noted, audited, and the caseworker decides (a task with the move's command)."""
    meeting = validated_meeting(state, proposal.uid)
    role = context.role_of(proposal.attendee_email)
    local = proposal.start.astimezone(LOCAL_TZ)
    # The task's key counts the timeline with this proposal's own line: one task per proposal.
    key = f"counter/{meeting.uid}/{len(state.timeline) + 1}"
    return state, [
        Note("counter_proposal", f"møde {meeting.number}: {role} foreslår {proposal.start.isoformat()}"),
        Audit(
            "time_proposed",
            proposal.actor or f"{role} (svar på invitation)",
            {"meeting": str(meeting.number), "start": proposal.start.isoformat()},
        ),
        GiveTask(
            key,
            labels.counter_proposal(role, meeting.number, proposal.start, proposal.comment),
            due=add_working_days(context.today, COUNTER_TASK_DUE_WORKING_DAYS, case_rules(state).closed_days),
            command=task_command(
                context.case, "flyt", f"--moede {meeting.number} --tidspunkt {local.strftime('%Y-%m-%dT%H:%M')}"
            ),
        ),
    ]
